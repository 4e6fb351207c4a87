package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// import of terraform_data objects: into a resource block that exists,
// with generated configuration, asked on a terminal, and refused when the
// plan does more than import; bad arguments write nothing.
func TestImport(t *testing.T) {
	dir := appliedTree(t)
	write := func(rel, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, rel), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--unit", "app", "terraform_data.x"}, "import needs ADDRESS and ID"},
		{[]string{"terraform_data.x", "id"}, "import adopts into one unit: name it with --unit UNIT"},
		{[]string{"--unit", "app", "not an address", "id"}, "not an address"},
		{[]string{"--unit", "app", "terraform_data.x", " "}, "the resource ID is empty"},
		{[]string{"--discover", "--unit", "app", "terraform_data.x", "id"}, "import --discover takes no ADDRESS or ID"},
		{[]string{"--discover", "--auto-approve"}, "--auto-approve goes with an import of ADDRESS ID"},
		{[]string{"--write", "--unit", "app", "terraform_data.x", "id"}, "--write goes with --discover"},
		{[]string{"--unit", "*", "terraform_data.x", "id", "--auto-approve"}, "import adopts into one unit; --unit * selects 2: net, app"},
		{[]string{"--unit", "app", "terraform_data.x", "id"}, "import needs --auto-approve"},
	} {
		r := mustRun(t, dir, 1, append([]string{"import", "dev"}, bad.args...)...)
		has(t, "import "+bad.want, r.err, bad.want)
	}
	r := mustRun(t, dir, 1, "import", "dev", "--unit", "app", "terraform_data.x", "id", "--", "-lock=false")
	has(t, "import with terraform arguments", r.err, "import takes no terraform arguments")
	if _, err := os.Stat(filepath.Join(dir, "live/dev/app/imports.tf")); err == nil {
		t.Fatal("a refused import wrote imports.tf")
	}

	// The block exists and sets nothing the object lacks: imported.
	write("live/dev/app/extra.tf", "resource \"terraform_data\" \"adopted\" {}\n")
	r = mustRun(t, dir, 0, "import", "dev", "--unit", "app", "terraform_data.adopted", "some-id", "--auto-approve")
	has(t, "import", r.out, "app: import terraform_data.adopted ← some-id", "wrote live/dev/app/imports.tf", "plan: changes nothing else",
		"app   succeeded  0    0       0", "imported", "import dev: 1 succeeded")
	has(t, "imports.tf", readFile(t, filepath.Join(dir, "live/dev/app/imports.tf")), "terraform_data.adopted", `"some-id"`)

	// No block: terraform generates one; --json is the report alone.
	r = mustRun(t, dir, 0, "import", "dev", "--unit", "net", "terraform_data.fresh", "other-id", "--json", "--auto-approve")
	var rep struct {
		Unit     string `json:"unit"`
		Applied  bool   `json:"applied"`
		Adoption struct {
			Generated string `json:"generated"`
		} `json:"adoption"`
	}
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil || rep.Unit != "net" || !rep.Applied || rep.Adoption.Generated != "generated_terraform_data_fresh.tf" {
		t.Errorf("import --json: %v %+v\n%s", err, rep, r.out)
	}

	// Asked on a terminal.
	r = mustRunWith(t, dir, invocation{tty: true, stdin: "no\n"}, 1, "import", "dev", "--unit", "net", "terraform_data.fresh2", "id2")
	has(t, "import answered no", r.err, "Do you want to import terraform_data.fresh2 (ID id2) into net of dev? The plan changes nothing else.", "import cancelled")
	r = mustRunWith(t, dir, invocation{tty: true, stdin: "yes\n"}, 0, "import", "dev", "--unit", "net", "terraform_data.fresh2", "id2")
	has(t, "import answered yes", r.out, "import dev: 1 succeeded")

	r = mustRun(t, dir, 0, "state", "list", "dev")
	has(t, "state list after the imports", r.out, "terraform_data.adopted  some-id", "terraform_data.fresh   other-id", "terraform_data.fresh2  id2")

	// A block that sets what the imported object lacks: the plan does
	// more than import, nothing is imported, the files stay for review.
	write("live/dev/app/more.tf", "resource \"terraform_data\" \"differs\" {\n  input = \"x\"\n}\n")
	r = mustRun(t, dir, 1, "import", "dev", "--unit", "app", "terraform_data.differs", "third-id", "--auto-approve")
	has(t, "import that changes more", r.out, `terraform_data.differs: input: the object has null, the configuration says "x"`)
	has(t, "import that changes more", r.err, "app: not imported: the plan does more than import terraform_data.differs (see above); the files are left for review: live/dev/app/imports.tf")
	r = mustRun(t, dir, 1, "import", "dev", "--unit", "app", "terraform_data.differs", "third-id", "--auto-approve", "--json")
	has(t, "import --json that changes more", r.out, `"applied": false`)

	// A unit whose plan fails: nothing imported, the log named.
	write("live/dev/app/broken.tf", "resource \"terraform_data\" \"broken\" {\n  input = var.nosuch\n}\n")
	r = mustRun(t, dir, 1, "import", "dev", "--unit", "app", "terraform_data.other", "fourth-id", "--auto-approve")
	has(t, "import into a broken unit", r.err, "app: nothing was imported:", "the full output is in")
}
