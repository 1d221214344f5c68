package deploy

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
)

// The worker binary, built once by the Dockerfile's own `go build` command
// (so the flags the image is built with are the ones tested), and what it
// says about its settings.

const testVersion = "v0.0.0-deploytest"

var (
	buildOnce   sync.Once
	workerBin   string
	buildErr    error
	buildCmdStr string
)

// repoRoot is the module's root, one level up from this package.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// dockerfileBuild returns the environment assignments and arguments of the
// Dockerfile's `RUN ... go build ...` line, ${VERSION} replaced by version
// and the output (-o) by out.
func dockerfileBuild(dockerfile []byte, version, out string) (env, args []string, err error) {
	var line string
	for _, l := range strings.Split(string(dockerfile), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "RUN ") && strings.Contains(l, "go build") {
			if line != "" {
				return nil, nil, fmt.Errorf("more than one RUN line with go build")
			}
			line = strings.TrimPrefix(strings.TrimSpace(l), "RUN ")
		}
	}
	if line == "" {
		return nil, nil, fmt.Errorf("no RUN line with go build")
	}
	words, err := shellWords(strings.ReplaceAll(strings.ReplaceAll(line, "${VERSION}", version), "$VERSION", version))
	if err != nil {
		return nil, nil, err
	}
	for len(words) > 0 && regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`).MatchString(words[0]) {
		env, words = append(env, words[0]), words[1:]
	}
	if len(words) < 2 || words[0] != "go" || words[1] != "build" {
		return nil, nil, fmt.Errorf("RUN line %q: want [VAR=value ...] go build ...", line)
	}
	args = words[1:]
	for i := range args {
		if args[i] == "-o" && i+1 < len(args) {
			args[i+1] = out
		}
	}
	return env, args, nil
}

// shellWords splits a command line as sh would for plain words and double
// or single quotes (all the Dockerfile's build line uses).
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words, inWord = append(words, cur.String()), false
				cur.Reset()
			}
		case r == '\\' || r == '$' || r == '`' || r == ';' || r == '&' || r == '|':
			return nil, fmt.Errorf("shellWords: %q needs a real shell", s)
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("shellWords: unterminated quote in %q", s)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// worker builds the worker as the Dockerfile does, once per test binary.
func worker(t *testing.T) string {
	t.Helper()
	root := repoRoot(t)
	buildOnce.Do(func() {
		dockerfile, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
		if err != nil {
			buildErr = err
			return
		}
		dir, err := os.MkdirTemp("", "deploytest")
		if err != nil {
			buildErr = err
			return
		}
		workerBin = filepath.Join(dir, "worker")
		env, args, err := dockerfileBuild(dockerfile, testVersion, workerBin)
		if err != nil {
			buildErr = err
			return
		}
		buildCmdStr = strings.Join(append(env, append([]string{"go"}, args...)...), " ")
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%s: %v\n%s", buildCmdStr, err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return workerBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if workerBin != "" {
		os.RemoveAll(filepath.Dir(workerBin))
	}
	os.Exit(code)
}

// TestDockerfileBuildVersion: the Dockerfile's build command (parsed from
// it, so the two cannot drift) builds a worker whose --version prints the
// version given at build time, with no configuration at all.
func TestDockerfileBuildVersion(t *testing.T) {
	bin := worker(t)
	for _, arg := range []string{"--version", "version"} {
		cmd := exec.Command(bin, arg)
		cmd.Env = []string{} // no configuration
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", buildCmdStr, arg, err, out)
		}
		if got, want := string(out), "worker "+testVersion+"\n"; got != want {
			t.Errorf("worker %s printed %q, want %q (built by %s)", arg, got, want, buildCmdStr)
		}
	}
	if !strings.Contains(buildCmdStr, "CGO_ENABLED=0") {
		t.Errorf("the Dockerfile's build %q is not static (CGO_ENABLED=0), which distroless/static needs", buildCmdStr)
	}
}

