package e2e

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stackctl/stackctl/internal/testutil/moto"
)

func closedPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// A wrong endpoint or missing credentials: one clear error, quickly, and
// the state in the bucket is untouched.
func TestS3UnreachableOrNoCredentials(t *testing.T) {
	t.Parallel()
	tr, srv, bucket := s3Tree(t, nil)
	tr.Must(0, "bootstrap", "dev")
	tr.Must(0, "apply", "dev", "--unit", "network", "--auto-approve")
	c := s3Client(t, srv)
	before := objectVersions(t, c, bucket)
	tr.Write(map[string]string{"live/dev/network/unit.hcl": `source = "../../../modules/step"
inputs = { name = "network", upstream = "changed" }
`})
	good := tr.Env

	tr.Env = append(slices.Clone(good), fmt.Sprintf("AWS_ENDPOINT_URL=http://127.0.0.1:%d", closedPort(t)))
	// A run that retried forever would hit the harness's timeout; that is
	// the guard, not a measured duration. What must not happen is terraform
	// starting against a backend stackctl already knows it cannot reach.
	r := tr.Must(1, "apply", "dev", "--unit", "network", "--auto-approve")
	if strings.Contains(r.Stdout, "▶ init") || strings.Contains(r.Stdout, "▶ plan") {
		t.Errorf("terraform started although the endpoint is unreachable:\n%s", r)
	}
	contains(t, "wrong endpoint", r.Stderr, "cannot reach http://127.0.0.1:")

	var noCreds []string
	for _, kv := range good {
		if !strings.HasPrefix(kv, "AWS_ACCESS_KEY_ID=") && !strings.HasPrefix(kv, "AWS_SECRET_ACCESS_KEY=") {
			noCreds = append(noCreds, kv)
		}
	}
	tr.Env = append(noCreds, "AWS_SHARED_CREDENTIALS_FILE=/nonexistent/credentials", "AWS_CONFIG_FILE=/nonexistent/config", "AWS_EC2_METADATA_DISABLED=true")
	r = tr.Must(1, "apply", "dev", "--unit", "network", "--auto-approve")
	contains(t, "no credentials", strings.ToLower(r.Stderr), "credentials")

	// Off AWS the metadata service, the chain's last link, does not answer:
	// that is still "no credentials", not an endpoint to check.
	tr.Env = append(noCreds, "AWS_SHARED_CREDENTIALS_FILE=/nonexistent/credentials", "AWS_CONFIG_FILE=/nonexistent/config",
		fmt.Sprintf("AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:%d", closedPort(t)))
	r = tr.Must(1, "apply", "dev", "--unit", "network", "--auto-approve")
	contains(t, "no credentials, silent metadata service", r.Stderr, "AWS_ACCESS_KEY_ID")
	if strings.Contains(r.Stderr, "cannot reach") {
		t.Errorf("a silent metadata service reported as an unreachable endpoint:\n%s", r.Stderr)
	}

	if after := objectVersions(t, c, bucket); after != before {
		t.Errorf("state changed:\nbefore %s\nafter  %s", before, after)
	}
	tr.Env = good
}

// --lock-timeout is waited out in full: terraform alone retries a lock at
// about 0, 1, 3, 7, 15 and 31 s, so with -lock-timeout=28s it gives up
// after 15 s while a 20 s apply still holds the lock. stackctl tries again
// with what is left, and the second apply goes through once the first is
// done.
func TestS3LockTimeoutIsWaitedInFull(t *testing.T) {
	t.Parallel()
	tr, _, _ := s3Tree(t, map[string]string{
		"live/dev/slow/unit.hcl": `source = "../../../modules/step"
inputs = { name = "slow", sleep = 20 }
`,
	})
	tr.Must(0, "bootstrap", "dev")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	first, out1, err1 := tr.Command(ctx, "apply", "dev", "--unit", "slow", "--auto-approve", "--stream")
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, first, out1, "Provisioning with 'local-exec'")
	second := tr.Checkout()
	second.Write(map[string]string{"live/dev/slow/unit.hcl": `source = "../../../modules/step"
inputs = { name = "slow2" }
`})
	r := second.Must(0, "apply", "dev", "--unit", "slow", "--auto-approve", "--lock-timeout", "28s")
	contains(t, "second apply", r.Stdout, "Apply complete!")
	if err := first.Wait(); err != nil {
		t.Fatalf("first apply: %v\n%s\n%s", err, out1, err1)
	}
	r = tr.Must(0, "output", "dev", "--unit", "slow", "--json")
	contains(t, "state after both", r.Stdout, `"value": "slow2()"`)
}

