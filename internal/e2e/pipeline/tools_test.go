package pipeline

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestMatrixWaves: ci matrix puts every unit in a later wave than each
// selected unit it depends on, directly or through unselected ones, and
// prints one line of JSON.
func TestMatrixWaves(t *testing.T) {
	t.Parallel()
	tr := changedTree(t)
	var m struct {
		Env   string `json:"env"`
		Units int    `json:"units"`
		Waves []struct {
			Wave  int      `json:"wave"`
			Units []string `json:"units"`
		} `json:"waves"`
		Jobs []struct {
			Matrix struct {
				Include []struct{ Unit, Env, Slug string } `json:"include"`
			} `json:"matrix"`
		} `json:"jobs"`
	}
	r := tr.must(0, "ci", "matrix", "dev")
	if strings.Count(strings.TrimSpace(r.stdout), "\n") != 0 {
		t.Fatalf("the matrix is not one line:\n%s", r.stdout)
	}
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatal(err)
	}
	wave := map[string]int{}
	for _, w := range m.Waves {
		for _, u := range w.Units {
			wave[u] = w.Wave
		}
	}
	deps := map[string]string{"database": "network", "app": "database", "old": "network"}
	for u, d := range deps {
		if wave[u] <= wave[d] {
			t.Errorf("%s (wave %d) does not come after %s (wave %d)", u, wave[u], d, wave[d])
		}
	}
	if m.Env != "dev" || m.Units != 5 || len(m.Jobs) != len(m.Waves) || m.Jobs[0].Matrix.Include[0].Env != "dev" {
		t.Errorf("matrix %+v", m)
	}

	// Changed since main: database and app only; app still after database.
	tr.git("checkout", "-q", "-b", "f")
	tr.write(map[string]string{"live/dev/database/unit.hcl": unitHCL("db2", "network")})
	r = tr.must(0, "ci", "matrix", "dev", "--changed-since", "main")
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Waves) != 2 || !slices.Equal(m.Waves[0].Units, []string{"database"}) || !slices.Equal(m.Waves[1].Units, []string{"app"}) {
		t.Errorf("changed-since waves %+v", m.Waves)
	}
	contains(t, "matrix stderr", r.stderr, "database", "live/dev/database/unit.hcl modified")
}

// TestLockFileThroughInit: the first init writes the unit's lock file
// (and says to commit it); the next run needs no init; a version pinned in
// the unit's lock file is the one init installs; providers lock writes it
// again, once.
func TestLockFileThroughInit(t *testing.T) {
	t.Parallel()
	mirror := os.Getenv("STACKCTL_PROVIDER_MIRROR")
	if mirror == "" {
		mirror = "/opt/tf-plugins"
	}
	if _, err := os.Stat(mirror + "/registry.terraform.io/hashicorp/aws"); err != nil {
		t.Fatalf("this test installs hashicorp/aws 5.100.0 from a filesystem mirror: put one at /opt/tf-plugins or set STACKCTL_PROVIDER_MIRROR (%v)", err)
	}
	tr := newTree(t, map[string]string{
		"stackctl.hcl": rootHCL + "providers {\n  mirror = \"" + mirror + "\"\n}\n",
		"modules/aws/main.tf": `terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.0" }
  }
}
`,
		"live/dev/env.hcl":      "vars = {}\n",
		"live/dev/app/unit.hcl": "source = \"../../../modules/aws\"\n",
	})
	lockPath := "live/dev/app/.terraform.lock.hcl"
	r := tr.must(0, "validate", "dev")
	contains(t, "first validate", r.stdout, "init wrote the dependency lock file", "commit it")
	lock := tr.read(lockPath)
	if !regexp.MustCompile(`version\s+= "5.100.0"`).MatchString(lock) {
		t.Fatalf("the unit's lock file does not pin 5.100.0:\n%s", lock)
	}
	r = tr.must(0, "validate", "dev")
	if strings.Contains(r.stdout, "▶ init") || strings.Contains(r.stdout, "commit it") {
		t.Errorf("the second run initialised again, or rewrote the lock file:\n%s", r.stdout)
	}
	if tr.read(lockPath) != lock {
		t.Error("the lock file changed on the second run")
	}

	// Pinned to a version the mirror lacks: init looks for exactly that.
	tr.write(map[string]string{lockPath: regexp.MustCompile(`version\s+= "5.100.0"`).ReplaceAllString(lock, `version     = "5.99.0"`)})
	r = tr.must(1, "validate", "dev")
	contains(t, "pinned validate", r.stdout, "▶ init", "5.99.0")

	// providers lock writes it anew, once.
	if err := os.Remove(tr.path(lockPath)); err != nil {
		t.Fatal(err)
	}
	r = tr.must(0, "providers", "lock", "dev", "--platform", "linux_amd64")
	contains(t, "providers lock", r.stdout, "lock file updated: commit it", "Lock files updated, commit them: live/dev/app/.terraform.lock.hcl")
	if !strings.Contains(tr.read(lockPath), "5.100.0") {
		t.Fatalf("providers lock wrote:\n%s", tr.read(lockPath))
	}
	r = tr.must(0, "providers", "lock", "dev", "--platform", "linux_amd64")
	contains(t, "providers lock again", r.stdout, "lock file unchanged", "No lock file changed.")

	// It reads no inputs: a unit whose inputs come from SSM is locked
	// where no AWS endpoint answers (a laptop without credentials).
	tr.write(map[string]string{"live/dev/app/unit.hcl": "source = \"../../../modules/aws\"\ninputs = { token = ssm_parameter(\"/app/token\") }\n"})
	tr.env = append(tr.env, fmt.Sprintf("AWS_ENDPOINT_URL=http://127.0.0.1:%d", closedPort(t)), "AWS_EC2_METADATA_DISABLED=true", "AWS_REGION=us-east-1")
	tr.must(0, "providers", "lock", "dev", "--platform", "linux_amd64")
}

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return port
}

