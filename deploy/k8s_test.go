package deploy

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"
)

// The Kubernetes manifests, rendered by `kubectl kustomize` as CI does and
// checked against their schemas offline: each object is strictly decoded
// (unknown fields are errors) into the official Go types, and KEDA's into
// structs of the fields of its CRDs this repository uses.

// keda.sh/v1alpha1 ScaledObject, the fields used.
type scaledObject struct {
	APIVersion string         `json:"apiVersion"`
	Kind       string         `json:"kind"`
	Metadata   map[string]any `json:"metadata"`
	Spec       struct {
		ScaleTargetRef struct {
			APIVersion string `json:"apiVersion,omitempty"`
			Kind       string `json:"kind,omitempty"`
			Name       string `json:"name"`
		} `json:"scaleTargetRef"`
		PollingInterval *int32 `json:"pollingInterval,omitempty"`
		CooldownPeriod  *int32 `json:"cooldownPeriod,omitempty"`
		MinReplicaCount *int32 `json:"minReplicaCount,omitempty"`
		MaxReplicaCount *int32 `json:"maxReplicaCount,omitempty"`
		Triggers        []struct {
			Type              string            `json:"type"`
			Name              string            `json:"name,omitempty"`
			Metadata          map[string]string `json:"metadata"`
			AuthenticationRef *struct {
				Name string `json:"name"`
				Kind string `json:"kind,omitempty"`
			} `json:"authenticationRef,omitempty"`
		} `json:"triggers"`
	} `json:"spec"`
}

// keda.sh/v1alpha1 TriggerAuthentication, the fields used.
type triggerAuthentication struct {
	APIVersion string         `json:"apiVersion"`
	Kind       string         `json:"kind"`
	Metadata   map[string]any `json:"metadata"`
	Spec       struct {
		PodIdentity *struct {
			Provider   string `json:"provider"`
			IdentityID string `json:"identityId,omitempty"`
		} `json:"podIdentity,omitempty"`
	} `json:"spec"`
}

type rendered struct {
	deployments []appsv1.Deployment
	services    []corev1.Service
	accounts    []corev1.ServiceAccount
	configMaps  map[string]corev1.ConfigMap
	pdbs        []policyv1.PodDisruptionBudget
	scaled      []scaledObject
	auths       map[string]triggerAuthentication
}

// kustomize renders dir with `kubectl kustomize`: skipped without kubectl,
// failed when REQUIRE_KUBECTL=1 (CI) says it must be there.
func kustomize(t *testing.T, dir string) []byte {
	t.Helper()
	if _, err := exec.LookPath("kubectl"); err != nil {
		if os.Getenv("REQUIRE_KUBECTL") == "1" {
			t.Fatalf("kubectl is not installed and REQUIRE_KUBECTL=1: %v", err)
		}
		t.Skipf("kubectl is not installed (set REQUIRE_KUBECTL=1 to fail instead): %v", err)
	}
	cmd := exec.Command("kubectl", "kustomize", filepath.Join(repoRoot(t), dir))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kubectl kustomize %s: %v\n%s", dir, err, stderr.String())
	}
	return out
}

func render(t *testing.T, dir string) rendered {
	t.Helper()
	r := rendered{configMaps: map[string]corev1.ConfigMap{}, auths: map[string]triggerAuthentication{}}
	for i, doc := range strings.Split(string(kustomize(t, dir)), "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		var tm struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal([]byte(doc), &tm); err != nil {
			t.Fatalf("%s object %d: %v", dir, i, err)
		}
		strict := func(v any) {
			if err := yaml.UnmarshalStrict([]byte(doc), v); err != nil {
				t.Errorf("%s: %s %s does not match its schema: %v", dir, tm.APIVersion, tm.Kind, err)
			}
		}
		switch tm.APIVersion + " " + tm.Kind {
		case "apps/v1 Deployment":
			var d appsv1.Deployment
			strict(&d)
			r.deployments = append(r.deployments, d)
		case "v1 Service":
			var s corev1.Service
			strict(&s)
			r.services = append(r.services, s)
		case "v1 ServiceAccount":
			var s corev1.ServiceAccount
			strict(&s)
			r.accounts = append(r.accounts, s)
		case "v1 ConfigMap":
			var c corev1.ConfigMap
			strict(&c)
			r.configMaps[c.Name] = c
		case "policy/v1 PodDisruptionBudget":
			var p policyv1.PodDisruptionBudget
			strict(&p)
			r.pdbs = append(r.pdbs, p)
		case "keda.sh/v1alpha1 ScaledObject":
			var s scaledObject
			strict(&s)
			r.scaled = append(r.scaled, s)
		case "keda.sh/v1alpha1 TriggerAuthentication":
			var a triggerAuthentication
			strict(&a)
			r.auths[a.Metadata["name"].(string)] = a
		default:
			t.Errorf("%s: unexpected object %s %s: add its schema check", dir, tm.APIVersion, tm.Kind)
		}
	}
	return r
}

