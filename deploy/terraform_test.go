package deploy

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// The Terraform module, parsed with HCL (no terraform or providers needed):
// its variables mirror the managed connector's, with a validation for every
// enum and pattern; no secret has a value as a default; and the worker's
// environment it builds, evaluated for each example, is accepted by the
// worker's own check-config.

type tfVariable struct {
	typ         string
	def         hcl.Expression
	validations []string // condition source text
}

type tfModule struct {
	vars   map[string]*tfVariable
	locals map[string]hcl.Expression
}

func parseTerraform(t *testing.T, dir string) (*tfModule, []*hclsyntax.Body) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .tf files in %s: %v", dir, err)
	}
	p := hclparse.NewParser()
	m := &tfModule{vars: map[string]*tfVariable{}, locals: map[string]hcl.Expression{}}
	var bodies []*hclsyntax.Body
	for _, f := range files {
		file, diags := p.ParseHCLFile(f)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", f, diags)
		}
		src := file.Bytes
		body := file.Body.(*hclsyntax.Body)
		bodies = append(bodies, body)
		for _, b := range body.Blocks {
			switch b.Type {
			case "variable":
				v := &tfVariable{}
				if a, ok := b.Body.Attributes["type"]; ok {
					v.typ = string(a.Expr.Range().SliceBytes(src))
				}
				if a, ok := b.Body.Attributes["default"]; ok {
					v.def = a.Expr
				}
				for _, vb := range b.Body.Blocks {
					if vb.Type == "validation" {
						c := vb.Body.Attributes["condition"]
						v.validations = append(v.validations, string(c.Expr.Range().SliceBytes(src)))
					}
				}
				m.vars[b.Labels[0]] = v
			case "locals":
				for name, a := range b.Body.Attributes {
					m.locals[name] = a.Expr
				}
			}
		}
	}
	return m, bodies
}

// workerPattern is a regexp.MustCompile(`...`) of the worker's sources.
func workerPattern(t *testing.T, file, name string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot(t), "cmd/worker", file))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(name + `\s*=\s*regexp\.MustCompile\(` + "`([^`]+)`").FindSubmatch(src)
	if m == nil {
		t.Fatalf("no %s in cmd/worker/%s", name, file)
	}
	return string(m[1])
}

