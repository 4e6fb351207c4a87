// Package tftest runs the real terraform for the drift and adopt tests:
// against a private moto emulator, with the AWS provider from the offline
// mirror. Tests fail, never skip, when terraform or the mirror is missing.
package tftest

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/stackctl/stackctl/internal/testutil/moto"
)

// runTimeout guards one terraform command; applies on moto take seconds.
const runTimeout = 10 * time.Minute

// Terraform is a terraform binary and the environment that points it at
// one emulator.
type Terraform struct {
	Bin string
	Env []string
}

// New finds terraform and writes a CLI configuration that installs
// providers from the mirror only (STACKCTL_PROVIDER_MIRROR, or
// /opt/tf-plugins). terraform links an unpacked mirror's providers
// instead of copying them, so no plugin cache is needed.
func New(t testing.TB, srv *moto.Server) *Terraform {
	t.Helper()
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("terraform is not on PATH: install terraform 1.11 (these tests run the real binary)")
	}
	mirror := os.Getenv("STACKCTL_PROVIDER_MIRROR")
	if mirror == "" {
		mirror = "/opt/tf-plugins"
	}
	if _, err := os.Stat(filepath.Join(mirror, "registry.terraform.io", "hashicorp", "aws")); err != nil {
		t.Fatalf("the AWS provider is not in the filesystem mirror %s: put hashicorp/aws 5.100.0 there (terraform providers mirror), or set STACKCTL_PROVIDER_MIRROR", mirror)
	}
	rc := filepath.Join(t.TempDir(), "terraform.tfrc")
	cfg := "disable_checkpoint = true\nprovider_installation {\n  filesystem_mirror {\n    path = " + strconv.Quote(mirror) + "\n  }\n}\n"
	if err := os.WriteFile(rc, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), srv.Env()...)
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1")
	return &Terraform{Bin: bin, Env: env}
}

// Run runs terraform in dir and returns its combined output and exit
// code; it fails t when terraform cannot be started or times out.
func (tf *Terraform) Run(t testing.TB, dir string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, tf.Bin, append([]string{"-chdir=" + dir}, args...)...)
	cmd.Env = tf.Env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("terraform %v timed out after %s:\n%s", args, runTimeout, out.String())
	}
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return out.String(), ee.ExitCode()
		}
		t.Fatalf("terraform %v: %v", args, err)
	}
	return out.String(), 0
}

// Must runs terraform and fails t unless it exits with one of ok (0 when
// none are given).
func (tf *Terraform) Must(t testing.TB, dir string, args []string, ok ...int) string {
	t.Helper()
	if len(ok) == 0 {
		ok = []int{0}
	}
	out, code := tf.Run(t, dir, args...)
	for _, c := range ok {
		if c == code {
			return out
		}
	}
	t.Fatalf("terraform %v exited %d:\n%s", args, code, out)
	return ""
}

// Show returns `terraform show -json PLANFILE`, raw and parsed.
func (tf *Terraform) Show(t testing.TB, dir, planFile string) ([]byte, *tfjson.Plan) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, tf.Bin, "-chdir="+dir, "show", "-json", planFile)
	cmd.Env = tf.Env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("terraform show -json %s: %v\n%s", planFile, err, stderr.String())
	}
	var p tfjson.Plan
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("reading terraform show -json: %v", err)
	}
	return out, &p
}

// CopyDir copies the files of src (a testdata module) into a new
// temporary folder and returns it.
func CopyDir(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// StockMoto starts moto_server itself, without the repository's launcher
// and its patches, for the tests that must show product code works on
// stock moto. Only the returned server's URL-based helpers (Env,
// AWSConfig) may be used; the test's cleanup stops it.
func StockMoto(t testing.TB) *moto.Server {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		t.Fatal("moto_server is not on PATH: install Python 3 and moto with its server extras: pip install 'moto[server]==5.2.1'")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto_server: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(url + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return &moto.Server{URL: url, Port: port}
		}
		select {
		case <-done:
			t.Fatalf("moto_server exited:\n%s", out.String())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer on %s within 60 s:\n%s", url, out.String())
		}
	}
}