// TestDockerfileImage: distroless, non-root, and a .dockerignore.
func TestDockerfileImage(t *testing.T) {
	root := repoRoot(t)
	df, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var froms []string
	user := ""
	for _, l := range strings.Split(string(df), "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 && f[0] == "FROM" {
			froms, user = append(froms, f[1]), "" // USER applies to its stage
		}
		if len(f) >= 2 && f[0] == "USER" {
			user = f[1]
		}
	}
	if len(froms) == 0 || !strings.HasPrefix(froms[len(froms)-1], "gcr.io/distroless/") || !strings.Contains(froms[len(froms)-1], "nonroot") {
		t.Errorf("final stage %v: want a gcr.io/distroless/...:nonroot image", froms)
	}
	if !strings.HasPrefix(user, "nonroot") && !strings.HasPrefix(user, "65532") {
		t.Errorf("final stage USER %q: want nonroot", user)
	}
	ignore, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^\.git$`).Match(ignore) {
		t.Errorf(".dockerignore does not leave out .git")
	}
}

var (
	envOnce  sync.Once
	envNames map[string]bool
	envErr   error
)

// workerEnvNames are the environment variables the worker reads: the
// ENVIRONMENT column of `worker --help`, which prints the settings table
// that drives parsing.
func workerEnvNames(t *testing.T) map[string]bool {
	t.Helper()
	bin := worker(t)
	envOnce.Do(func() {
		cmd := exec.Command(bin, "--help")
		cmd.Env = []string{}
		out, err := cmd.Output()
		if err != nil {
			envErr = fmt.Errorf("worker --help: %v", err)
			return
		}
		envNames = map[string]bool{}
		inTable := false
		for _, l := range strings.Split(string(out), "\n") {
			f := strings.Fields(l)
			switch {
			case len(f) >= 2 && f[0] == "FLAG" && f[1] == "ENVIRONMENT":
				inTable = true
			case inTable && strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "   ") && len(f) >= 2:
				envNames[f[1]] = true
			case inTable && l == "":
				inTable = false
			}
		}
		if len(envNames) < 20 || !envNames["CONNECTOR_NODES"] || !envNames["TASK_SUBSCRIPTION"] {
			envErr = fmt.Errorf("worker --help: found only %v in the ENVIRONMENT column", envNames)
		}
	})
	if envErr != nil {
		t.Fatal(envErr)
	}
	return envNames
}

// checkEnv fails t unless every variable of env is one the worker reads
// and `worker check-config` accepts the environment.
func checkEnv(t *testing.T, where string, env map[string]string) {
	t.Helper()
	names := workerEnvNames(t)
	var keys []string
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	cmd := exec.Command(worker(t), "check-config")
	cmd.Env = []string{}
	for _, k := range keys {
		if !names[k] {
			t.Errorf("%s sets %s, which the worker does not read (worker --help)", where, k)
		}
		cmd.Env = append(cmd.Env, k+"="+env[k])
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stdout.String() != "configuration OK\n" {
		t.Errorf("worker check-config refuses the environment of %s (%v):\n%s%s\nenvironment: %q", where, err, stdout.String(), stderr.String(), cmd.Env)
	}
}

// TestCheckConfigRefuses: the check the manifests rely on does refuse a bad
// environment, with status 2.
func TestCheckConfigRefuses(t *testing.T) {
	cmd := exec.Command(worker(t), "check-config")
	cmd.Env = []string{"CONNECTION_NAME=Not_Valid", "PROXY_SSL_TYPE=SOMETIMES"}
	out, err := cmd.CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 2 {
		t.Fatalf("check-config with a bad environment: %v, want exit status 2\n%s", err, out)
	}
	for _, want := range []string{"CONNECTION_NAME", "PROXY_SSL_TYPE", "GOOGLE_CLOUD_PROJECT is required"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("check-config output lacks %q:\n%s", want, out)
		}
	}
}