func (r rendered) worker(t *testing.T) (*appsv1.Deployment, *corev1.Container) {
	t.Helper()
	for i := range r.deployments {
		if r.deployments[i].Name == "twilio-worker" {
			d := &r.deployments[i]
			for j := range d.Spec.Template.Spec.Containers {
				if d.Spec.Template.Spec.Containers[j].Name == "worker" {
					return d, &d.Spec.Template.Spec.Containers[j]
				}
			}
		}
	}
	t.Fatal("no Deployment twilio-worker with a container worker")
	return nil, nil
}

// env is the worker container's environment: its ConfigMaps, then env.
func (r rendered) env(t *testing.T, c *corev1.Container) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, from := range c.EnvFrom {
		if from.ConfigMapRef == nil {
			t.Fatalf("envFrom %+v: only ConfigMaps are checked", from)
		}
		cm, ok := r.configMaps[from.ConfigMapRef.Name]
		if !ok {
			t.Fatalf("envFrom names ConfigMap %s, which is not rendered", from.ConfigMapRef.Name)
		}
		for k, v := range cm.Data {
			env[k] = v
		}
	}
	for _, e := range c.Env {
		if e.ValueFrom != nil {
			t.Fatalf("env %s: valueFrom is not checked; use the ConfigMap", e.Name)
		}
		env[e.Name] = e.Value
	}
	return env
}

