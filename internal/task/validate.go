package task

import "strings"

// operations lists the valid operations in the contract's order, for messages.
const operations = "LIST, GET, CREATE, UPDATE, DELETE, ACTION"

// normalizeOp upper-cases a valid operation and returns anything else
// unchanged. Only ASCII is folded: strings.ToUpper would also turn the
// dotless "lıst" into "LIST", which the schema's pattern rejects.
func normalizeOp(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return s
		}
	}
	if up := strings.ToUpper(s); isOperation(up) {
		return up
	}
	return s
}

func isOperation(op string) bool {
	switch op {
	case OpList, OpGet, OpCreate, OpUpdate, OpDelete, OpAction:
		return true
	}
	return false
}

// opsTaking returns the operations that accept field; nil means all.
func opsTaking(field string) []string {
	switch field {
	case fieldAction:
		return []string{OpAction}
	case fieldEntityID:
		return []string{OpGet, OpUpdate, OpDelete}
	case fieldFilter:
		return []string{OpList, OpUpdate, OpDelete}
	case fieldPayload:
		return []string{OpCreate, OpUpdate, OpAction}
	case fieldPageSize, fieldPageToken, fieldSortBy:
		return []string{OpList}
	}
	return nil
}

// isBlank reports whether s holds only JSON-ish whitespace. The set matches
// the schema's "[^ \t\n\r\f]" pattern exactly, so both judge alike.
func isBlank(s string) bool { return strings.Trim(s, " \t\n\r\f") == "" }

// validate applies the rules that relate fields to the operation.
func validate(t *Task, f rawFields) error {
	if _, ok := f[fieldOperation]; !ok {
		return invalid("operation is required; allowed: %s (case-insensitive)", operations)
	}
	if !isOperation(t.Operation) {
		return invalid("operation %q is not one of %s (case-insensitive)", Clip(t.Operation), operations)
	}
	for _, name := range taskFields {
		ops := opsTaking(name)
		if _, given := f[name]; given && ops != nil && !contains(ops, t.Operation) {
			return invalid("%s is not used by %s; it is only accepted with %s", name, t.Operation, strings.Join(ops, ", "))
		}
	}
	if err := checkTarget(t, f); err != nil {
		return err
	}
	if _, given := f[fieldPayload]; !given && contains(opsTaking(fieldPayload), t.Operation) {
		return invalid("%s is required for %s; give an object of column name to value, e.g. {\"Body\": \"hello\"}", fieldPayload, t.Operation)
	}
	return nil
}

// checkTarget checks what the task acts on: the entity (or the action), and
// for GET, UPDATE and DELETE the row.
func checkTarget(t *Task, f rawFields) error {
	_, hasID := f[fieldEntityID]
	_, hasFilter := f[fieldFilter]
	switch {
	case t.Operation == OpAction && isBlank(t.Action):
		return invalid("action is required for ACTION and must not be blank; give the action name, e.g. \"SendMessage\"")
	case t.Operation != OpAction && isBlank(t.Entity):
		return invalid("entity is required for %s and must not be blank; give a catalogue entity name, e.g. \"Messages\"", t.Operation)
	case hasID && isBlank(t.EntityID):
		return invalid("entityId is blank; give the row's key (normally its Sid)")
	case t.Operation == OpGet && !hasID:
		return invalid("entityId is required for GET; give the row's key (normally its Sid)")
	case t.Operation != OpUpdate && t.Operation != OpDelete:
		return nil
	case hasID && hasFilter:
		return invalid("give either entityId or filterClause for %s, not both", t.Operation)
	case !hasID && !hasFilter:
		return invalid("%s needs entityId or a non-blank filterClause to choose the rows; an empty filterClause never means all rows", t.Operation)
	case hasFilter && isBlank(t.FilterClause):
		return invalid("filterClause is blank; for %s an empty filterClause never means all rows: give entityId or a condition such as Sid = 'SM...'", t.Operation)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