// TestFmtCheck: fmt --check fails on an unformatted unit.hcl, naming it,
// and passes after fmt; a syntax error is shown at its line with its
// snippet.
func TestFmtCheck(t *testing.T) {
	t.Parallel()
	tr := newTree(t, map[string]string{
		"stackctl.hcl":        rootHCL,
		"live/dev/env.hcl":    "vars = {}\n",
		"live/dev/a/unit.hcl": "source = \"../x\"\ninputs = {\n      name=\"a\"\n  long_name = \"b\"\n}\n",
		"live/dev/b/unit.hcl": "source = \"../x\"\n",
	})
	r := tr.runEnv([]string{"GITHUB_ACTIONS=true"}, "fmt", "--check")
	if r.code != 1 || strings.TrimSpace(r.stdout) != "live/dev/a/unit.hcl" {
		t.Fatalf("fmt --check: %s", r)
	}
	contains(t, "fmt --check", r.stderr, "1 file(s) not formatted", "::error file=live/dev/a/unit.hcl,title=stackctl::not formatted")
	if !strings.Contains(tr.read("live/dev/a/unit.hcl"), "      name=") {
		t.Fatal("fmt --check wrote the file")
	}
	tr.must(0, "fmt")
	contains(t, "formatted", tr.read("live/dev/a/unit.hcl"), "  name      = \"a\"\n  long_name = \"b\"\n")
	r = tr.must(0, "fmt", "--check")
	if r.stdout != "" {
		t.Errorf("fmt --check after fmt listed %q", r.stdout)
	}
	tr.write(map[string]string{"live/dev/b/unit.hcl": "source = \n"})
	r = tr.must(1, "fmt", "--check")
	contains(t, "syntax error", r.stderr, "live/dev/b/unit.hcl:1:", "source =")
}

// TestCIInitGitHub: the workflows land at the top of the git repository
// (stackctl's root is a subfolder), and are not overwritten without
// --force.
func TestCIInitGitHub(t *testing.T) {
	t.Parallel()
	tr := newTree(t, map[string]string{
		"README.md":                 "repo\n",
		"infra/stackctl.hcl":        rootHCL,
		"infra/live/dev/env.hcl":    "vars = {}\n",
		"infra/live/prod/env.hcl":   "vars = {}\n",
		"infra/live/dev/a/unit.hcl": "",
	})
	tr.git("init", "-q", "-b", "main")
	infra := &tree{t: t, dir: tr.path("infra"), env: tr.env}
	r := infra.must(0, "ci", "init", "github", "--fan-out")
	contains(t, "ci init", r.stdout, "/.github/workflows/stackctl-plan.yml", "stackctl-apply-env.yml", "dev → prod")
	plan := tr.read(".github/workflows/stackctl-plan.yml")
	contains(t, "plan workflow", plan, `working-directory: "infra"`, "--changed-since")
	r = infra.must(1, "ci", "init", "github")
	contains(t, "ci init again", r.stderr, "already exist", "--force")
	infra.must(0, "ci", "init", "github", "--force")
}

// TestLockWarningSaidOnce: three units whose first init records provider
// checksums for this platform only: terraform warns in each, the summary
// says it once, naming the units, with what to run.
func TestLockWarningSaidOnce(t *testing.T) {
	t.Parallel()
	mirror := os.Getenv("STACKCTL_PROVIDER_MIRROR")
	if mirror == "" {
		mirror = "/opt/tf-plugins"
	}
	files := map[string]string{
		"stackctl.hcl": rootHCL + "providers {\n  mirror = \"" + mirror + "\"\n}\n",
		"modules/aws/main.tf": `terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.0" }
  }
}
`,
		"live/dev/env.hcl": "vars = {}\n",
	}
	for _, u := range []string{"a", "b", "c"} {
		files["live/dev/"+u+"/unit.hcl"] = "source = \"../../../modules/aws\"\n"
	}
	tr := newTree(t, files)
	r := tr.must(0, "validate", "dev")
	const summary = "the dependency lock file lists provider checksums for this platform only"
	if n := strings.Count(r.stdout+r.stderr, summary); n != 1 {
		t.Errorf("the summary says the lock-file warning %d times, want once:\n%s", n, r)
	}
	contains(t, "validate", r.stdout+r.stderr, "in 3 units: a, b, c", "stackctl providers lock ENV --platform OS_ARCH")
}
