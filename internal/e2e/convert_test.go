package e2e

import (
	"crypto/sha256"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/testutil/e2e"
)

// The module repository of the live-example fixture: two tags, v0.7.0 and
// v0.8.0 (which adds the mysql port output), as a local git repository,
// since no remote git source can be fetched here. The fixture names
// git::git@github.com:acme/infrastructure-modules.git; the test points
// that at this repository's file:// URL before converting.
var convertModules = map[string]string{
	"modules/mysql/main.tf": `variable "name" { type = string }
variable "instance_class" { type = string }
variable "allocated_storage" { type = number }
variable "storage_type" { type = string }
variable "master_username" { type = string }
resource "terraform_data" "db" {
  input = { name = var.name, class = var.instance_class, storage = var.allocated_storage, type = var.storage_type, user = var.master_username }
}
output "endpoint" { value = "${var.name}.db.internal:3306" }
`,
	"modules/asg-alb-service/main.tf": `variable "name" { type = string }
variable "instance_type" { type = string }
variable "min_size" { type = number }
variable "max_size" { type = number }
variable "server_port" { type = number }
variable "alb_port" { type = number }
variable "db_endpoint" { type = string }
resource "terraform_data" "asg" {
  input = { name = var.name, type = var.instance_type, min = var.min_size, max = var.max_size, ports = [var.server_port, var.alb_port], db = var.db_endpoint }
}
`,
}

func gitRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func moduleRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("this test needs git on PATH (apt-get install git): the fixture's modules come from a local git repository")
	}
	dir := filepath.Join(t.TempDir(), "infrastructure-modules.git")
	write := func(files map[string]string) {
		for rel, content := range files {
			p := filepath.Join(dir, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	gitRun(t, dir, "init", "-q")
	write(convertModules)
	gitRun(t, dir, "add", ".")
	gitRun(t, dir, "commit", "-q", "-m", "v0.7.0")
	gitRun(t, dir, "tag", "v0.7.0")
	write(map[string]string{"modules/mysql/port.tf": "output \"port\" { value = 3306 }\n"})
	gitRun(t, dir, "add", ".")
	gitRun(t, dir, "commit", "-q", "-m", "v0.8.0")
	gitRun(t, dir, "tag", "v0.8.0")
	return dir
}

// copyFixture copies a Terragrunt fixture of internal/convert/testdata,
// with its module repository URL replaced.
func copyFixture(t *testing.T, name, from, to string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	src := filepath.Join(filepath.Dir(file), "..", "convert", "testdata", name)
	dst := filepath.Join(t.TempDir(), name)
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
		return os.WriteFile(filepath.Join(dst, rel), []byte(strings.ReplaceAll(string(b), from, to)), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func treeHashes(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = sha256.Sum256(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Gruntwork's terragrunt-infrastructure-live-example, in its shape (root.hcl,
// account/region/env files, _envcommon, non-prod and prod accounts, qa,
// stage and prod, mysql and webserver-cluster, a module ref per env),
// converted with the real binary: list shows every environment's units,
// render shows exactly the inputs Terragrunt would pass and each env's
// module ref, validate passes on every environment, the files are as
// stackctl fmt writes them, and the Terragrunt files are unchanged.
func TestConvertTerragruntLiveExample(t *testing.T) {
	if _, err := os.Stat("/opt/tf-plugins"); err != nil && os.Getenv("STACKCTL_PROVIDER_MIRROR") == "" {
		t.Fatal("the converted tree generates an aws provider block: validate needs hashicorp/aws 5.100.0 in a filesystem mirror: /opt/tf-plugins, or set STACKCTL_PROVIDER_MIRROR")
	}
	t.Parallel()
	repo := moduleRepo(t)
	tgDir := copyFixture(t, "live-example", "git::git@github.com:acme/infrastructure-modules.git", "git::file://"+repo)
	before := treeHashes(t, tgDir)
	out := filepath.Join(t.TempDir(), "stackctl-live")
	tr := &tree{T: t, Bin: binary, Dir: filepath.Dir(out), Env: e2e.BaseEnv(), Timeout: 10 * 60e9}
	if mirror := os.Getenv("STACKCTL_PROVIDER_MIRROR"); mirror != "" {
		tr.Env = append(tr.Env, "STACKCTL_PROVIDER_MIRROR="+mirror)
	}
	tr.Env = append(tr.Env, emulator(t).Env()...) // render reads dependency state from S3

	r := tr.Must(0, "convert", "terragrunt", tgDir, "--out", out)
	contains(t, "convert output", r.Stdout, "qa         from non-prod/us-east-1/qa: mysql, webserver-cluster",
		"prod       from prod/us-west-2/prod: mysql, webserver-cluster", "Everything was converted.")
	if after := treeHashes(t, tgDir); !reflect.DeepEqual(before, after) {
		t.Fatal("convert changed the Terragrunt tree")
	}
	again := tr.Run("convert", "terragrunt", tgDir, "--out", out)
	if again.Code != 1 || !strings.Contains(again.Stderr, "is not empty") {
		t.Errorf("converting into the same folder again: want exit 1 saying it is not empty\n%s", again)
	}

	// The one step an air-gapped machine adds: where providers come from.
	rootFile := filepath.Join(out, "stackctl.hcl")
	root, err := os.ReadFile(rootFile)
	if err != nil {
		t.Fatal(err)
	}
	root = append(root, "\nproviders {\n  mirror = get_env(\"STACKCTL_PROVIDER_MIRROR\", \"/opt/tf-plugins\")\n}\n"...)
	if err := os.WriteFile(rootFile, root, 0o644); err != nil {
		t.Fatal(err)
	}
	tr.Dir = out
	tr.Must(0, "fmt", "--check") // written as stackctl fmt writes it

	// What the fixture's Terragrunt configuration declares: root.hcl's
	// merge of the account, region and env locals, _envcommon's inputs,
	// the unit's own, and each unit's ?ref=.
	type account struct{ name, id, region string }
	nonProd := account{"non-prod", "111111111111", "us-east-1"}
	prod := account{"prod", "222222222222", "us-west-2"}
	base := func(a account, env string) map[string]any {
		return map[string]any{"account_name": a.name, "aws_account_id": a.id, "aws_region": a.region, "environment": env}
	}
	mysql := func(a account, env, class string, storage float64) map[string]any {
		m := base(a, env)
		for k, v := range map[string]any{"name": "mysql_" + env, "instance_class": class, "allocated_storage": storage, "storage_type": "standard", "master_username": "admin"} {
			m[k] = v
		}
		return m
	}
	web := func(a account, env, typ string, size float64) map[string]any {
		m := base(a, env)
		for k, v := range map[string]any{"name": "webserver-example-" + env, "instance_type": typ, "min_size": size, "max_size": size, "server_port": 8080.0, "alb_port": 80.0, "db_endpoint": nil} {
			m[k] = v
		}
		return m
	}
	type want struct {
		source string
		inputs map[string]any
	}
	src := func(module, ref string) string { return "git::file://" + repo + "//modules/" + module + "?ref=" + ref }
	envs := map[string]map[string]want{
		"qa": {
			"mysql":             {src("mysql", "v0.8.0"), mysql(nonProd, "qa", "db.t3.micro", 20)},
			"webserver-cluster": {src("asg-alb-service", "v0.8.0"), web(nonProd, "qa", "t3.micro", 2)},
		},
		"stage": {
			"mysql":             {src("mysql", "v0.7.0"), mysql(nonProd, "stage", "db.t3.micro", 20)},
			"webserver-cluster": {src("asg-alb-service", "v0.7.0"), web(nonProd, "stage", "t3.micro", 2)},
		},
		"prod": {
			"mysql":             {src("mysql", "v0.7.0"), mysql(prod, "prod", "db.t3.medium", 100)},
			"webserver-cluster": {src("asg-alb-service", "v0.7.0"), web(prod, "prod", "t3.medium", 3)},
		},
	}
	for _, env := range []string{"qa", "stage", "prod"} {
		if got := lines(tr.Must(0, "list", env).Stdout); !reflect.DeepEqual(got, []string{"mysql", "webserver-cluster"}) {
			t.Errorf("list %s: %q", env, got)
		}
		var rendered struct {
			Units []struct {
				Path   string
				Source struct{ Raw string }
				Inputs map[string]struct {
					Value   json.RawMessage
					Unknown bool
				}
				Backend struct{ State string }
			}
		}
		r := tr.Must(0, "render", env, "--json")
		if err := json.Unmarshal([]byte(r.Stdout), &rendered); err != nil {
			t.Fatalf("render %s: %v\n%s", env, err, r)
		}
		if len(rendered.Units) != 2 {
			t.Fatalf("render %s: %d units\n%s", env, len(rendered.Units), r)
		}
		for _, u := range rendered.Units {
			w := envs[env][u.Path]
			if u.Source.Raw != w.source {
				t.Errorf("%s/%s source: got %s, want %s", env, u.Path, u.Source.Raw, w.source)
			}
			got := map[string]any{}
			for name, in := range u.Inputs {
				var v any
				if !in.Unknown {
					if err := json.Unmarshal(in.Value, &v); err != nil {
						t.Fatalf("%s/%s input %s: %v", env, u.Path, name, err)
					}
				}
				got[name] = v
			}
			if !reflect.DeepEqual(got, w.inputs) {
				t.Errorf("%s/%s inputs:\n got %v\nwant %v", env, u.Path, got, w.inputs)
			}
		}
		// Terragrunt's state key was path_relative_to_include()/tf.tfstate.
		tgPath := map[string]string{"qa": "non-prod/us-east-1/qa", "stage": "non-prod/us-east-1/stage", "prod": "prod/us-west-2/prod"}[env]
		bucket := map[string]string{"qa": "acme-tf-state-non-prod-us-east-1", "stage": "acme-tf-state-non-prod-us-east-1", "prod": "acme-tf-state-prod-us-west-2"}[env]
		for _, u := range rendered.Units {
			if want := "s3://" + bucket + "/" + tgPath + "/" + u.Path + "/tf.tfstate"; u.Backend.State != want {
				t.Errorf("%s/%s state: got %s, want %s", env, u.Path, u.Backend.State, want)
			}
		}
		tr.Must(0, "validate", env)
	}
}
