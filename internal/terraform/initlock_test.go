package terraform

import (
	"os"
	"path/filepath"
	"testing"
)

// Which inits may share the plugin cache: those that cannot install into
// it.
func TestReadOnlyInit(t *testing.T) {
	const platform = "linux_amd64"
	cache := t.TempDir()
	lock := `provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.100.0"
  constraints = "~> 5.100"
  hashes = ["h1:x"]
}
`
	write := func(dir, name, body string) {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	lockFile := filepath.Join(dir, LockFile)
	if lockedProvidersCached(lockFile, cache, platform) {
		t.Error("no lock file: init resolves and may install")
	}
	write(dir, LockFile, lock)
	if lockedProvidersCached(lockFile, cache, platform) {
		t.Error("the cache lacks aws 5.100.0: init installs it")
	}
	if err := os.MkdirAll(filepath.Join(cache, "registry.terraform.io", "hashicorp", "aws", "5.100.0", "darwin_arm64"), 0o755); err != nil {
		t.Fatal(err)
	}
	if lockedProvidersCached(lockFile, cache, platform) {
		t.Error("cached for another platform only: init installs it")
	}
	if err := os.MkdirAll(filepath.Join(cache, "registry.terraform.io", "hashicorp", "aws", "5.100.0", platform), 0o755); err != nil {
		t.Fatal(err)
	}
	if !lockedProvidersCached(lockFile, cache, platform) {
		t.Error("every locked provider is cached: init only links")
	}
	write(dir, LockFile, lock+`provider "registry.terraform.io/hashicorp/random" {
  version = "3.6.0"
}
`)
	if lockedProvidersCached(lockFile, cache, platform) {
		t.Error("random is not cached")
	}
	write(dir, LockFile, "provider {")
	if lockedProvidersCached(lockFile, cache, platform) {
		t.Error("an unreadable lock file counts as missing")
	}

	for body, needs := range map[string]bool{
		`resource "terraform_data" "x" {}`:                        false,
		`output "x" { value = 1 }`:                                false,
		`resource "aws_s3_bucket" "x" {}`:                         true,
		`data "terraform_remote_state" "x" { backend = "local" }`: false,
		`module "m" { source = "./m" }`:                           true,
		`provider "aws" {}`:                                       true,
		"terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\" }\n  }\n}": true,
		"terraform {\n  required_version = \">= 1.5\"\n}":                                       false,
	} {
		m := t.TempDir()
		write(m, "main.tf", body)
		info, err := inspectModule(m)
		if err != nil {
			t.Fatal(err)
		}
		if info.NeedsProviders != needs {
			t.Errorf("%q: NeedsProviders = %v, want %v", body, info.NeedsProviders, needs)
		}
	}
	// stackctl's own backend file is JSON and needs none.
	m := t.TempDir()
	write(m, "main.tf", `resource "terraform_data" "x" {}`)
	write(m, "stackctl_backend.tf.json", `{"terraform": {"backend": {"s3": {"bucket": "b"}}}}`)
	if info, err := inspectModule(m); err != nil || info.NeedsProviders {
		t.Errorf("terraform_data with a JSON backend file: NeedsProviders = %v, %v", info.NeedsProviders, err)
	}
	write(m, "providers.tf.json", `{"terraform": {"required_providers": {"aws": {"source": "hashicorp/aws"}}}}`)
	if info, err := inspectModule(m); err != nil || !info.NeedsProviders {
		t.Errorf("required_providers in JSON: NeedsProviders = %v, %v", info.NeedsProviders, err)
	}
}
