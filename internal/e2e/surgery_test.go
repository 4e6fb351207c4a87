package e2e

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// listed is `state list --json`.
type listed []struct {
	Unit      string `json:"unit"`
	Exists    bool   `json:"exists"`
	Serial    uint64 `json:"serial"`
	Lineage   string `json:"lineage"`
	Resources []struct {
		Address string `json:"address"`
		ID      string `json:"id"`
	} `json:"resources"`
}

func statesOf(tr *tree, args ...string) map[string]struct {
	Exists  bool
	Serial  uint64
	Lineage string
	IDs     map[string]string
} {
	tr.T.Helper()
	r := tr.Must(0, append([]string{"state", "list", "dev", "--json"}, args...)...)
	var l listed
	if err := json.Unmarshal([]byte(r.Stdout), &l); err != nil {
		tr.T.Fatalf("state list --json: %v\n%s", err, r.Stdout)
	}
	out := map[string]struct {
		Exists  bool
		Serial  uint64
		Lineage string
		IDs     map[string]string
	}{}
	for _, u := range l {
		ids := map[string]string{}
		for _, o := range u.Resources {
			ids[o.Address] = o.ID
		}
		out[u.Unit] = struct {
			Exists  bool
			Serial  uint64
			Lineage string
			IDs     map[string]string
		}{u.Exists, u.Serial, u.Lineage, ids}
	}
	return out
}

// mv-unit on S3 state: the folder moves, the unit's and its dependents'
// relative paths are rewritten, the state goes to the new key with its
// lineage, the old key is deleted with its versions kept, and the plan at
// the new path is a no-op. Bad input changes nothing.
func TestMvUnitMovesItsState(t *testing.T) {
	t.Parallel()
	tr, srv, bucket := s3Tree(t, nil)
	c := s3Client(t, srv)
	tr.Must(0, "bootstrap", "dev")
	tr.Must(0, "apply", "dev", "--auto-approve")
	before := statesOf(tr)["database"]

	r := tr.Must(0, "mv-unit", "dev", "database", "data/db", "--dry-run")
	contains(t, "mv-unit --dry-run", r.Stdout, "live/dev/database → live/dev/data/db", "../../../modules/step → ../../../../modules/step",
		"live/dev/service/unit.hcl:3:19  ../database → ../data/db", "Dry run: nothing was locked or changed.")
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"database", "network"}, "there is a unit network already"},
		{[]string{"database", "database/inner"}, "one is inside the other"},
		{[]string{"nosuch", "x"}, `has no unit "nosuch"`},
		{[]string{"database", "../escape"}, "is not a unit path"},
	} {
		r := tr.Must(1, append([]string{"mv-unit", "dev"}, append(bad.args, "--auto-approve")...)...)
		contains(t, "mv-unit "+strings.Join(bad.args, " "), r.Stderr, bad.want)
	}
	must(t, os.MkdirAll(tr.Path("live/dev/data/db"), 0o755))
	r = tr.Must(1, "mv-unit", "dev", "database", "data/db", "--auto-approve")
	contains(t, "mv-unit onto a folder", r.Stderr, "live/dev/data/db exists")
	must(t, os.RemoveAll(tr.Path("live/dev/data")))
	// The new key holds a state already: refused, nothing moved.
	ctx := context.Background()
	doc := `{"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "other", "outputs": {}, "resources": [], "check_results": null}` + "\n"
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("data/db/terraform.tfstate"), Body: strings.NewReader(doc)}); err != nil {
		t.Fatal(err)
	}
	r = tr.Must(1, "mv-unit", "dev", "database", "data/db", "--auto-approve")
	contains(t, "mv-unit onto a state", r.Stderr, "holds a state already", "nothing was changed")
	if _, err := os.Stat(tr.Path("live/dev/database/unit.hcl")); err != nil {
		t.Fatalf("the folder moved although the move was refused: %v", err)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("data/db/terraform.tfstate")}); err != nil {
		t.Fatal(err)
	}

	r = tr.Must(0, "mv-unit", "dev", "database", "data/db", "--auto-approve")
	contains(t, "mv-unit", r.Stdout, "Verified: the plan of data/db: no changes.", "Verified: the plan of service:", "Deleted the old state of database")
	keys := objectKeys(t, c, bucket)
	if !slices.Contains(keys, "data/db/terraform.tfstate") || slices.Contains(keys, "database/terraform.tfstate") {
		t.Errorf("state objects after mv-unit: %v", keys)
	}
	if v := objectVersions(t, c, bucket); !strings.Contains(v, "database/terraform.tfstate@") {
		t.Errorf("the old key's versions are gone: %s", v)
	}
	contains(t, "service/unit.hcl", tr.Read("live/dev/service/unit.hcl"), `path         = "../data/db"`)
	contains(t, "data/db/unit.hcl", tr.Read("live/dev/data/db/unit.hcl"), `source = "../../../../modules/step"`)
	after := statesOf(tr)["data/db"]
	if after.Lineage != before.Lineage || after.Serial != before.Serial+1 || after.IDs["terraform_data.this"] != before.IDs["terraform_data.this"] {
		t.Errorf("state at the new key: %+v, before: %+v", after, before)
	}
	tr.Must(0, "plan", "dev", "--detailed-exitcode")
}

