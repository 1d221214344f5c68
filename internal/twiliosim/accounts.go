package twiliosim

import (
	"fmt"
	"net/url"
)

// The Accounts resource lists the accounts the simulator knows: every
// account that has called Accounts (its row appears on first use, as the
// authenticated account always exists on Twilio), the subaccounts created by
// POST /2010-04-01/Accounts.json, and fixture rows. Like every store it is
// single-tenant: any caller sees every row. A subaccount's owner may use the
// subaccount's paths with its own credentials (authenticate).

// ensureAccount makes the caller's own account row exist before an Accounts
// operation runs.
func ensureAccount(s *Server, c *call) {
	st := c.res.store
	_, _ = st.table.apply(c.account, func(row map[string]any) (map[string]any, *apiError) {
		if row != nil {
			return nil, nil // already there: leave it as it is
		}
		row = map[string]any{"sid": c.account, "owner_account_sid": c.account, "friendly_name": "My first Twilio account"}
		s.fillDefaults(st, row, "", nil)
		return row, nil
	})
}

// accountDefaults: an active, full account with a fresh auth token; a row
// without an owner owns itself, as a top-level account does.
func accountDefaults(row map[string]any, _ url.Values, ids *idSource) {
	setDefault(row, "status", "active")
	setDefault(row, "type", "Full")
	setDefault(row, "auth_token", ids.sid(""))
	setDefault(row, "owner_account_sid", row["sid"])
	setDefault(row, "friendly_name", fmt.Sprintf("SubAccount Created at %v", row["date_created"]))
}
