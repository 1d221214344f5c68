package twiliosim_test

import (
	"testing"

	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

// scenario is a run of valid traffic against a simulator loaded with
// testdata/fixtures.json. TestScenarios runs each on its own; the
// conformance test runs them all again behind the spec checker.
type scenario struct {
	name string
	cfg  twiliosim.Config
	run  func(t *testing.T, e *env)
}

// scenarios are the hand-written runs; catalogueScenarios adds a walk
// through every entity and operation of the catalogue.
var scenarios = []scenario{
	{name: "MessagesLifecycle", run: messagesLifecycle},
	{name: "MessageTestNumbers", run: messageTestNumbers},
	{name: "MessageRules", run: messageRules},
	{name: "IncomingPhoneNumbers", run: incomingPhoneNumbers},
	{name: "OutgoingCallerIds", run: outgoingCallerIDs},
	{name: "Calls", run: calls},
	{name: "Recordings", run: recordings},
	{name: "CallFeedback", run: callFeedback},
	{name: "FeedbackSummary", run: feedbackSummary},
	{name: "RetiredFeedback", cfg: twiliosim.Config{RetiredFeedback: true}, run: retiredFeedback},
	{name: "PagingWithFilters", run: pagingWithFilters},
	{name: "PagingEnvelope", run: pagingEnvelope},
	{name: "DateFilters", run: dateFilters},
	{name: "SharedStores", run: sharedStores},
	{name: "ParentScoping", run: parentScoping},
	{name: "NonSidKeys", run: nonSidKeys},
	{name: "Accounts", run: accounts},
	{name: "Balance", run: balance},
	{name: "CallAnnotation", run: callAnnotation},
	{name: "ServicesPaging", run: servicesPaging},
	{name: "StatusesAndNames", run: statusesAndNames},
	{name: "FaultAnswers", cfg: twiliosim.Config{Fail429: 0.5, Fail500: 0.5, Fail500AfterApply: 1}, run: faultAnswers},
}

func TestScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			sc.run(t, newEnv(t, newSim(t, sc.cfg), nil))
		})
	}
}
