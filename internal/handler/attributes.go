package handler

// ResultAttributes returns the attributes for r's result message: every
// attribute of the task message copied unchanged (correlation ids, reply
// routing), then taskId, status, entity and operation set from r, so that
// subscriptions can filter on them. The worker's four names win over task
// attributes of the same name. entity is left out when r.Entity is "" (an
// ACTION without one), since an attribute with no value filters nothing.
//
// Pub/Sub allows at most 100 attributes per message; a task that already
// carries 97 or more attributes not named above yields a result the
// publisher will reject.
func ResultAttributes(task *Message, r *Result) map[string]string {
	out := make(map[string]string, len(task.Attributes)+4)
	for k, v := range task.Attributes {
		out[k] = v
	}
	for _, k := range []string{AttrTaskID, AttrStatus, AttrEntity, AttrOperation} {
		delete(out, k)
	}
	if r == nil {
		return out
	}
	out[AttrTaskID], out[AttrStatus], out[AttrOperation] = r.TaskID, r.Status, r.Operation
	if r.Entity != "" {
		out[AttrEntity] = r.Entity
	}
	return out
}