// On a stock emulator served over plain HTTP — as an S3-compatible store on
// a private network is — bootstrap leaves out the TLS-only policy (it would
// deny every request) and says why; state then works.
func TestS3BootstrapOnPlainHTTPThenApply(t *testing.T) {
	t.Parallel()
	srv := moto.StartStock(t)
	project := randomName("e2e")
	files := chain()
	files["stackctl.hcl"] = strings.Replace(rootFile, `project  = "e2e"`, `project  = "`+project+`"`, 1) + `
remote_state {
  backend = "s3"
  config = {
    bucket       = "${project}-tfstate-${env.name}"
    key          = "${unit.path}/terraform.tfstate"
    region       = "us-east-1"
    use_lockfile = true
  }
}
`
	tr := newTree(t, files)
	tr.Env = append(tr.Env, srv.Env()...)
	r := tr.Must(0, "bootstrap", "dev")
	contains(t, "bootstrap", r.Stdout, "policy.deny_insecure_transport", "not applicable", "is plain HTTP")
	tr.Must(0, "apply", "dev", "--auto-approve")
	r = tr.Must(0, "output", "dev", "-u", "network", "--json")
	contains(t, "output", r.Stdout, `"network()"`)
	r = tr.Must(0, "bootstrap", "dev")
	contains(t, "second bootstrap", r.Stdout, "0 missing")
}

// An environment's assume_role: terraform runs with the role's
// credentials, stackctl's own AWS calls are made as the role too, and
// allowed_account_ids refuses writes (not plans) with another account's.
func TestEnvironmentAssumesItsRole(t *testing.T) {
	t.Parallel()
	srv := emulator(t)
	files := chain()
	files["modules/who/main.tf"] = `
variable "out" { type = string }
resource "terraform_data" "x" {
  provisioner "local-exec" {
    command = "echo $AWS_ACCESS_KEY_ID > ${var.out}"
  }
}
`
	files["live/dev/who/unit.hcl"] = `source = "../../../modules/who"
inputs = { out = "@ROOT@/who.txt" }
`
	env := func(allowed string) string {
		return `vars = { region = "us-east-1" }
assume_role {
  role_arn     = "arn:aws:iam::123456789012:role/deploy"
  session_name = "stackctl-dev"
  duration     = "1h"
}
allowed_account_ids = [` + allowed + `]
`
	}
	files["live/dev/env.hcl"] = env(`"999999999999"`)
	tr := newTree(t, files)
	tr.Env = append(tr.Env, srv.Env()...)
	r := tr.Must(1, "apply", "dev", "-u", "who", "--auto-approve")
	contains(t, "apply with another account's credentials", r.Stderr, "account 123456789012", "assumed-role/deploy/stackctl-dev", "not among allowed_account_ids of environment dev (999999999999)", "nothing was changed")
	tr.Must(0, "plan", "dev", "-u", "who")

	tr.Write(map[string]string{"live/dev/env.hcl": env(`"123456789012"`)})
	tr.Must(0, "apply", "dev", "-u", "who", "--auto-approve")
	key := strings.TrimSpace(tr.Read("who.txt"))
	if !strings.HasPrefix(key, "ASIA") || key == "test" {
		t.Errorf("terraform ran with %q, not the role's temporary credentials", key)
	}
}
