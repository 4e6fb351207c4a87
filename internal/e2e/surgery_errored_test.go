package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// gateModule's resource waits in its provisioner until the test lets it
// go: the test changes the bucket meanwhile.
const gateModule = `
variable "name" {
  type = string
}
variable "gate" {
  type = string
}
resource "terraform_data" "this" {
  input = var.name
  provisioner "local-exec" {
    command = "touch ${var.gate}.ready; while [ ! -f ${var.gate}.go ]; do sleep 0.1; done; rm -f ${var.gate}.ready ${var.gate}.go"
  }
}
output "value" {
  value = var.name
}
`

// failSave runs an apply of db that terraform cannot save: while its
// resource is being created, the bucket starts refusing writes of the
// state object (as an endpoint that goes away would), so terraform writes
// errored.tfstate. It returns the apply's result.
func failSave(t *testing.T, tr *tree, c *s3.Client, bucket string, args ...string) result {
	t.Helper()
	gate := tr.Path("gate")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd, stdout, stderr := tr.Command(ctx, append([]string{"apply", "dev", "--unit", "db", "--auto-approve", "--stream"}, args...)...)
	must(t, cmd.Start())
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := os.Stat(gate + ".ready"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the apply never reached its provisioner:\n%s\n%s", stdout, stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"NoStateWrites","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::` + bucket + `/db/terraform.tfstate"}]}`
	if _, err := c.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	must(t, os.WriteFile(gate+".go", nil, 0o644))
	err := cmd.Wait()
	if _, err := c.DeleteBucketPolicy(context.Background(), &s3.DeleteBucketPolicyInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	r := result{Stdout: stdout.String(), Stderr: stderr.String()}
	if err == nil {
		t.Fatalf("the apply saved its state although the bucket refused it:\n%s", r)
	}
	r.Code = 1
	return r
}

func erroredFiles(t *testing.T, tr *tree) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(tr.Path(".stackctl"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (d.Name() == "errored.tfstate" || strings.Contains(p, "/errored/")) {
			rel, _ := filepath.Rel(tr.Dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// When terraform cannot save a state it writes errored.tfstate: stackctl
// keeps it out of every cache (0600), names it in the unit's failure with
// the command that pushes it, and pushes it — by state push-errored, or on
// the next apply with --auto-approve — locked, checked, backed up and
// verified. Made to happen here with a bucket policy that denies writing
// the state object while the resource is being created.
func TestPushErroredState(t *testing.T) {
	t.Parallel()
	tr, srv, bucket := s3Tree(t, map[string]string{
		"modules/gate/main.tf": gateModule,
		"live/dev/db/unit.hcl": "source = \"../../../modules/gate\"\ninputs = { name = \"db\", gate = \"@ROOT@/gate\" }\n",
	})
	c := s3Client(t, srv)
	tr.Must(0, "bootstrap", "dev")

	r := failSave(t, tr, c, bucket)
	contains(t, "the failed apply", r.Stdout, "terraform could not save the state: it is kept in .stackctl/errored/dev/db/", "push it with `stackctl state push-errored dev --unit db`")
	files := erroredFiles(t, tr)
	if len(files) != 1 || !strings.HasPrefix(files[0], ".stackctl/errored/dev/db/") {
		t.Fatalf("errored states: %v (none may stay in a cache)", files)
	}
	if info, err := os.Stat(tr.Path(files[0])); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("%s: %v %v, want mode 0600", files[0], info.Mode(), err)
	}
	contains(t, "state list", tr.Must(0, "state", "list", "dev", "--unit", "db").Stdout, "errored state kept", "push-errored ENV --unit db")

	r = tr.Run("plan", "dev", "--unit", "db")
	contains(t, "plan with an errored state kept", r.Stderr, "terraform could not save the state of db", "stackctl state push-errored dev --unit db")
	r = tr.Must(1, "state", "push-errored", "dev", "--unit", "db")
	contains(t, "push-errored without a terminal", r.Stderr, "needs --auto-approve")
	r = tr.Must(0, "state", "push-errored", "dev", "--unit", "db", "--auto-approve")
	contains(t, "push-errored", r.Stdout, "state push-errored dev", "push", "Verified: the plan of db: no changes.", "Wrote the state of db")
	tr.Must(0, "plan", "dev", "--unit", "db", "--detailed-exitcode")
	if got := erroredFiles(t, tr); len(got) != 1 || !strings.Contains(got[0], "/pushed/") {
		t.Errorf("after the push: %v, want it put aside in pushed/", got)
	}
	r = tr.Must(1, "state", "push-errored", "dev", "--unit", "db", "--auto-approve")
	contains(t, "a second push", r.Stderr, "no errored state is kept for db")

	// Again, and this time the next apply pushes it (--auto-approve),
	// before it runs terraform.
	failSave(t, tr, c, bucket, "--", "-replace=terraform_data.this")
	r = tr.Must(1, "apply", "dev", "--unit", "db", "--stall-timeout", "0")
	contains(t, "apply without --auto-approve", r.Stderr, "needs --auto-approve")
	gate := tr.Path("gate")
	must(t, os.WriteFile(gate+".go", nil, 0o644)) // the apply's own create, if any, passes at once
	r = tr.Must(0, "apply", "dev", "--unit", "db", "--auto-approve")
	contains(t, "apply after a failed save", r.Stderr, "terraform could not save the state of db", "Verified: the plan of db: no changes.")
	contains(t, "apply after a failed save", r.Stdout, "no changes")
	tr.Must(0, "plan", "dev", "--unit", "db", "--detailed-exitcode")
}