// stepModuleWith is the step module with one more resource, shared, which
// state mv moves between units.
const sharedResource = `
resource "terraform_data" "shared" {
  input = "shared"
}
`

func moveTree(t *testing.T) *tree {
	files := chain()
	files["modules/net/main.tf"] = stepModule + sharedResource
	files["live/dev/network/unit.hcl"] = "source = \"../../../modules/net\"\ninputs = { name = \"network\" }\n"
	files["modules/svc/main.tf"] = stepModule
	files["live/dev/service/unit.hcl"] = strings.Replace(files["live/dev/service/unit.hcl"], "modules/step", "modules/svc", 1)
	return newTree(t, files)
}

// state mv across units: both states locked, the resource moved, the
// configuration change said; without that change the plans disagree and
// everything is put back; with it both plans are no-ops.
func TestStateMvAcrossUnits(t *testing.T) {
	t.Parallel()
	tr := moveTree(t)
	tr.Must(0, "apply", "dev", "--auto-approve")
	before := statesOf(tr)
	id := before["network"].IDs["terraform_data.shared"]

	r := tr.Must(0, "state", "mv", "dev", "network:terraform_data.shared", "service:terraform_data.shared", "--dry-run")
	contains(t, "state mv --dry-run", r.Stdout, "Moves network:terraform_data.shared to service:terraform_data.shared (1 object(s), ID "+id+")",
		"configuration: move the resource block terraform_data.shared from modules/net/main.tf:", "to the configuration of service (modules/svc)")

	// Bad input changes nothing.
	r = tr.Must(1, "state", "mv", "dev", "network:terraform_data.nosuch", "service:terraform_data.nosuch", "--auto-approve")
	contains(t, "state mv of a missing address", r.Stderr, "terraform_data.nosuch is not in the state of network; it holds: terraform_data.shared, terraform_data.this")
	tr.Write(map[string]string{"live/dev/empty/unit.hcl": "source = \"../../../modules/step\"\ninputs = { name = \"empty\" }\n"})
	r = tr.Must(1, "state", "mv", "dev", "empty:terraform_data.this", "service:terraform_data.other", "--auto-approve")
	contains(t, "state mv from a unit without state", r.Stderr, "empty has no state")
	must(t, os.RemoveAll(tr.Path("live/dev/empty")))

	// The configuration not moved yet: verified, refused, put back.
	r = tr.Must(1, "state", "mv", "dev", "network:terraform_data.shared", "service:terraform_data.shared", "--auto-approve")
	contains(t, "state mv before the configuration moved", r.Stderr, "verification failed",
		"network: terraform_data.shared would be created again", "service: terraform_data.shared would be destroyed", "Rolled back: every state and file is as it was")
	if got := statesOf(tr); got["network"].IDs["terraform_data.shared"] != id || got["service"].IDs["terraform_data.shared"] != "" {
		t.Fatalf("states after the refused move: %+v", got)
	}

	tr.Write(map[string]string{"modules/net/main.tf": stepModule, "modules/svc/main.tf": stepModule + sharedResource})
	r = tr.Must(0, "state", "mv", "dev", "network:terraform_data.shared", "service:terraform_data.shared", "--auto-approve")
	contains(t, "state mv", r.Stdout, "configuration: already moved", "Verified: the plan of network: no changes.", "Verified: the plan of service: no changes.")
	after := statesOf(tr)
	if after["service"].IDs["terraform_data.shared"] != id || after["network"].IDs["terraform_data.shared"] != "" {
		t.Errorf("states after the move: %+v", after)
	}
	if after["network"].Lineage != before["network"].Lineage || after["service"].Lineage != before["service"].Lineage {
		t.Errorf("a lineage changed: before %+v after %+v", before, after)
	}
	tr.Must(0, "plan", "dev", "--detailed-exitcode")

	// --write-moved writes the blocks for terraform to do the move back,
	// and no state.
	tr.Write(map[string]string{"modules/net/main.tf": stepModule + sharedResource, "modules/svc/main.tf": stepModule})
	r = tr.Must(0, "state", "mv", "dev", "service:terraform_data.shared", "network:terraform_data.shared", "--write-moved", "--auto-approve")
	contains(t, "state mv --write-moved", r.Stdout, "live/dev/service/stackctl_moved.tf", "live/dev/network/stackctl_moved.tf", "no state is written")
	contains(t, "removed block", tr.Read("live/dev/service/stackctl_moved.tf"), "removed {", "from = terraform_data.shared", "destroy = false")
	contains(t, "import block", tr.Read("live/dev/network/stackctl_moved.tf"), "import {", "to = terraform_data.shared", `id = "`+id+`"`)
	if got := statesOf(tr); got["service"].Serial != after["service"].Serial || got["network"].Serial != after["network"].Serial {
		t.Errorf("--write-moved wrote state: %+v", got)
	}
	tr.Must(0, "apply", "dev", "--auto-approve")
	final := statesOf(tr)
	if final["network"].IDs["terraform_data.shared"] != id || final["service"].IDs["terraform_data.shared"] != "" {
		t.Errorf("after applying the moved blocks: %+v", final)
	}
}

