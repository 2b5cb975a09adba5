// Package deploy_test checks the deployment files in this directory: the
// Kubernetes manifests decode strictly into k8s.io/api types and hold the
// fields that make them correct, and the Dockerfile builds a static,
// non-root image whose build command works as a plain go build.
package deploy_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

// objects is what one manifest file holds, by kind.
type objects struct {
	jobs        []*batchv1.Job
	deployments []*appsv1.Deployment
	services    []*corev1.Service
	hpas        []*autoscalingv2.HorizontalPodAutoscaler
}

// decodeStrict decodes JSON into v, rejecting fields v does not have.
func decodeStrict(js []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(js))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("trailing data after the object")
	}
	return nil
}

// load decodes every document of a manifest file into its k8s.io/api type.
// A document of another kind or with an unknown field fails the test.
func load(t *testing.T, name string) objects {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var o objects
	for i, doc := range strings.Split("\n"+string(b)+"\n", "\n---\n") {
		js, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatalf("%s: document %d: %v", name, i, err)
		}
		if string(js) == "null" {
			continue // only comments
		}
		var head struct{ APIVersion, Kind string }
		if err := json.Unmarshal(js, &head); err != nil {
			t.Fatalf("%s: document %d: %v", name, i, err)
		}
		var v any
		switch head.APIVersion + " " + head.Kind {
		case "batch/v1 Job":
			x := new(batchv1.Job)
			o.jobs, v = append(o.jobs, x), x
		case "apps/v1 Deployment":
			x := new(appsv1.Deployment)
			o.deployments, v = append(o.deployments, x), x
		case "v1 Service":
			x := new(corev1.Service)
			o.services, v = append(o.services, x), x
		case "autoscaling/v2 HorizontalPodAutoscaler":
			x := new(autoscalingv2.HorizontalPodAutoscaler)
			o.hpas, v = append(o.hpas, x), x
		default:
			t.Fatalf("%s: document %d: unexpected %s %s", name, i, head.APIVersion, head.Kind)
		}
		if err := decodeStrict(js, v); err != nil {
			t.Fatalf("%s: document %d (%s): %v", name, i, head.Kind, err)
		}
	}
	return o
}

// argv is a container's command and args as one list, the binary's own
// name (the image's entrypoint when command is empty) left out.
func argv(c corev1.Container) []string {
	a := append(slices.Clone(c.Command), c.Args...)
	if len(c.Command) > 0 {
		a = a[1:]
	}
	return a
}

// flag returns the value of the flag name in args, written with one dash
// or two, in either "-name v" or "-name=v" form.
func flag(args []string, name string) (string, bool) {
	for i, a := range args {
		if !strings.HasPrefix(a, "-") {
			continue
		}
		a = strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if a == name && i+1 < len(args) {
			return args[i+1], true
		}
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v, true
		}
	}
	return "", false
}

// checkThreads checks that the CPU request and limit equal --threads.
func checkThreads(t *testing.T, c corev1.Container) {
	t.Helper()
	s, ok := flag(argv(c), "threads")
	if !ok {
		t.Errorf("container %s: no --threads", c.Name)
		return
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Errorf("container %s: --threads %q", c.Name, s)
		return
	}
	for what, l := range map[string]corev1.ResourceList{"requests": c.Resources.Requests, "limits": c.Resources.Limits} {
		q, ok := l[corev1.ResourceCPU]
		if !ok || q.MilliValue() != int64(n)*1000 {
			t.Errorf("container %s: cpu %s %v, want %d (--threads)", c.Name, what, q.String(), n)
		}
	}
}

// checkSecurity checks the pod and container settings for a non-root,
// read-only container.
func checkSecurity(t *testing.T, p corev1.PodSpec, c corev1.Container) {
	t.Helper()
	if s := p.SecurityContext; s == nil || s.RunAsNonRoot == nil || !*s.RunAsNonRoot {
		t.Errorf("pod of %s: runAsNonRoot is not true", c.Name)
	}
	s := c.SecurityContext
	if s == nil || s.ReadOnlyRootFilesystem == nil || !*s.ReadOnlyRootFilesystem {
		t.Errorf("container %s: readOnlyRootFilesystem is not true", c.Name)
	}
	if s == nil || s.AllowPrivilegeEscalation == nil || *s.AllowPrivilegeEscalation {
		t.Errorf("container %s: allowPrivilegeEscalation is not false", c.Name)
	}
}

