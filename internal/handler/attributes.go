package handler

import (
	"slices"

	"github.com/connectorworks/twilio-worker/internal/task"
)

// maxCopiedAttributes leaves room for the worker's four attributes under
// Pub/Sub's limit of 100 per message.
const maxCopiedAttributes = 100 - 4

// ResultAttributes returns the attributes for r's result message: every
// attribute of the task message copied unchanged (correlation ids, reply
// routing), then taskId, status, entity and operation set from r, so that
// subscriptions can filter on them. The worker's four names win over task
// attributes of the same name. entity is left out when r.Entity is "" (an
// ACTION without one), since an attribute with no value filters nothing.
//
// Pub/Sub allows at most 100 attributes per message. A task may carry 100
// of its own, so only the first 96 (in key order) are copied: otherwise the
// result could never be published and the task would be redelivered
// forever instead of answered.
func ResultAttributes(m *Message, r *task.Result) map[string]string {
	own := []string{task.AttrTaskID, task.AttrStatus, task.AttrEntity, task.AttrOperation}
	keys := make([]string, 0, len(m.Attributes))
	for k := range m.Attributes {
		if !slices.Contains(own, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	out := make(map[string]string, min(len(keys), maxCopiedAttributes)+len(own))
	for _, k := range keys[:min(len(keys), maxCopiedAttributes)] {
		out[k] = m.Attributes[k]
	}
	if r == nil {
		return out
	}
	out[task.AttrTaskID], out[task.AttrStatus] = r.TaskID, r.Status
	// An attribute with no value filters nothing (an ACTION without an
	// entity, a task too malformed to name its operation).
	if r.Entity != "" {
		out[task.AttrEntity] = r.Entity
	}
	if r.Operation != "" {
		out[task.AttrOperation] = r.Operation
	}
	return out
}
