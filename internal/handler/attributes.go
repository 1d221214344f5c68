package handler

import "slices"

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
func ResultAttributes(task *Message, r *Result) map[string]string {
	own := []string{AttrTaskID, AttrStatus, AttrEntity, AttrOperation}
	keys := make([]string, 0, len(task.Attributes))
	for k := range task.Attributes {
		if !slices.Contains(own, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	out := make(map[string]string, min(len(keys), maxCopiedAttributes)+len(own))
	for _, k := range keys[:min(len(keys), maxCopiedAttributes)] {
		out[k] = task.Attributes[k]
	}
	if r == nil {
		return out
	}
	out[AttrTaskID], out[AttrStatus] = r.TaskID, r.Status
	// An attribute with no value filters nothing (an ACTION without an
	// entity, a task too malformed to name its operation).
	if r.Entity != "" {
		out[AttrEntity] = r.Entity
	}
	if r.Operation != "" {
		out[AttrOperation] = r.Operation
	}
	return out
}