// hclString is s as an HCL string literal holds it (backslashes doubled).
func hclString(s string) string { return strings.ReplaceAll(s, `\`, `\\`) }

func TestTerraformVariables(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "deploy/terraform")
	m, _ := parseTerraform(t, dir)
	for _, ex := range []string{"minimal", "proxied"} {
		parseTerraform(t, filepath.Join(dir, "examples", ex))
	}

	// name -> type, and what its validations must mention (enum values,
	// the worker's own patterns).
	want := map[string]struct {
		typ     string
		mention []string
	}{
		"connection_name":       {"string", []string{hclString(workerPattern(t, "config_check.go", "connectionPattern"))}},
		"log_level":             {"string", []string{`"debug"`, `"info"`, `"warn"`, `"warning"`, `"error"`}},
		"nodes":                 {"number", []string{">= 2", "<= 50"}},
		"min_replicas":          {"number", []string{">= 1"}},
		"max_replicas":          {"number", []string{"var.min_replicas", "<= 50"}},
		"proxy_enabled":         {"bool", nil},
		"proxy_url":             {"string", []string{"https?://"}},
		"proxy_auth_scheme":     {"string", []string{`"BASIC"`, `"DIGEST"`, `"NONE"`}},
		"proxy_user":            {"string", nil},
		"proxy_password_secret": {"string", []string{"projects/", "/secrets/", "/versions/"}},
		"proxy_ssltype":         {"string", []string{`"AUTO"`, `"ALWAYS"`, `"NEVER"`, `"TUNNEL"`}},
		"account_sid":           {"string", []string{hclString(workerPattern(t, "config_check.go", "accountSIDPattern"))}},
		"auth_token_secret":     {"string", []string{"projects/", "/secrets/", "/versions/"}},
		"api_key":               {"string", []string{hclString(workerPattern(t, "connection.go", "apiKeyPattern"))}},
		"api_secret_secret":     {"string", []string{"projects/", "/secrets/", "/versions/"}},
		"region":                {"string", []string{"regex("}},
		"image":                 {"string", nil},
	}
	for name, w := range want {
		v, ok := m.vars[name]
		if !ok {
			t.Errorf("variable %q is missing", name)
			continue
		}
		if v.typ != w.typ {
			t.Errorf("variable %q has type %q, want %s", name, v.typ, w.typ)
		}
		all := strings.Join(v.validations, "\n")
		for _, s := range w.mention {
			if !strings.Contains(all, s) {
				t.Errorf("variable %q: no validation mentions %s (validations: %q)", name, s, v.validations)
			}
		}
	}

	// No secret value as a variable, nor as a default: secrets are Secret
	// Manager versions, checked as such.
	for name, v := range m.vars {
		secretish := regexp.MustCompile(`secret|password|token|credential`).MatchString(name)
		if !secretish {
			continue
		}
		if !strings.HasSuffix(name, "_secret") {
			t.Errorf("variable %q looks like a secret value: pass a Secret Manager version (NAME_secret) instead", name)
		}
		if v.def != nil {
			val, diags := v.def.Value(nil)
			if diags.HasErrors() || !(val.IsNull() || (val.Type() == cty.String && val.AsString() == "")) {
				t.Errorf("variable %q has a default other than empty: no secret may have a default", name)
			}
		}
		if !strings.Contains(strings.Join(v.validations, "\n"), "/secrets/") {
			t.Errorf("variable %q is not validated as a Secret Manager version", name)
		}
	}
}

// exampleInputs are the arguments of an example's module block.
func exampleInputs(t *testing.T, dir string) map[string]cty.Value {
	t.Helper()
	_, bodies := parseTerraform(t, dir)
	in := map[string]cty.Value{}
	for _, body := range bodies {
		for _, b := range body.Blocks {
			if b.Type != "module" {
				continue
			}
			for name, a := range b.Body.Attributes {
				if name == "source" {
					continue
				}
				v, diags := a.Expr.Value(nil)
				if diags.HasErrors() {
					t.Fatalf("%s: module argument %s: %v", dir, name, diags)
				}
				in[name] = v
			}
		}
	}
	return in
}

// TestTerraformWorkerEnv evaluates the module's worker_env for each
// example (resources' attributes mocked) and runs check-config on it.
func TestTerraformWorkerEnv(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "deploy/terraform")
	m, _ := parseTerraform(t, dir)
	funcs := map[string]function.Function{
		"join": stdlib.JoinFunc, "lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc,
		"compact": stdlib.CompactFunc, "regex": stdlib.RegexFunc, "tostring": stdlib.MakeToFunc(cty.String),
		"toset": stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)), "setproduct": stdlib.SetProductFunc,
		"trimspace": stdlib.TrimSpaceFunc,
	}
	for _, ex := range []string{"minimal", "proxied"} {
		t.Run(ex, func(t *testing.T) {
			vars := map[string]cty.Value{}
			for name, v := range m.vars {
				if v.def != nil {
					val, diags := v.def.Value(nil)
					if diags.HasErrors() {
						t.Fatalf("default of %s: %v", name, diags)
					}
					vars[name] = val
				}
			}
			for name, v := range exampleInputs(t, filepath.Join(dir, "examples", ex)) {
				if _, ok := m.vars[name]; !ok {
					t.Errorf("example %s sets %s, which the module does not declare", ex, name)
				}
				vars[name] = v
			}
			for name := range m.vars {
				if _, ok := vars[name]; !ok {
					t.Fatalf("example %s leaves required variable %s unset", ex, name)
				}
			}
			ctx := &hcl.EvalContext{
				Functions: funcs,
				Variables: map[string]cty.Value{
					"var": cty.ObjectVal(vars),
					"data": cty.ObjectVal(map[string]cty.Value{"google_project": cty.ObjectVal(map[string]cty.Value{
						"this": cty.ObjectVal(map[string]cty.Value{"number": cty.StringVal("123456789")})})}),
					"google_redis_instance": cty.ObjectVal(map[string]cty.Value{"store": cty.TupleVal([]cty.Value{
						cty.ObjectVal(map[string]cty.Value{"host": cty.StringVal("10.0.0.3"), "port": cty.NumberIntVal(6379)})})}),
				},
			}
			// Locals in passes, as each one's inputs become known.
			locals := map[string]cty.Value{}
			for pass := 0; pass < len(m.locals); pass++ {
				for name, expr := range m.locals {
					if _, done := locals[name]; done {
						continue
					}
					ctx.Variables["local"] = cty.ObjectVal(locals)
					if v, diags := expr.Value(ctx); !diags.HasErrors() {
						locals[name] = v
					}
				}
			}
			envVal, ok := locals["worker_env"]
			if !ok {
				ctx.Variables["local"] = cty.ObjectVal(locals)
				_, diags := m.locals["worker_env"].Value(ctx)
				t.Fatalf("local.worker_env does not evaluate: %v", diags)
			}
			env := map[string]string{}
			for k, v := range envVal.AsValueMap() {
				if s := v.AsString(); s != "" { // the module leaves empty values out
					env[k] = s
				}
			}
			if ex == "proxied" {
				for _, k := range []string{"PROXY_URL", "PROXY_AUTH_SCHEME", "PROXY_USER", "PROXY_PASSWORD_SECRET", "PROXY_SSL_TYPE", "TWILIO_API_KEY", "CONNECTION_LABELS"} {
					if env[k] == "" {
						t.Errorf("the proxied example does not set %s", k)
					}
				}
			}
			if !strings.HasPrefix(env["BUDGET_STORE"], "redis://") || !strings.HasPrefix(env["TASK_STORE"], "redis://") {
				t.Errorf("with Redis, BUDGET_STORE %q and TASK_STORE %q should be redis://", env["BUDGET_STORE"], env["TASK_STORE"])
			}
			checkEnv(t, "deploy/terraform (examples/"+ex+")", env)
		})
	}
}
