package convert

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/testutil"
)

// A unit's own source may read the root's exposed locals: the local path
// it names is worked out and made relative to the unit.hcl.
func TestSourceFromIncludedLocal(t *testing.T) {
	r := convertTree(t, map[string]string{
		"root.hcl":               "locals {\n  modules = \"../../modules\"\n}\n",
		"modules/vpc/main.tf":    "",
		"dev/env.hcl":            "",
		"dev/vpc/terragrunt.hcl": includeRoot + "terraform {\n  source = \"${include.root.locals.modules}//vpc\"\n}\n",
	})
	unit := fileOf(t, r, "infra/live/dev/vpc/unit.hcl")
	if w := `source = "../../../../`; !strings.Contains(unit, w) || !strings.Contains(unit, `/modules//vpc"`) {
		t.Errorf("unit.hcl's source is not the module's folder made relative:\n%s", unit)
	}
}

// A local source is written the way Terraform reads a local path: with
// ./ in front when it does not already climb with ../ (here the stackctl
// tree is written over the Terragrunt one, so the module stays below the
// unit's folder).
func TestLocalSourceBelowTheUnit(t *testing.T) {
	top := testutil.WriteTree(t, map[string]string{
		"infra/live/dev/env.hcl":            "",
		"infra/live/dev/app/terragrunt.hcl": "terraform {\n  source = \"./mod\"\n}\n",
		"infra/live/dev/app/mod/main.tf":    "",
		"infra/live/dev/up/terragrunt.hcl":  "terraform {\n  source = \"..\"\n}\n",
	})
	res, diags := Convert(Options{Dir: filepath.Join(top, "infra", "live"), Out: top})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	for path, want := range map[string]string{
		"infra/live/dev/app/unit.hcl": `source = "./mod"`,
		"infra/live/dev/up/unit.hcl":  `source = ".."`,
	} {
		if got := fileOf(t, res, path); !strings.Contains(got, want+"\n") {
			t.Errorf("%s lacks %s:\n%s", path, want, got)
		}
	}
}

// remote_state with the local backend is converted (its path is
// stackctl's own), and quoted config keys are worked out.
func TestRemoteStateLocalBackendAndQuotedKeys(t *testing.T) {
	r := convertTree(t, map[string]string{
		"root.hcl": `remote_state {
  backend = "local"
  config = {
    path          = "terraform.tfstate"
    "workspace_dir" = "x"
  }
}
`,
		"dev/env.hcl":            "",
		"dev/app/terragrunt.hcl": includeRoot,
	})
	root := fileOf(t, r, "stackctl.hcl")
	if !strings.Contains(root, "remote_state {\n  backend = \"local\"\n  config = {\n    workspace_dir = \"x\"\n  }\n}") {
		t.Errorf("stackctl.hcl's remote_state:\n%s", root)
	}
	if len(r.NotConverted) != 1 || r.NotConverted[0].Construct != "remote_state config path" {
		t.Errorf("not converted: %v", r.NotConverted)
	}
}

// A local source that is only a subfolder (//vpc) names a subfolder of
// the unit's own folder.
func TestLocalSourceSubfolderOnly(t *testing.T) {
	r := convertTree(t, map[string]string{
		"dev/env.hcl":            "",
		"dev/app/terragrunt.hcl": "terraform {\n  source = \"//vpc\"\n}\n",
		"dev/app/vpc/main.tf":    "",
	})
	unit := fileOf(t, r, "infra/live/dev/app/unit.hcl")
	if !strings.Contains(unit, `/dev/app//vpc"`) {
		t.Errorf("unit.hcl's source is not the unit folder's vpc:\n%s", unit)
	}
}