func TestTranslateJob(t *testing.T) {
	o := load(t, "k8s/translate-job.yaml")
	if len(o.jobs) != 1 || len(o.deployments)+len(o.services)+len(o.hpas) > 0 {
		t.Fatalf("translate-job.yaml: want one Job only")
	}
	j := o.jobs[0].Spec
	if j.CompletionMode == nil || *j.CompletionMode != batchv1.IndexedCompletion {
		t.Errorf("completionMode %v, want Indexed", j.CompletionMode)
	}
	if j.Completions == nil || *j.Completions < 1 {
		t.Fatalf("completions not set")
	}
	n := int(*j.Completions)
	if j.Parallelism == nil || *j.Parallelism < 1 || int(*j.Parallelism) > n {
		t.Errorf("parallelism %v, want 1..%d", j.Parallelism, n)
	}
	if j.BackoffLimitPerIndex == nil {
		t.Errorf("backoffLimitPerIndex not set: FailIndex needs it")
	}
	if j.PodReplacementPolicy == nil || *j.PodReplacementPolicy != batchv1.Failed {
		t.Errorf("podReplacementPolicy %v, want Failed", j.PodReplacementPolicy)
	}
	p := j.Template.Spec
	if p.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("restartPolicy %q, want Never", p.RestartPolicy)
	}
	if len(p.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(p.Containers))
	}
	c := p.Containers[0]

	if j.PodFailurePolicy == nil {
		t.Fatal("no podFailurePolicy")
	}
	var failIndex3, ignoreDisruption bool
	for _, r := range j.PodFailurePolicy.Rules {
		if e := r.OnExitCodes; r.Action == batchv1.PodFailurePolicyActionFailIndex && e != nil &&
			e.Operator == batchv1.PodFailurePolicyOnExitCodesOpIn && slices.Contains(e.Values, 3) &&
			(e.ContainerName == nil || *e.ContainerName == c.Name) {
			failIndex3 = true
		}
		for _, pc := range r.OnPodConditions {
			if r.Action == batchv1.PodFailurePolicyActionIgnore && pc.Type == corev1.DisruptionTarget {
				ignoreDisruption = true
			}
		}
	}
	if !failIndex3 {
		t.Errorf("no podFailurePolicy rule FailIndex on exit code 3 of container %s", c.Name)
	}
	if !ignoreDisruption {
		t.Errorf("no podFailurePolicy rule Ignore on DisruptionTarget")
	}

	a := argv(c)
	if len(a) == 0 || a[0] != "translate" {
		t.Fatalf("container args %q: want s2s translate", a)
	}
	if s, _ := flag(a, "shard"); s != "auto/"+strconv.Itoa(n) {
		t.Errorf("--shard %q, want auto/%d (completions)", s, n)
	}
	for _, f := range []string{"model", "i", "o", "commit-every"} {
		if _, ok := flag(a, f); !ok {
			t.Errorf("translate without --%s", f)
		}
	}
	checkThreads(t, c)
	checkSecurity(t, p, c)
	checkMounts(t, p, c, "/models", "/data")
}

func TestMergeJob(t *testing.T) {
	tjs := load(t, "k8s/translate-job.yaml").jobs
	if len(tjs) != 1 {
		t.Fatalf("translate-job.yaml: %d Jobs, want 1", len(tjs))
	}
	tj := tjs[0]
	o := load(t, "k8s/merge-job.yaml")
	if len(o.jobs) != 1 || len(o.deployments)+len(o.services)+len(o.hpas) > 0 {
		t.Fatalf("merge-job.yaml: want one Job only")
	}
	p := o.jobs[0].Spec.Template.Spec
	if p.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("restartPolicy %q, want Never", p.RestartPolicy)
	}
	a := argv(p.Containers[0])
	outdir, _ := flag(argv(tj.Spec.Template.Spec.Containers[0]), "o")
	if len(a) < 2 || a[0] != "merge" || a[1] != outdir {
		t.Errorf("merge args %q, want merge %s (the translate Job's -o)", a, outdir)
	}
	if _, ok := flag(a, "o"); !ok {
		t.Errorf("merge without -o")
	}
	checkSecurity(t, p, p.Containers[0])
	checkMounts(t, p, p.Containers[0], "/data")
}

