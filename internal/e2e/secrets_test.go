package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// echoModule takes a value it does not know is secret and shows it
// everywhere terraform can: in the plan (a resource's input), in an output
// not marked sensitive, and, when asked to fail, in its error text.
const echoModule = `
variable "value" {
  type = string
}
variable "fail" {
  type    = bool
  default = false
}
resource "terraform_data" "this" {
  input = var.value
  provisioner "local-exec" {
    command = "if [ ${var.fail} = true ]; then echo 'cannot use ${var.value}' >&2; exit 1; fi"
  }
}
output "echo" {
  value = var.value
}
`

// assertNeverPrinted fails if secret is in anything stackctl printed or
// left in its logs.
func assertNeverPrinted(t *testing.T, tr *tree, secret string, rs ...result) {
	t.Helper()
	for _, r := range rs {
		if strings.Contains(r.Stdout, secret) || strings.Contains(r.Stderr, secret) {
			t.Errorf("the secret was printed:\n%s", r)
		}
	}
	_ = filepath.WalkDir(tr.Path(".stackctl/logs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if data, _ := os.ReadFile(p); strings.Contains(string(data), secret) {
				t.Errorf("the secret is in the log %s", p)
			}
		}
		return nil
	})
}

// A SecureString read with ssm_parameter() stays a secret end to end,
// although the module it feeds does not mark it sensitive: plan, apply,
// output (text and JSON) and render never print it, and the output that
// carries it is reported as sensitive.
func TestSSMSecureStringStaysSecret(t *testing.T) {
	t.Parallel()
	srv := emulator(t)
	name, secret := "/"+randomName("e2e")+"/db-password", "s3cure-"+randomName("pw")
	cfg := srv.AWSConfig(t)
	cfg.Region = "us-east-1"
	if _, err := ssm.NewFromConfig(cfg).PutParameter(context.Background(), &ssm.PutParameterInput{
		Name: aws.String(name), Type: ssmtypes.ParameterTypeSecureString, Value: aws.String(secret),
	}); err != nil {
		t.Fatalf("seeding the parameter: %v", err)
	}
	tr := newTree(t, map[string]string{
		"stackctl.hcl":         rootFile,
		"modules/echo/main.tf": echoModule,
		"live/dev/env.hcl":     `vars = { region = "us-east-1" }`,
		"live/dev/app/unit.hcl": `source = "../../../modules/echo"
inputs = { value = ssm_parameter("` + name + `") }
`,
	})
	tr.Env = append(tr.Env, srv.Env()...)
	tr.Env = append(tr.Env, "AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1")

	var rs []result
	rs = append(rs, tr.Must(0, "render", "dev"))
	rs = append(rs, tr.Must(0, "plan", "dev", "--stream"))
	rs = append(rs, tr.Must(0, "apply", "dev", "--auto-approve", "--stream"))
	out := tr.Must(0, "output", "dev", "--json")
	contains(t, "output --json", out.Stdout, `"sensitive": true`)
	rs = append(rs, out, tr.Must(0, "output", "dev"))
	contains(t, "output", rs[len(rs)-1].Stdout, "echo = <sensitive>")
	rs = append(rs, tr.Must(0, "plan", "dev", "--json"))
	assertNeverPrinted(t, tr, secret, rs...)
	// The value did reach terraform: it is in the state, where it belongs.
	if !strings.Contains(tr.Read(".stackctl/state/dev/app/terraform.tfstate"), secret) {
		t.Errorf("the SecureString's value never reached terraform")
	}
}

// terraform's failure text quotes a sensitive input (the module cannot
// know it is one): the summary and the JSON report show it masked.
func TestSecretInFailureTextIsMasked(t *testing.T) {
	t.Parallel()
	const secret = "hunter2-e2e-7f3a"
	tr := newTree(t, map[string]string{
		"stackctl.hcl":         rootFile,
		"modules/echo/main.tf": echoModule,
		"live/dev/env.hcl":     `vars = { region = "eu-west-1" }`,
		"live/dev/app/unit.hcl": `source = "../../../modules/echo"
inputs = { value = sensitive("` + secret + `"), fail = true }
`,
	})
	text := tr.Must(1, "apply", "dev", "--auto-approve")
	contains(t, "failed apply", text.Stdout, "Error in app:", "cannot use (sensitive value)")
	js := tr.Must(1, "apply", "dev", "--auto-approve", "--json")
	contains(t, "failed apply --json", js.Stdout, `"result": "failed"`, "local-exec provisioner error")
	assertNeverPrinted(t, tr, secret, text, js)
}

// Destroying units whose dependency was destroyed first (by hand, or an
// earlier run cut short): mock_outputs stand in for the gone state, the
// dependents are destroyed, and the gone unit needs no terraform.
func TestDestroyWhenDependencyIsGone(t *testing.T) {
	t.Parallel()
	tr := newTree(t, chain())
	tr.Must(0, "apply", "dev", "--auto-approve")
	tr.Must(0, "destroy", "dev", "--unit", "network", "--auto-approve")
	if err := os.Remove(tr.Path("order.log")); err != nil {
		t.Fatal(err)
	}
	r := tr.Must(0, "destroy", "dev", "--auto-approve")
	got := lines(tr.Read("order.log"))
	slices.Sort(got)
	if want := []string{"destroy database", "destroy monitoring", "destroy service"}; !slices.Equal(got, want) {
		t.Errorf("destroyed %q, want %q\n%s", got, want, r)
	}
	r = tr.Must(0, "output", "dev", "--json")
	if strings.Contains(r.Stdout, "token") {
		t.Errorf("outputs left after the destroy:\n%s", r.Stdout)
	}
}