// restore brings back the chosen backup, as a transaction (the current
// state backed up, the lineage kept, the serial advanced).
func TestStateRestoreBringsBackABackup(t *testing.T) {
	t.Parallel()
	tr := newTree(t, chain())
	tr.Must(0, "apply", "dev", "--auto-approve", "--unit", "network")
	first := statesOf(tr, "--unit", "network")["network"]
	tr.Write(map[string]string{"live/dev/network/unit.hcl": "source = \"../../../modules/step\"\ninputs = { name = \"network\" } # v1\n"})
	tr.Must(0, "rename-app", "dev", "--unit", "network", "--from", "network", "--to", "net", "--auto-approve", "--allow-update")
	renamed := statesOf(tr, "--unit", "network")["network"]

	r := tr.Must(0, "state", "backups", "dev", "--unit", "network", "--json")
	var bks []struct {
		Backups []struct {
			Name   string `json:"name"`
			Serial uint64 `json:"serial"`
		} `json:"backups"`
	}
	must(t, json.Unmarshal([]byte(r.Stdout), &bks))
	if len(bks) != 1 || len(bks[0].Backups) != 1 || bks[0].Backups[0].Serial != first.Serial {
		t.Fatalf("backups: %s", r.Stdout)
	}
	r = tr.Must(1, "state", "restore", "dev", "--unit", "network", "nosuch.tfstate", "--auto-approve")
	contains(t, "restore of a missing backup", r.Stderr, `no backup "nosuch.tfstate"`, bks[0].Backups[0].Name)
	r = tr.Must(1, "state", "restore", "dev", "--unit", "network", bks[0].Backups[0].Name)
	contains(t, "restore without a terminal", r.Stderr, "needs --auto-approve")

	r = tr.Must(0, "state", "restore", "dev", "--unit", "network", bks[0].Backups[0].Name, "--auto-approve")
	contains(t, "restore", r.Stdout, "restores "+bks[0].Backups[0].Name, "Verified: the plan of network:")
	back := statesOf(tr, "--unit", "network")["network"]
	if back.Lineage != first.Lineage || back.Serial != renamed.Serial+1 || back.IDs["terraform_data.this"] != first.IDs["terraform_data.this"] {
		t.Errorf("restored state %+v; first %+v renamed %+v", back, first, renamed)
	}
	r = tr.Must(0, "output", "dev", "--unit", "network", "--json")
	contains(t, "outputs after restore", r.Stdout, `"value": "network()"`)
}

// A lock held by someone else: named, with since when, and nothing
// changes.
func TestSurgeryRefusesAHeldLock(t *testing.T) {
	t.Parallel()
	files := chain()
	files["live/dev/slow/unit.hcl"] = "source = \"../../../modules/step\"\ninputs = { name = \"slow\", sleep = 20 }\n"
	tr := newTree(t, files)
	tr.Must(0, "apply", "dev", "--auto-approve", "--unit", "slow")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// Replaced, the resource runs its 20 s provisioner again, holding the lock.
	apply, out, errOut := tr.Command(ctx, "apply", "dev", "--unit", "slow", "--auto-approve", "--stream", "--", "-replace=terraform_data.this")
	must(t, apply.Start())
	waitFor(t, apply, out, "Provisioning with 'local-exec'")
	r := tr.Must(1, "rename-app", "dev", "--unit", "slow", "--from", "slow", "--to", "quick", "--auto-approve")
	contains(t, "rename-app under a lock", r.Stderr, "the state of slow is locked by", " since ", "(apply, terraform", "nothing was changed")
	if err := apply.Wait(); err != nil {
		t.Fatalf("apply: %v\n%s\n%s", err, out, errOut)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