// checkMounts checks that each path is a mount of a volume the pod defines
// on a persistent volume claim.
func checkMounts(t *testing.T, p corev1.PodSpec, c corev1.Container, paths ...string) {
	t.Helper()
	for _, path := range paths {
		i := slices.IndexFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.MountPath == path })
		if i < 0 {
			t.Errorf("container %s: nothing mounted at %s", c.Name, path)
			continue
		}
		name := c.VolumeMounts[i].Name
		j := slices.IndexFunc(p.Volumes, func(v corev1.Volume) bool { return v.Name == name })
		if j < 0 || p.Volumes[j].PersistentVolumeClaim == nil {
			t.Errorf("container %s: %s is not a persistent volume claim", c.Name, path)
		}
	}
}

func TestServe(t *testing.T) {
	o := load(t, "k8s/serve.yaml")
	if len(o.deployments) != 1 || len(o.services) != 1 || len(o.hpas) != 1 || len(o.jobs) > 0 {
		t.Fatalf("serve.yaml: want one Deployment, one Service and one HorizontalPodAutoscaler")
	}
	d, svc, hpa := o.deployments[0], o.services[0], o.hpas[0]
	p := d.Spec.Template.Spec
	if len(p.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(p.Containers))
	}
	c := p.Containers[0]
	a := argv(c)
	if len(a) == 0 || a[0] != "serve" {
		t.Fatalf("container args %q: want s2s serve", a)
	}
	if _, ok := flag(a, "model"); !ok {
		t.Errorf("serve without --model")
	}

	// --addr: a non-loopback address, and its port everywhere else.
	addr, ok := flag(a, "addr")
	if !ok {
		t.Fatal("serve without --addr: the default binds 127.0.0.1 only")
	}
	host, portS, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("--addr %q: %v", addr, err)
	}
	if ip := net.ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() {
		t.Errorf("--addr %q binds a loopback address: no probe or Service reaches it", addr)
	}
	port, err := strconv.Atoi(portS)
	if err != nil {
		t.Fatalf("--addr %q: port: %v", addr, err)
	}
	if len(c.Ports) != 1 || int(c.Ports[0].ContainerPort) != port {
		t.Fatalf("containerPorts %v, want one, %d (--addr)", c.Ports, port)
	}
	// resolve gives the number an IntOrString names in this container.
	resolve := func(v intstr.IntOrString) int {
		if v.Type == intstr.Int {
			return v.IntValue()
		}
		for _, cp := range c.Ports {
			if cp.Name == v.StrVal {
				return int(cp.ContainerPort)
			}
		}
		return -1
	}

	for _, pr := range []struct {
		name, path string
		probe      *corev1.Probe
	}{{"readinessProbe", "/readyz", c.ReadinessProbe}, {"livenessProbe", "/healthz", c.LivenessProbe}} {
		if pr.probe == nil || pr.probe.HTTPGet == nil {
			t.Errorf("%s: not an httpGet probe", pr.name)
			continue
		}
		if pr.probe.HTTPGet.Path != pr.path {
			t.Errorf("%s: path %q, want %s", pr.name, pr.probe.HTTPGet.Path, pr.path)
		}
		if got := resolve(pr.probe.HTTPGet.Port); got != port {
			t.Errorf("%s: port %v (%d), want %d", pr.name, pr.probe.HTTPGet.Port.String(), got, port)
		}
	}
	if pr := c.StartupProbe; pr != nil && (pr.HTTPGet == nil || resolve(pr.HTTPGet.Port) != port) {
		t.Errorf("startupProbe: not an httpGet on port %d", port)
	}

	// s2s serve drains for up to 30 s after SIGTERM, which comes after the
	// preStop hook.
	need := int64(30)
	if l := c.Lifecycle; l != nil && l.PreStop != nil && l.PreStop.Sleep != nil {
		need += l.PreStop.Sleep.Seconds
	}
	if g := p.TerminationGracePeriodSeconds; g == nil || *g <= need {
		t.Errorf("terminationGracePeriodSeconds %v, want > %d (preStop and the drain)", g, need)
	}
	checkThreads(t, c)
	checkSecurity(t, p, c)
	for _, m := range c.VolumeMounts {
		if !m.ReadOnly {
			t.Errorf("volume %s at %s is writable", m.Name, m.MountPath)
		}
	}
	if m, _ := flag(a, "model"); !slices.ContainsFunc(c.VolumeMounts, func(v corev1.VolumeMount) bool {
		return strings.HasPrefix(m, strings.TrimSuffix(v.MountPath, "/")+"/")
	}) {
		t.Errorf("--model %s is on no mounted volume", m)
	}

	// The Service selects the pods and targets the port.
	sel := d.Spec.Template.Labels
	for k, v := range svc.Spec.Selector {
		if sel[k] != v {
			t.Errorf("Service selector %s=%s does not match the pod labels %v", k, v, sel)
		}
	}
	if len(svc.Spec.Selector) == 0 {
		t.Errorf("Service has no selector")
	}
	if len(svc.Spec.Ports) == 0 {
		t.Errorf("Service has no ports")
	}
	for _, sp := range svc.Spec.Ports {
		if got := resolve(sp.TargetPort); got != port {
			t.Errorf("Service port %d: targetPort %s (%d), want %d", sp.Port, sp.TargetPort.String(), got, port)
		}
	}

	// The HPA scales this Deployment on CPU.
	ref := hpa.Spec.ScaleTargetRef
	if ref.Kind != "Deployment" || ref.APIVersion != "apps/v1" || ref.Name != d.Name {
		t.Errorf("HPA targets %s %s %s, want apps/v1 Deployment %s", ref.APIVersion, ref.Kind, ref.Name, d.Name)
	}
	cpu := slices.ContainsFunc(hpa.Spec.Metrics, func(m autoscalingv2.MetricSpec) bool {
		return m.Type == autoscalingv2.ResourceMetricSourceType && m.Resource != nil &&
			m.Resource.Name == corev1.ResourceCPU && m.Resource.Target.Type == autoscalingv2.UtilizationMetricType &&
			m.Resource.Target.AverageUtilization != nil
	})
	if !cpu {
		t.Errorf("HPA does not scale on CPU utilisation")
	}
	if hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas < 1 || hpa.Spec.MaxReplicas < *hpa.Spec.MinReplicas {
		t.Errorf("HPA replicas %v..%d", hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas)
	}
}

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct{ cmd, rest string }