func TestKubernetesManifests(t *testing.T) {
	for _, dir := range []string{"deploy/k8s", "deploy/k8s/overlays/redis"} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			r := render(t, dir)
			d, c := r.worker(t)
			env := r.env(t, c)
			pod := d.Spec.Template.Spec

			// Probes on the HTTP port the worker serves (HTTP_ADDR).
			if env["HTTP_ADDR"] != ":8080" {
				t.Errorf("HTTP_ADDR = %q, want :8080 (the probes' port)", env["HTTP_ADDR"])
			}
			port := int32(0)
			for _, p := range c.Ports {
				if p.Name == "http" {
					port = p.ContainerPort
				}
			}
			if port != 8080 {
				t.Errorf("container port http = %d, want 8080", port)
			}
			for name, probe := range map[string]*corev1.Probe{"/healthz": c.LivenessProbe, "/readyz": c.ReadinessProbe} {
				if probe == nil || probe.HTTPGet == nil {
					t.Errorf("probe for %s missing or not httpGet", name)
					continue
				}
				if probe.HTTPGet.Path != name || (probe.HTTPGet.Port.StrVal != "http" && probe.HTTPGet.Port.IntVal != 8080) {
					t.Errorf("probe %s:%s, want %s on port http", probe.HTTPGet.Path, probe.HTTPGet.Port.String(), name)
				}
			}

			// Non-root, read-only root filesystem, no privilege escalation.
			if pod.SecurityContext == nil || pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot {
				t.Error("pod securityContext.runAsNonRoot is not true")
			}
			sc := c.SecurityContext
			if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
				t.Error("worker container: readOnlyRootFilesystem is not true")
			}
			if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
				t.Error("worker container: allowPrivilegeEscalation is not false")
			}

			// The kubelet's SIGKILL comes after the worker's own grace.
			grace, err := time.ParseDuration(env["SHUTDOWN_GRACE"])
			if err != nil {
				t.Fatalf("SHUTDOWN_GRACE %q: %v (set it explicitly, for this check)", env["SHUTDOWN_GRACE"], err)
			}
			if pod.TerminationGracePeriodSeconds == nil || time.Duration(*pod.TerminationGracePeriodSeconds)*time.Second <= grace {
				t.Errorf("terminationGracePeriodSeconds %v is not above SHUTDOWN_GRACE %v", pod.TerminationGracePeriodSeconds, grace)
			}

			// Memory from the measured peak RSS (110-140 MB at 100 nodes).
			if req := c.Resources.Requests.Memory(); req.Value() < 100<<20 {
				t.Errorf("memory request %v is below the measured RSS (about 110 MB)", req)
			}
			if lim := c.Resources.Limits.Memory(); lim.Value() < 200<<20 {
				t.Errorf("memory limit %v leaves no headroom over the measured 140 MB peak", lim)
			}

			// Metrics scraped on the same port.
			a := d.Spec.Template.Annotations
			if a["prometheus.io/scrape"] != "true" || a["prometheus.io/path"] != "/metrics" || a["prometheus.io/port"] != "8080" {
				t.Errorf("pod annotations %v: want Prometheus scraping of /metrics on 8080", a)
			}

			// Workload Identity.
			sa := pod.ServiceAccountName
			found := false
			for _, acc := range r.accounts {
				if acc.Name == sa {
					found = strings.HasSuffix(acc.Annotations["iam.gke.io/gcp-service-account"], ".iam.gserviceaccount.com")
				}
			}
			if !found {
				t.Errorf("ServiceAccount %q missing or without the iam.gke.io/gcp-service-account annotation", sa)
			}

			// PodDisruptionBudget selecting the worker.
			if len(r.pdbs) != 1 || r.pdbs[0].Spec.Selector == nil ||
				r.pdbs[0].Spec.Selector.MatchLabels["app.kubernetes.io/name"] != d.Spec.Template.Labels["app.kubernetes.io/name"] {
				t.Errorf("want one PodDisruptionBudget selecting the worker's pods, got %+v", r.pdbs)
			}

			// KEDA on the task subscription's backlog.
			if len(r.scaled) != 1 {
				t.Fatalf("want one ScaledObject, got %d", len(r.scaled))
			}
			so := r.scaled[0]
			if so.Spec.ScaleTargetRef.Name != d.Name {
				t.Errorf("ScaledObject targets %q, want %q", so.Spec.ScaleTargetRef.Name, d.Name)
			}
			if so.Spec.MinReplicaCount == nil || *so.Spec.MinReplicaCount != 2 || so.Spec.MaxReplicaCount == nil || *so.Spec.MaxReplicaCount != 50 {
				t.Errorf("ScaledObject replicas %v-%v, want 2-50", so.Spec.MinReplicaCount, so.Spec.MaxReplicaCount)
			}
			if len(so.Spec.Triggers) != 1 || so.Spec.Triggers[0].Type != "gcp-pubsub" {
				t.Fatalf("ScaledObject triggers %+v, want one gcp-pubsub", so.Spec.Triggers)
			}
			tr := so.Spec.Triggers[0]
			if sub := tr.Metadata["subscriptionName"]; sub == "" || (sub != env["TASK_SUBSCRIPTION"] && !strings.HasSuffix(sub, "/subscriptions/"+env["TASK_SUBSCRIPTION"])) {
				t.Errorf("gcp-pubsub subscriptionName %q is not the worker's TASK_SUBSCRIPTION %q", sub, env["TASK_SUBSCRIPTION"])
			}
			if tr.AuthenticationRef == nil || r.auths[tr.AuthenticationRef.Name].Spec.PodIdentity == nil ||
				r.auths[tr.AuthenticationRef.Name].Spec.PodIdentity.Provider != "gcp" {
				t.Errorf("gcp-pubsub trigger: want an authenticationRef to a TriggerAuthentication with podIdentity gcp")
			}

			// The redis overlay shares the task store and the budget
			// through a Service it renders.
			if strings.HasSuffix(dir, "redis") {
				for _, k := range []string{"TASK_STORE", "BUDGET_STORE"} {
					host := strings.SplitN(strings.TrimPrefix(env[k], "redis://"), ":", 2)[0]
					ok := strings.HasPrefix(env[k], "redis://")
					if ok {
						ok = false
						for _, s := range r.services {
							ok = ok || s.Name == host
						}
					}
					if !ok {
						t.Errorf("%s = %q: want redis:// to a Service of the overlay", k, env[k])
					}
				}
			}

			// Every variable is one the worker reads, and its own check
			// accepts them all.
			checkEnv(t, dir, env)
		})
	}
}
