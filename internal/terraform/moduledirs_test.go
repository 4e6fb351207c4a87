package terraform

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/stackctl/stackctl/internal/testutil"
)

// TestLocalModuleDirs follows local module calls through several levels
// and back (a cycle ends the walk), in HCL and JSON, and leaves registry
// calls out.
func TestLocalModuleDirs(t *testing.T) {
	root := testutil.WriteTree(t, map[string]string{
		"modules/app/main.tf": `
module "net" { source = "../net" }
module "reg" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}
module "inner" { source = "./inner" }
`,
		"modules/app/inner/main.tf":    `module "back" { source = "../../app" }`,
		"modules/net/main.tf":          `resource "terraform_data" "x" {}`,
		"modules/net/call.tf.json":     `{"module": {"common": {"source": "../common"}}}`,
		"modules/common/main.tf":       `module "missing" { source = "../gone" }`,
		"modules/unrelated/main.tf":    `resource "terraform_data" "y" {}`,
		"modules/app/broken/broken.tf": `module "x" {`,
	})
	got, err := LocalModuleDirs(filepath.Join(root, "modules", "app"))
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, d := range got {
		r, _ := filepath.Rel(root, d)
		rel = append(rel, filepath.ToSlash(r))
	}
	want := []string{"modules/app/inner", "modules/common", "modules/gone", "modules/net"}
	if !slices.Equal(rel, want) {
		t.Fatalf("LocalModuleDirs = %v, want %v", rel, want)
	}
	if _, err := LocalModuleDirs(filepath.Join(root, "nope")); err == nil {
		t.Fatal("an unreadable module folder is not an error")
	}
}