func parseDockerfile(t *testing.T) []instruction {
	t.Helper()
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var out []instruction
	var cur string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if cur == "" && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if l, ok := strings.CutSuffix(line, "\\"); ok {
			cur += l + " "
			continue
		}
		cur += line
		cmd, rest, _ := strings.Cut(cur, " ")
		out = append(out, instruction{strings.ToUpper(cmd), strings.TrimSpace(rest)})
		cur = ""
	}
	return out
}

// shellWords splits a command line as sh does for plain words and double or
// single quotes, which is all the Dockerfile's build command uses.
func shellWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	in, quote := false, rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		case strings.ContainsRune("$`\\;&|<>(){}*?", r):
			return nil, fmt.Errorf("%q: shell syntax %q this test does not run", s, r)
		default:
			w.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("%q: unterminated quote", s)
	}
	if in {
		words = append(words, w.String())
	}
	return words, nil
}

var fromRE = regexp.MustCompile(`(?i)^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$`)

func TestDockerfile(t *testing.T) {
	ins := parseDockerfile(t)
	type stage struct {
		image, name string
		body        []instruction
	}
	var stages []*stage
	for _, in := range ins {
		if in.cmd == "FROM" {
			m := fromRE.FindStringSubmatch(in.rest)
			if m == nil {
				t.Fatalf("FROM %s: not understood", in.rest)
			}
			stages = append(stages, &stage{image: m[1], name: m[2]})
			continue
		}
		if len(stages) == 0 {
			if in.cmd != "ARG" {
				t.Fatalf("%s before the first FROM", in.cmd)
			}
			continue
		}
		s := stages[len(stages)-1]
		s.body = append(s.body, in)
	}
	if len(stages) < 2 {
		t.Fatalf("%d stages, want a build stage and a runtime stage", len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]
	if build.name == "" {
		t.Fatalf("the build stage FROM %s has no name (AS …)", build.image)
	}

	// The build stage's go build, with CGO_ENABLED=0 and its output path.
	var goBuild []string
	for _, in := range build.body {
		if in.cmd != "RUN" || !strings.Contains(in.rest, "go build") {
			continue
		}
		w, err := shellWords(in.rest)
		if err != nil {
			t.Fatal(err)
		}
		goBuild = w
	}
	if goBuild == nil {
		t.Fatal("the build stage runs no go build")
	}
	i := slices.Index(goBuild, "go")
	if i < 0 || i+1 >= len(goBuild) || goBuild[i+1] != "build" {
		t.Fatalf("RUN %q: want [VAR=value …] go build …", goBuild)
	}
	env, cmd := goBuild[:i], goBuild[i:]
	if !slices.Contains(env, "CGO_ENABLED=0") {
		t.Errorf("go build without CGO_ENABLED=0: %q", goBuild)
	}
	for _, e := range env {
		if !strings.Contains(e, "=") {
			t.Fatalf("RUN %q: %q before go build is not VAR=value", goBuild, e)
		}
	}
	o := slices.Index(cmd, "-o")
	if o < 0 || o+1 >= len(cmd) {
		t.Fatalf("go build without -o: %q", cmd)
	}
	binary := cmd[o+1]

	// The runtime stage: the binary from the build stage, a non-root user,
	// the binary as entrypoint.
	var copied, user string
	var entry []string
	for _, in := range final.body {
		switch in.cmd {
		case "COPY":
			f := strings.Fields(in.rest)
			if len(f) == 3 && f[0] == "--from="+build.name && f[1] == binary {
				copied = f[2]
			}
		case "USER":
			user = in.rest
		case "ENTRYPOINT":
			if err := json.Unmarshal([]byte(in.rest), &entry); err != nil {
				t.Errorf("ENTRYPOINT %s: not the exec (JSON) form: %v", in.rest, err)
			}
		}
	}
	if copied == "" {
		t.Fatalf("the runtime stage does not COPY --from=%s %s", build.name, binary)
	}
	u, _, _ := strings.Cut(user, ":")
	if u == "" || u == "root" || u == "0" {
		t.Errorf("runtime USER %q: want a non-root user", user)
	} else if !strings.HasSuffix(final.image, ":nonroot") {
		if _, err := strconv.Atoi(u); err != nil {
			t.Errorf("runtime USER %q: a name needs an /etc/passwd entry; use a number", user)
		}
	}
	if len(entry) == 0 || entry[0] != copied {
		t.Errorf("ENTRYPOINT %q, want the copied binary %s", entry, copied)
	}

	if testing.Short() {
		t.Skip("-short: not running the build command")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "s2s")
	cmd = slices.Clone(cmd)
	cmd[o+1] = out
	run := exec.Command(cmd[0], cmd[1:]...)
	run.Dir = root
	run.Env = append(os.Environ(), env...)
	if b, err := run.CombinedOutput(); err != nil {
		t.Fatalf("%q: %v\n%s", cmd, err, b)
	}
	v, err := exec.Command(out, "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(v), "s2s ") {
		t.Fatalf("%s version: %v\n%s", out, err, v)
	}
	t.Logf("built with %q: %s", cmd, strings.TrimSpace(string(v)))
}
