package generate

// choice names one entity and the spec paths that serve it. The connector
// entity name and the choice of paths are decisions (connector-model.md
// §5.2); everything else is read from the specification.
type choice struct {
	Name     string
	File     string
	Host     string
	List     string // list path ("" when Twilio has none)
	Instance string // instance path ("" when Twilio has none)
}

const (
	v2010    = "twilio_api_v2010.json"
	feedback = "twilio_api_v2010_with_call_feedback.json" // 2024-02-09: last spec with call feedback
	acct     = "/2010-04-01/Accounts/{AccountSid}"
)

var selection = []choice{
	{Name: "Calls", File: v2010, List: acct + "/Calls.json", Instance: acct + "/Calls/{Sid}.json"},
	{Name: "Feedback", File: feedback, Instance: acct + "/Calls/{CallSid}/Feedback.json"},
	{Name: "FeedbackSummary", File: feedback, List: acct + "/Calls/FeedbackSummary.json", Instance: acct + "/Calls/FeedbackSummary/{Sid}.json"},
	{Name: "IncomingPhoneNumbers", File: v2010, List: acct + "/IncomingPhoneNumbers.json", Instance: acct + "/IncomingPhoneNumbers/{Sid}.json"},
	{Name: "Messages", File: v2010, List: acct + "/Messages.json", Instance: acct + "/Messages/{Sid}.json"},
	{Name: "OutgoingCallerIds", File: v2010, List: acct + "/OutgoingCallerIds.json", Instance: acct + "/OutgoingCallerIds/{Sid}.json"},
	{Name: "Recordings", File: v2010, List: acct + "/Recordings.json", Instance: acct + "/Recordings/{Sid}.json"},
}
