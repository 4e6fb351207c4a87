// Package tf runs the real terraform in tests: a CLI configuration of the
// test's own (no update checks, the provider mirror when one is present),
// an environment without the developer's AWS_ or TF_ variables, and
// failures that say what to install. Tests that need terraform fail, never
// skip, when it is missing.
package tf

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// DefaultMirror is where the AWS provider's filesystem mirror lives on
// development machines; STACKCTL_PROVIDER_MIRROR overrides it.
const DefaultMirror = "/opt/tf-plugins"

// Bin returns terraform's path, failing t when it is not on PATH.
func Bin(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("terraform is not on PATH: install Terraform 1.11 (https://developer.hashicorp.com/terraform/install) to run these tests")
	}
	return p
}

// Mirror returns the provider mirror, failing t when there is none.
func Mirror(t testing.TB) string {
	t.Helper()
	m := os.Getenv("STACKCTL_PROVIDER_MIRROR")
	if m == "" {
		m = DefaultMirror
	}
	if _, err := os.Stat(filepath.Join(m, "registry.terraform.io", "hashicorp", "aws")); err != nil {
		t.Fatalf("this test needs the hashicorp/aws provider in a filesystem mirror: %s, or set STACKCTL_PROVIDER_MIRROR (%v)", m, err)
	}
	return m
}

// Env is the environment for terraform in dir: the inherited one without
// any AWS_, TF_ or CHECKPOINT_ variable, then extra (moto's Env()), and a
// CLI config written into dir. With mirror set, providers come from it
// only.
func Env(t testing.TB, dir, mirror string, extra ...string) []string {
	t.Helper()
	rc := "disable_checkpoint = true\n"
	if mirror != "" {
		rc += "provider_installation {\n  filesystem_mirror {\n    path = " + strconv.Quote(mirror) + "\n  }\n}\n"
	}
	path := filepath.Join(dir, ".terraformrc-test")
	if err := os.WriteFile(path, []byte(rc), 0o644); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") || strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "CHECKPOINT_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, extra...)
	return append(env, "TF_CLI_CONFIG_FILE="+path, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
}

// Command is terraform args in dir with env.
func Command(ctx context.Context, t testing.TB, dir string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(ctx, Bin(t), args...)
	cmd.Dir = dir
	cmd.Env = env
	return cmd
}

// Run runs terraform and returns its combined output; it fails t when
// terraform fails.
func Run(t testing.TB, dir string, env []string, args ...string) string {
	t.Helper()
	out, err := Try(t, dir, env, args...)
	if err != nil {
		t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// Try runs terraform and returns its output and error (an *exec.ExitError
// when it ran and failed), with a generous guard against hangs.
func Try(t testing.TB, dir string, env []string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := Command(ctx, t, dir, env, args...).CombinedOutput()
	return string(out), err
}
