// Package stack runs the repository's own production stack (stackctl.hcl
// and infra/) end to end on private AWS emulators: dev and staging applied
// side by side, checked, planned again as no-ops and destroyed; prod
// validated and planned. It is its own package so that `go test ./...`
// runs it beside internal/e2e: nearly all of its time is the AWS
// provider's fixed waits, not CPU.
package stack

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/stackctl/stackctl/internal/testutil/e2e"
	"github.com/stackctl/stackctl/internal/testutil/moto"
)

var binary string

func TestMain(m *testing.M) {
	// The environments wait on the AWS provider's fixed sleeps, not on the
	// CPU: run them (and each one's checks) side by side even where
	// -parallel defaults to a small GOMAXPROCS. An explicit -parallel wins.
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", "8")
	}
	e2e.Main(m, &binary)
}

// needMirror fails (never skips) without the provider the stack needs.
func needMirror(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/opt/tf-plugins"); err != nil && os.Getenv("STACKCTL_PROVIDER_MIRROR") == "" {
		t.Fatal("the production stack needs hashicorp/aws 5.100.0 in a filesystem mirror: /opt/tf-plugins, or set STACKCTL_PROVIDER_MIRROR")
	}
}

// repoTree copies the repository's own stackctl.hcl and infra/ (modules and
// live tree) into a temporary folder, so the test runs exactly what
// `make demo` runs without writing into the checkout.
func repoTree(t *testing.T) *e2e.Tree {
	t.Helper()
	repo := e2e.RepoRoot()
	dst := t.TempDir()
	for _, rel := range []string{"stackctl.hcl", "infra"} {
		src := filepath.Join(repo, rel)
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			r, _ := filepath.Rel(repo, p)
			if d.IsDir() {
				if strings.HasPrefix(d.Name(), ".") && p != src {
					return filepath.SkipDir
				}
				return os.MkdirAll(filepath.Join(dst, r), 0o755)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dst, r), data, 0o644)
		})
		if err != nil {
			t.Fatalf("copying %s: %v", rel, err)
		}
	}
	env := e2e.BaseEnv()
	// stackctl.hcl reads the mirror with get_env; BaseEnv drops STACKCTL_*.
	if mirror := os.Getenv("STACKCTL_PROVIDER_MIRROR"); mirror != "" {
		env = append(env, "STACKCTL_PROVIDER_MIRROR="+mirror)
	}
	return &e2e.Tree{T: t, Bin: binary, Dir: dst, Env: env, Timeout: 25 * time.Minute}
}

// stackEnv is one environment of the stack on its own emulator.
type stackEnv struct {
	name string
	srv  *moto.Server
	tr   *e2e.Tree
	cfg  aws.Config
	// imageTag is what CI would pass as IMAGE_TAG (staging and prod).
	imageTag string
	// partnerCIDRs are env.hcl's partner_api_cidrs.
	partnerCIDRs []string
	// applied is set once apply succeeded; plans are the units' plans.
	applied bool
	plans   map[string]*unitPlan

	mu      sync.Mutex
	printed strings.Builder // everything stackctl printed, for the secret grep
}

func newStackEnv(t *testing.T, name string) *stackEnv {
	t.Helper()
	srv := moto.Start(t)
	tr := repoTree(t)
	// ssm_parameter() reads from the default region (AWS_REGION), which
	// must be the environment's own.
	tr.Env = append(tr.Env, srv.Env()...)
	tr.Env = append(tr.Env, "AWS_REGION="+envRegion, "AWS_DEFAULT_REGION="+envRegion)
	e := &stackEnv{name: name, srv: srv, tr: tr, cfg: srv.AWSConfig(t)}
	e.cfg.Region = envRegion
	if name != "dev" {
		e.imageTag = "3f2a9c1d0b8e7f6a5c4d3e2f1a0b9c8d7e6f5a4b"
		tr.Env = append(tr.Env, "IMAGE_TAG="+e.imageTag)
	}
	if name == "staging" {
		e.partnerCIDRs = []string{"203.0.113.0/24"}
	}
	e.seed(t)
	return e
}

// seed does what README's "Before the first apply" asks of a team: the
// domain's public zone exists, and the external services' secrets are in
// SSM (here with made-up values).
func (e *stackEnv) seed(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if _, err := route53.NewFromConfig(e.cfg).CreateHostedZone(ctx, &route53.CreateHostedZoneInput{
		Name: aws.String(domain), CallerReference: aws.String("seed-" + e.name)}); err != nil {
		t.Fatalf("creating the domain's zone: %v", err)
	}
	c := ssm.NewFromConfig(e.cfg)
	for _, n := range []string{"MONGODB_URI", "DATADOG_API_KEY", "WEB_SENTRY_DSN", "API_SENTRY_DSN"} {
		if _, err := c.PutParameter(ctx, &ssm.PutParameterInput{
			Name:  aws.String("/bookmark-manager/" + e.name + "/inputs/" + n),
			Type:  ssmtypes.ParameterTypeSecureString,
			Value: aws.String("test-" + strings.ToLower(n) + "-" + e.name),
		}); err != nil {
			t.Fatalf("seeding %s: %v", n, err)
		}
	}
}

// run runs stackctl in the environment's tree for t and records what it
// printed.
func (e *stackEnv) run(t *testing.T, code int, args ...string) e2e.Result {
	t.Helper()
	return e.record(e.tr.With(t).Must(code, args...))
}

func (e *stackEnv) record(r e2e.Result) e2e.Result {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.printed.WriteString(r.Stdout)
	e.printed.WriteString(r.Stderr)
	return r
}

type stackSummary struct {
	Result     string `json:"result"`
	DurationMS int64  `json:"duration_ms"`
	Units      []struct {
		Unit       string `json:"unit"`
		Result     string `json:"result"`
		DurationMS int64  `json:"duration_ms"`
		Changes    *struct {
			Add, Change, Destroy int
		} `json:"changes"`
	} `json:"units"`
}

func summaryOf(t *testing.T, r e2e.Result) stackSummary {
	t.Helper()
	var s stackSummary
	if err := json.Unmarshal([]byte(r.Stdout), &s); err != nil {
		t.Fatalf("summary: %v\n%s", err, r)
	}
	return s
}

// logTimes prints the figures of docs/performance.md's stack table: the
// total and per-unit times, and what each unit's plan adds, changes and
// destroys. Nothing asserts them.
func logTimes(t *testing.T, what string, s stackSummary) {
	t.Helper()
	var parts []string
	add, destroy := 0, 0
	for _, u := range s.Units {
		part := u.Unit + " " + (time.Duration(u.DurationMS) * time.Millisecond).Round(100*time.Millisecond).String()
		if c := u.Changes; c != nil {
			part += fmt.Sprintf(" +%d ~%d -%d", c.Add, c.Change, c.Destroy)
			add, destroy = add+c.Add, destroy+c.Destroy
		}
		parts = append(parts, part)
	}
	t.Logf("%s: %s, +%d -%d resources (%s)", what, (time.Duration(s.DurationMS) * time.Millisecond).Round(100*time.Millisecond), add, destroy, strings.Join(parts, ", "))
}
