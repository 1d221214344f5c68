package generate

// choice names one entity and the spec paths that serve it. The connector
// entity name and the choice of paths are decisions (docs/connector-model.md
// §1.1); everything else is read from the specification.
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

const (
	insights  = "twilio_insights_v1.json"
	messaging = "twilio_messaging_v1.json"
	sip       = acct + "/SIP"
	usage     = acct + "/Usage/Records"
	avail     = acct + "/AvailablePhoneNumbers/{CountryCode}"
)

// selection is the whole catalogue: the connector model's tables and
// views (docs/connector-model.md §1.1) and every other resource of the 2010 API,
// plus Call Annotation and Messaging Services from the v1 APIs.
var selection = []choice{
	{Name: "Accounts", File: v2010, List: "/2010-04-01/Accounts.json", Instance: "/2010-04-01/Accounts/{Sid}.json"},
	{Name: "Addresses", File: v2010, List: acct + "/Addresses.json", Instance: acct + "/Addresses/{Sid}.json"},
	{Name: "Applications", File: v2010, List: acct + "/Applications.json", Instance: acct + "/Applications/{Sid}.json"},
	{Name: "AssignedAddOnExtensions", File: v2010, List: acct + "/IncomingPhoneNumbers/{ResourceSid}/AssignedAddOns/{AssignedAddOnSid}/Extensions.json", Instance: acct + "/IncomingPhoneNumbers/{ResourceSid}/AssignedAddOns/{AssignedAddOnSid}/Extensions/{Sid}.json"},
	{Name: "AssignedAddOns", File: v2010, List: acct + "/IncomingPhoneNumbers/{ResourceSid}/AssignedAddOns.json", Instance: acct + "/IncomingPhoneNumbers/{ResourceSid}/AssignedAddOns/{Sid}.json"},
	{Name: "AuthorizedConnectApps", File: v2010, List: acct + "/AuthorizedConnectApps.json", Instance: acct + "/AuthorizedConnectApps/{ConnectAppSid}.json"},
	{Name: "AvailablePhoneNumberCountries", File: v2010, List: acct + "/AvailablePhoneNumbers.json", Instance: acct + "/AvailablePhoneNumbers/{CountryCode}.json"},
	{Name: "AvailablePhoneNumbers", File: v2010, List: avail + "/Local.json"},
	{Name: "AvailablePhoneNumbersMachineToMachine", File: v2010, List: avail + "/MachineToMachine.json"},
	{Name: "AvailablePhoneNumbersMobile", File: v2010, List: avail + "/Mobile.json"},
	{Name: "AvailablePhoneNumbersNational", File: v2010, List: avail + "/National.json"},
	{Name: "AvailablePhoneNumbersSharedCost", File: v2010, List: avail + "/SharedCost.json"},
	{Name: "AvailablePhoneNumbersTollFree", File: v2010, List: avail + "/TollFree.json"},
	{Name: "AvailablePhoneNumbersVoip", File: v2010, List: avail + "/Voip.json"},
	{Name: "Balance", File: v2010, List: acct + "/Balance.json"},
	{Name: "CallAnnotation", File: insights, Host: "insights.twilio.com", Instance: "/v1/Voice/{CallSid}/Annotation"},
	{Name: "CallEvents", File: v2010, List: acct + "/Calls/{CallSid}/Events.json"},
	{Name: "CallNotifications", File: v2010, List: acct + "/Calls/{CallSid}/Notifications.json", Instance: acct + "/Calls/{CallSid}/Notifications/{Sid}.json"},
	{Name: "CallRecordings", File: v2010, List: acct + "/Calls/{CallSid}/Recordings.json", Instance: acct + "/Calls/{CallSid}/Recordings/{Sid}.json"},
	{Name: "CallTranscriptions", File: v2010, List: acct + "/Calls/{CallSid}/Transcriptions.json", Instance: acct + "/Calls/{CallSid}/Transcriptions/{Sid}.json"},
	{Name: "Calls", File: v2010, List: acct + "/Calls.json", Instance: acct + "/Calls/{Sid}.json"},
	{Name: "ConferenceRecordings", File: v2010, List: acct + "/Conferences/{ConferenceSid}/Recordings.json", Instance: acct + "/Conferences/{ConferenceSid}/Recordings/{Sid}.json"},
	{Name: "Conferences", File: v2010, List: acct + "/Conferences.json", Instance: acct + "/Conferences/{Sid}.json"},
	{Name: "ConnectApps", File: v2010, List: acct + "/ConnectApps.json", Instance: acct + "/ConnectApps/{Sid}.json"},
	{Name: "DependentPhoneNumbers", File: v2010, List: acct + "/Addresses/{AddressSid}/DependentPhoneNumbers.json"},
	{Name: "Feedback", File: feedback, Instance: acct + "/Calls/{CallSid}/Feedback.json"},
	{Name: "FeedbackSummary", File: feedback, List: acct + "/Calls/FeedbackSummary.json", Instance: acct + "/Calls/FeedbackSummary/{Sid}.json"},
	{Name: "IncomingPhoneNumbers", File: v2010, List: acct + "/IncomingPhoneNumbers.json", Instance: acct + "/IncomingPhoneNumbers/{Sid}.json"},
	{Name: "IncomingPhoneNumbersLocal", File: v2010, List: acct + "/IncomingPhoneNumbers/Local.json"},
	{Name: "IncomingPhoneNumbersMobile", File: v2010, List: acct + "/IncomingPhoneNumbers/Mobile.json"},
	{Name: "IncomingPhoneNumbersTollFree", File: v2010, List: acct + "/IncomingPhoneNumbers/TollFree.json"},
	{Name: "Keys", File: v2010, List: acct + "/Keys.json", Instance: acct + "/Keys/{Sid}.json"},
	{Name: "Media", File: v2010, List: acct + "/Messages/{MessageSid}/Media.json", Instance: acct + "/Messages/{MessageSid}/Media/{Sid}.json"},
	{Name: "Members", File: v2010, List: acct + "/Queues/{QueueSid}/Members.json", Instance: acct + "/Queues/{QueueSid}/Members/{CallSid}.json"},
	{Name: "MessageFeedback", File: v2010, List: acct + "/Messages/{MessageSid}/Feedback.json"},
	{Name: "Messages", File: v2010, List: acct + "/Messages.json", Instance: acct + "/Messages/{Sid}.json"},
	{Name: "MessagingServices", File: messaging, Host: "messaging.twilio.com", List: "/v1/Services", Instance: "/v1/Services/{Sid}"},
	{Name: "Notifications", File: v2010, List: acct + "/Notifications.json", Instance: acct + "/Notifications/{Sid}.json"},
	{Name: "OutgoingCallerIds", File: v2010, List: acct + "/OutgoingCallerIds.json", Instance: acct + "/OutgoingCallerIds/{Sid}.json"},
	{Name: "Participants", File: v2010, List: acct + "/Conferences/{ConferenceSid}/Participants.json", Instance: acct + "/Conferences/{ConferenceSid}/Participants/{CallSid}.json"},
	{Name: "Payments", File: v2010, List: acct + "/Calls/{CallSid}/Payments.json", Instance: acct + "/Calls/{CallSid}/Payments/{Sid}.json"},
	{Name: "Queues", File: v2010, List: acct + "/Queues.json", Instance: acct + "/Queues/{Sid}.json"},
	{Name: "RecordingAddOnResultPayloads", File: v2010, List: acct + "/Recordings/{ReferenceSid}/AddOnResults/{AddOnResultSid}/Payloads.json", Instance: acct + "/Recordings/{ReferenceSid}/AddOnResults/{AddOnResultSid}/Payloads/{Sid}.json"},
	{Name: "RecordingAddOnResults", File: v2010, List: acct + "/Recordings/{ReferenceSid}/AddOnResults.json", Instance: acct + "/Recordings/{ReferenceSid}/AddOnResults/{Sid}.json"},
	{Name: "RecordingTranscriptions", File: v2010, List: acct + "/Recordings/{RecordingSid}/Transcriptions.json", Instance: acct + "/Recordings/{RecordingSid}/Transcriptions/{Sid}.json"},
	{Name: "Recordings", File: v2010, List: acct + "/Recordings.json", Instance: acct + "/Recordings/{Sid}.json"},
	{Name: "ShortCodes", File: v2010, List: acct + "/SMS/ShortCodes.json", Instance: acct + "/SMS/ShortCodes/{Sid}.json"},
	{Name: "SigningKeys", File: v2010, List: acct + "/SigningKeys.json", Instance: acct + "/SigningKeys/{Sid}.json"},
	{Name: "SipAuthCallsCredentialListMappings", File: v2010, List: sip + "/Domains/{DomainSid}/Auth/Calls/CredentialListMappings.json", Instance: sip + "/Domains/{DomainSid}/Auth/Calls/CredentialListMappings/{Sid}.json"},
	{Name: "SipAuthCallsIpAccessControlListMappings", File: v2010, List: sip + "/Domains/{DomainSid}/Auth/Calls/IpAccessControlListMappings.json", Instance: sip + "/Domains/{DomainSid}/Auth/Calls/IpAccessControlListMappings/{Sid}.json"},
	{Name: "SipAuthRegistrationsCredentialListMappings", File: v2010, List: sip + "/Domains/{DomainSid}/Auth/Registrations/CredentialListMappings.json", Instance: sip + "/Domains/{DomainSid}/Auth/Registrations/CredentialListMappings/{Sid}.json"},
	{Name: "SipCredentialListMappings", File: v2010, List: sip + "/Domains/{DomainSid}/CredentialListMappings.json", Instance: sip + "/Domains/{DomainSid}/CredentialListMappings/{Sid}.json"},
	{Name: "SipCredentialLists", File: v2010, List: sip + "/CredentialLists.json", Instance: sip + "/CredentialLists/{Sid}.json"},
	{Name: "SipCredentials", File: v2010, List: sip + "/CredentialLists/{CredentialListSid}/Credentials.json", Instance: sip + "/CredentialLists/{CredentialListSid}/Credentials/{Sid}.json"},
	{Name: "SipDomains", File: v2010, List: sip + "/Domains.json", Instance: sip + "/Domains/{Sid}.json"},
	{Name: "SipIpAccessControlListMappings", File: v2010, List: sip + "/Domains/{DomainSid}/IpAccessControlListMappings.json", Instance: sip + "/Domains/{DomainSid}/IpAccessControlListMappings/{Sid}.json"},
	{Name: "SipIpAccessControlLists", File: v2010, List: sip + "/IpAccessControlLists.json", Instance: sip + "/IpAccessControlLists/{Sid}.json"},
	{Name: "SipIpAddresses", File: v2010, List: sip + "/IpAccessControlLists/{IpAccessControlListSid}/IpAddresses.json", Instance: sip + "/IpAccessControlLists/{IpAccessControlListSid}/IpAddresses/{Sid}.json"},
	{Name: "Siprec", File: v2010, List: acct + "/Calls/{CallSid}/Siprec.json", Instance: acct + "/Calls/{CallSid}/Siprec/{Sid}.json"},
	{Name: "Streams", File: v2010, List: acct + "/Calls/{CallSid}/Streams.json", Instance: acct + "/Calls/{CallSid}/Streams/{Sid}.json"},
	{Name: "Tokens", File: v2010, List: acct + "/Tokens.json"},
	{Name: "Transcriptions", File: v2010, List: acct + "/Transcriptions.json", Instance: acct + "/Transcriptions/{Sid}.json"},
	{Name: "Triggers", File: v2010, List: acct + "/Usage/Triggers.json", Instance: acct + "/Usage/Triggers/{Sid}.json"},
	{Name: "UsageRecords", File: v2010, List: usage + ".json"},
	{Name: "UsageRecordsAllTime", File: v2010, List: usage + "/AllTime.json"},
	{Name: "UsageRecordsDaily", File: v2010, List: usage + "/Daily.json"},
	{Name: "UsageRecordsLastMonth", File: v2010, List: usage + "/LastMonth.json"},
	{Name: "UsageRecordsMonthly", File: v2010, List: usage + "/Monthly.json"},
	{Name: "UsageRecordsThisMonth", File: v2010, List: usage + "/ThisMonth.json"},
	{Name: "UsageRecordsToday", File: v2010, List: usage + "/Today.json"},
	{Name: "UsageRecordsYearly", File: v2010, List: usage + "/Yearly.json"},
	{Name: "UsageRecordsYesterday", File: v2010, List: usage + "/Yesterday.json"},
	{Name: "UserDefinedMessageSubscriptions", File: v2010, List: acct + "/Calls/{CallSid}/UserDefinedMessageSubscriptions.json", Instance: acct + "/Calls/{CallSid}/UserDefinedMessageSubscriptions/{Sid}.json"},
	{Name: "UserDefinedMessages", File: v2010, List: acct + "/Calls/{CallSid}/UserDefinedMessages.json"},
}
