package terraform

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/testutil"
)

// The provider schemas are read from terraform once per lock file, then
// from the cache.
func TestProvidersSchemaCache(t *testing.T) {
	if testing.Short() {
		t.Skip("runs terraform with the AWS provider; skipped with -short")
	}
	t.Parallel()
	mirror := os.Getenv("STACKCTL_PROVIDER_MIRROR")
	if mirror == "" {
		mirror = "/opt/tf-plugins"
	}
	if _, err := os.Stat(filepath.Join(mirror, "registry.terraform.io", "hashicorp", "aws")); err != nil {
		t.Fatalf("this test needs hashicorp/aws 5.100.0 in the filesystem mirror %s (or set STACKCTL_PROVIDER_MIRROR)", mirror)
	}
	root := t.TempDir()
	unitDir := filepath.Join(root, "live", "dev", "app")
	if err := os.MkdirAll(unitDir, 0o755); err != nil {
		t.Fatal(err)
	}
	main := "terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\", version = \"5.100.0\" }\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(unitDir, "main.tf"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := NewSession(ctx, SessionOptions{RootDir: root, PluginCacheDir: filepath.Join(root, ".stackctl", "plugins"), Mirror: mirror, Offline: true, Environ: append(os.Environ(), "CHECKPOINT_DISABLE=1")})
	if err != nil {
		t.Fatalf("%v (these tests need terraform 1.11 on PATH)", err)
	}
	u := &config.Unit{
		Path: "app", Name: "app", Dir: unitDir, File: filepath.Join(unitDir, "unit.hcl"),
		Source:  config.Source{None: true, Local: true},
		Backend: config.Backend{Type: config.BackendLocal, Config: map[string]cty.Value{"path": cty.StringVal(filepath.Join(root, "state", "terraform.tfstate"))}},
	}
	out := &testutil.SyncBuffer{}
	wd, err := s.Prepare(ctx, "dev", u, out)
	if err != nil {
		t.Fatal(err)
	}
	defer wd.Close()
	if _, err := wd.EnsureInit(ctx, true); err != nil {
		t.Fatalf("init: %v\n%s", err, out.String())
	}
	first, err := wd.ProvidersSchema(ctx)
	if err != nil {
		t.Fatalf("providers schema: %v\n%s", err, out.String())
	}
	aws := first.Schemas["registry.terraform.io/hashicorp/aws"]
	if aws == nil || aws.ResourceSchemas["aws_security_group"] == nil || aws.DataSourceSchemas != nil {
		t.Fatalf("want the AWS provider's resource schemas only, got %d providers", len(first.Schemas))
	}
	caches, _ := filepath.Glob(filepath.Join(s.CacheDir, "schemas", "*.json"))
	if len(caches) != 1 {
		t.Fatalf("cache files: %v", caches)
	}
	// The next read is the cache's: make it recognisable.
	trimmed := &tfjson.ProviderSchemas{FormatVersion: first.FormatVersion, Schemas: map[string]*tfjson.ProviderSchema{
		"registry.terraform.io/hashicorp/aws": {ResourceSchemas: map[string]*tfjson.Schema{"aws_vpc": aws.ResourceSchemas["aws_vpc"]}},
	}}
	data, _ := json.Marshal(trimmed)
	if err := os.WriteFile(caches[0], data, 0o644); err != nil {
		t.Fatal(err)
	}
	second, err := wd.ProvidersSchema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(second.Schemas["registry.terraform.io/hashicorp/aws"].ResourceSchemas); n != 1 {
		t.Errorf("the second read has %d resource schemas: it did not come from the cache", n)
	}
}
