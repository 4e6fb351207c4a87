package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/stackctl/stackctl/internal/testutil/moto"
)

// slowModule holds its state lock while it applies for as long as the
// gate file it is given does not exist: the lock test decides when the
// apply ends, instead of guessing with sleeps.
const slowModule = `
variable "run" {
  type = string
}
variable "gate" {
  type    = string
  default = ""
}
resource "terraform_data" "slow" {
  triggers_replace = var.run
  provisioner "local-exec" {
    command = var.gate == "" ? "true" : "while [ ! -e '${var.gate}' ]; do sleep 0.2; done"
  }
}
output "run" {
  value = var.run
}
`

// fanoutTree: network; database and cache on network; app on both; edge
// on app; solo and slow alone. State in S3, in the bucket STATE_BUCKET
// names, so that one commit applies to two buckets.
func fanoutTree(t *testing.T) *tree {
	t.Helper()
	two := func(name, a, b string) string {
		return fmt.Sprintf(`source = "../../../modules/step"
dependency "a" {
  path = "../%s"
}
dependency "b" {
  path = "../%s"
}
inputs = {
  name     = "%s"
  upstream = "${dependency.a.outputs.value}+${dependency.b.outputs.value}"
}
`, a, b, name)
	}
	tr := newTree(t, map[string]string{
		".gitignore": ".stackctl/\n",
		"stackctl.hcl": rootHCL + `
remote_state {
  backend = "s3"
  config = {
    bucket       = get_env("STATE_BUCKET")
    key          = "${unit.path}/terraform.tfstate"
    region       = "us-east-1"
    use_lockfile = true
  }
}
`,
		"modules/step/main.tf":       stepModule,
		"modules/slow/main.tf":       slowModule,
		"live/dev/env.hcl":           "vars = {}\n",
		"live/dev/network/unit.hcl":  unitHCL("network", ""),
		"live/dev/database/unit.hcl": unitHCL("database", "network"),
		"live/dev/cache/unit.hcl":    unitHCL("cache", "network"),
		"live/dev/app/unit.hcl":      two("app", "database", "cache"),
		"live/dev/edge/unit.hcl":     unitHCL("edge", "app"),
		"live/dev/solo/unit.hcl":     unitHCL("solo", ""),
		"live/dev/slow/unit.hcl": `source = "../../../modules/slow"
inputs = {
  run  = get_env("SLOW_RUN", "0")
  gate = get_env("SLOW_GATE", "")
}
`,
	})
	tr.git("init", "-q", "-b", "main")
	tr.commitAll("the environment")
	return tr
}

// job is one CI job: a fresh clone of the repository and its own stackctl
// process, as a GitHub Actions runner gets.
func (tr *tree) job(name string, env []string) *tree {
	tr.t.Helper()
	dir := filepath.Join(tr.t.TempDir(), name)
	gitIn(tr.t, filepath.Dir(dir), tr.env, "clone", "-q", "file://"+tr.dir, dir)
	return &tree{t: tr.t, dir: dir, env: append(append([]string(nil), tr.env...), env...)}
}

func randomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// TestFanOut runs `stackctl ci matrix` the way the generated workflow
// does: jobs in order, the units of a job side by side, each in its own
// clone and process, all on one S3 state on the emulator. It ends with the
// same resources and outputs as one `stackctl apply` of the environment in
// another bucket. Then two jobs on one unit exclude each other through the
// state lock: one fails naming the holder, one waits for it.
func TestFanOut(t *testing.T) {
	t.Parallel()
	srv := moto.Start(t)
	repo := fanoutTree(t)
	repo.env = append(repo.env, srv.Env()...)
	fan, whole := "fan-"+randomSuffix(), "whole-"+randomSuffix()
	ci := []string{"CI=true", "GITHUB_ACTIONS=true"}
	fanEnv := append([]string{"STATE_BUCKET=" + fan}, ci...)
	wholeEnv := append([]string{"STATE_BUCKET=" + whole}, ci...)
	repo.job("bootstrap-fan", fanEnv).must(0, "bootstrap", "dev")
	repo.job("bootstrap-whole", wholeEnv).must(0, "bootstrap", "dev")

	var m struct {
		Jobs []struct {
			Wave   int `json:"wave"`
			Matrix struct {
				Include []struct {
					Unit string `json:"unit"`
					Env  string `json:"env"`
					Slug string `json:"slug"`
				} `json:"include"`
			} `json:"matrix"`
		} `json:"jobs"`
	}
	r := repo.job("matrix", fanEnv).must(0, "ci", "matrix", "dev")
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Jobs) != 4 {
		t.Fatalf("want 4 waves (network; database, cache; app; edge), got %s", r.stdout)
	}
	applied := map[string]int{} // unit → job index
	for k, job := range m.Jobs {
		var wg sync.WaitGroup
		results := make([]result, len(job.Matrix.Include))
		for i, entry := range job.Matrix.Include {
			applied[entry.Unit] = k
			wg.Add(1)
			go func() {
				defer wg.Done()
				jt := repo.job(fmt.Sprintf("w%d-%s", job.Wave, entry.Slug), fanEnv)
				results[i] = jt.runEnv(nil, "apply", entry.Env, "--unit", entry.Unit, "--auto-approve")
			}()
		}
		wg.Wait()
		for i, res := range results {
			if res.code != 0 {
				t.Fatalf("wave %d, unit %s failed:\n%s", job.Wave, job.Matrix.Include[i].Unit, res)
			}
		}
	}
	for u, deps := range map[string][]string{"database": {"network"}, "cache": {"network"}, "app": {"database", "cache"}, "edge": {"app"}} {
		for _, d := range deps {
			if applied[u] <= applied[d] {
				t.Errorf("%s ran in job %d, not after %s (job %d)", u, applied[u], d, applied[d])
			}
		}
	}

	repo.job("whole", wholeEnv).must(0, "apply", "dev", "--auto-approve")

	c := s3.NewFromConfig(srv.AWSConfig(t), func(o *s3.Options) { o.UsePathStyle = true })
	units := []string{"app", "cache", "database", "edge", "network", "slow", "solo"}
	for _, u := range units {
		a, b := resourcesOf(t, c, fan, u), resourcesOf(t, c, whole, u)
		if len(a) == 0 || !slices.Equal(a, b) {
			t.Errorf("%s: fan-out state %v, whole-env state %v", u, a, b)
		}
	}
	outFan := repo.job("out-fan", fanEnv).must(0, "output", "dev", "--json").stdout
	outWhole := repo.job("out-whole", wholeEnv).must(0, "output", "dev", "--json").stdout
	if outFan != outWhole || !strings.Contains(outFan, `"app(database(network())+cache(network()))"`) {
		t.Errorf("outputs differ:\nfan-out %s\nwhole   %s", outFan, outWhole)
	}

	// Two jobs on one unit: the state lock is the only coordination.
	gate := filepath.Join(t.TempDir(), "gate")
	holder := repo.job("slow-a", append([]string{"SLOW_RUN=1", "SLOW_GATE=" + gate}, fanEnv...))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmdA, outA, errA := holder.command(ctx, nil, "apply", "dev", "--unit", "slow", "--auto-approve")
	if err := cmdA.Start(); err != nil {
		t.Fatal(err)
	}
	doneA := make(chan error, 1)
	go func() { doneA <- cmdA.Wait() }()
	defer func() { _ = os.WriteFile(gate, nil, 0o644) }()
	waitOutput(t, outA, errA, "terraform_data.slow: Creating...")

	failing := repo.job("slow-b", append([]string{"SLOW_RUN=2"}, fanEnv...))
	r = failing.runEnv(nil, "apply", "dev", "--unit", "slow", "--auto-approve", "--lock-timeout", "0s")
	if r.code != 1 {
		t.Fatalf("a second apply of slow while the first holds its lock: %s", r)
	}
	contains(t, "locked apply", r.stdout, "the state of slow is locked by", "(apply, terraform", "stackctl force-unlock dev --unit slow")

	waiting := repo.job("slow-c", append([]string{"SLOW_RUN=3"}, fanEnv...))
	cmdC, outC, errC := waiting.command(ctx, nil, "apply", "dev", "--unit", "slow", "--auto-approve", "--lock-timeout", "5m")
	if err := cmdC.Start(); err != nil {
		t.Fatal(err)
	}
	doneC := make(chan error, 1)
	go func() { doneC <- cmdC.Wait() }()
	waitOutput(t, outC, errC, "Acquiring state lock")
	select {
	case err := <-doneC:
		t.Fatalf("the third apply ended (%v) while the first held the lock:\n%s%s", err, outC, errC)
	case <-time.After(2 * time.Second):
	}
	if err := os.WriteFile(gate, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := <-doneA; err != nil {
		t.Fatalf("the holder failed: %v\n%s%s", err, outA, errA)
	}
	if err := <-doneC; err != nil {
		t.Fatalf("the waiting apply failed: %v\n%s%s", err, outC, errC)
	}
	// It planned after the holder applied: against run 1, to run 3.
	contains(t, "waiting apply", outC.String(), `~ triggers_replace = "1" -> "3"`)
	if got := resourcesOf(t, c, fan, "slow"); len(got) != 2 || !strings.Contains(got[0], `"value":"3"`) {
		t.Errorf("slow's state after both: %v", got)
	}
}

type reader interface{ String() string }

// waitOutput waits until a running stackctl prints want (a guard of ten
// minutes, not a timing assertion).
func waitOutput(t *testing.T, out, errOut reader, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Minute)
	for !strings.Contains(out.String()+errOut.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("stackctl never printed %q:\n%s%s", want, out, errOut)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// resourcesOf reads a unit's state from S3 and lists its resources with
// what they hold, leaving out what differs between two applies of the same
// configuration (terraform_data's random id).
func resourcesOf(t *testing.T, c *s3.Client, bucket, unit string) []string {
	t.Helper()
	out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(unit + "/terraform.tfstate")})
	if err != nil {
		t.Fatalf("reading the state of %s in %s: %v", unit, bucket, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Outputs   map[string]struct{ Value any } `json:"outputs"`
		Resources []struct {
			Type, Name string
			Instances  []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	var list []string
	for _, r := range st.Resources {
		for _, in := range r.Instances {
			delete(in.Attributes, "id")
			b, _ := json.Marshal(in.Attributes)
			list = append(list, r.Type+"."+r.Name+" "+string(b))
		}
	}
	b, _ := json.Marshal(st.Outputs)
	slices.Sort(list)
	return append(list, "outputs "+string(b))
}
