package drift

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

const (
	region = "eu-west-1"
	// The database URL's fake secrets: neither may ever be printed.
	secretBefore = "fixture-secret-initial"
	secretAfter  = "fixture-secret-changed-by-hand"
	roleName     = "driftcheck-dev-web-task"
	userName     = "driftcheck-dev-deploy"
	readOnly     = "arn:aws:iam::aws:policy/ReadOnlyAccess"
)

// driftReport is the part of `stackctl drift --json` the tests read.
type driftReport struct {
	Env   string `json:"env"`
	Units []struct {
		Unit      string `json:"unit"`
		Error     string `json:"error"`
		Accepted  bool   `json:"accepted"`
		Backup    string `json:"backup"`
		Resources []struct {
			Address    string `json:"address"`
			Deleted    bool   `json:"deleted"`
			Verdict    string `json:"verdict"`
			Attributes []struct {
				Path    string `json:"path"`
				Before  any    `json:"before"`
				After   any    `json:"after"`
				Verdict string `json:"verdict"`
				Fix     []struct {
					File  string `json:"file"`
					Line  int    `json:"line"`
					Input string `json:"input"`
					To    string `json:"to"`
				} `json:"fix"`
			} `json:"attributes"`
			Adopt []struct {
				Type string `json:"type"`
				ID   string `json:"id"`
			} `json:"adopt"`
		} `json:"resources"`
	} `json:"units"`
}

func readReport(t *testing.T, r result) driftReport {
	t.Helper()
	var rep driftReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("drift --json: %v\n%s", err, r)
	}
	return rep
}

// TestDriftAcceptAndImport is the lesson end to end: the dashboard
// changes (a service scaled, a secret overwritten, a tag added to the VPC,
// an ingress rule added, a log group deleted) each reported on the right
// unit with the right attribute, verdict and place to change instead,
// beside a unit that fails; the human and markdown views; --accept takes
// the drift into state with backups, after which drift finds none. Then
// policies attached by hand: the role's is shown by drift with the import
// that adopts it; the deploy user's makes destroy fail until `import`
// adopts it; a group made by hand is adopted into a unit that takes its
// neighbour's id as an input, and then the whole environment destroys.
func TestDriftAcceptAndImport(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	cfg := tr.srv.AWSConfig(t)
	cfg.Region = region
	ctx := context.Background()

	tr.must(0, "bootstrap", "dev")
	tr.must(0, "apply", "dev", "--auto-approve")

	// The dashboard.
	vpc := outputOf(t, tr, "network", "vpc_id")
	sg := outputOf(t, tr, "network", "ecs_security_group_id")
	if _, err := ecs.NewFromConfig(cfg).UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String("driftcheck-dev"), Service: aws.String("web"), DesiredCount: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/driftcheck/dev/DATABASE_URL"), Type: ssmtypes.ParameterTypeSecureString,
		Value: aws.String("postgres://app:" + secretAfter + "@db.internal:5432/app"), Overwrite: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	ec2c := ec2.NewFromConfig(cfg)
	if _, err := ec2c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{vpc}, Tags: []ec2types.Tag{{Key: aws.String("CostCenter"), Value: aws.String("1234")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ec2c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(sg), IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), CidrIp: aws.String("0.0.0.0/0")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cloudwatchlogs.NewFromConfig(cfg).DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/ecs/driftcheck-dev/web")}); err != nil {
		t.Fatal(err)
	}
	// And a unit that cannot be planned: its input fails the module's
	// validation. It must hide nothing of the others.
	tr.write("infra/live/dev/flags/unit.hcl", "source = \"../../../modules/flags\"\n\ninputs = {\n  rollout_percent = 150\n}\n")

	text := tr.must(1, "drift", "dev", "--unit", "service", "--unit", "flags")
	tr.golden("drift-service-flags.txt", text.stdout)
	contains(t, "drift's stderr", text.stderr, "flags failed; its full output is in")
	md := tr.must(2, "drift", "dev", "--unit", "network", "--format", "markdown")
	tr.golden("drift-network.md", md.stdout)

	// --accept with no one to ask and no --auto-approve: refused at once.
	refused := tr.must(1, "drift", "dev", "--accept")
	contains(t, "drift --accept without a terminal", refused.stderr, "drift --accept needs --auto-approve")

	tr.write("infra/live/dev/flags/unit.hcl", "source = \"../../../modules/flags\"\n")
	acc := tr.must(0, "drift", "dev", "--accept", "--auto-approve", "--json", "--unit", "network", "--unit", "database", "--unit", "service")
	noSecrets(t, acc)
	rep := readReport(t, acc)
	checkLessonDrift(t, rep)
	for _, u := range rep.Units {
		drifted := len(u.Resources) > 0
		if u.Accepted != drifted || drifted && !strings.HasPrefix(u.Backup, ".stackctl/backups/dev/"+u.Unit+"/") {
			t.Errorf("%s: accepted %v, backup %q (drifted %v)", u.Unit, u.Accepted, u.Backup, drifted)
			continue
		}
		if drifted {
			side, err := os.ReadFile(tr.path(u.Backup) + ".json")
			if err != nil || !strings.Contains(string(side), `"operation": "stackctl drift --accept"`) || !strings.Contains(string(side), "s3://driftcheck-tfstate-dev/"+u.Unit+"/terraform.tfstate") {
				t.Errorf("%s: backup sidecar %v:\n%s", u.Unit, err, side)
			}
		}
	}
	tr.must(0, "drift", "dev", "--unit", "service")

	// The dashboard case: a policy attached by hand to a managed role and
	// to a managed user.
	iamc := iam.NewFromConfig(cfg)
	if _, err := iamc.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(roleName), PolicyArn: aws.String(readOnly)}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamc.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(userName), PolicyArn: aws.String(readOnly)}); err != nil {
		t.Fatal(err)
	}
	shown := readReport(t, tr.must(2, "drift", "dev", "--json", "--unit", "access"))
	var drifted []string
	for _, u := range shown.Units {
		for _, r := range u.Resources {
			for _, a := range r.Attributes {
				drifted = append(drifted, u.Unit+" "+r.Address+" "+a.Path+" "+a.Verdict)
			}
			for _, ad := range r.Adopt {
				drifted = append(drifted, "adopt "+ad.Type+" "+ad.ID)
			}
		}
	}
	want := []string{"access aws_iam_role.task managed_policy_arns keeps", "adopt aws_iam_role_policy_attachment " + roleName + "/" + readOnly}
	if !reflect.DeepEqual(drifted, want) {
		t.Errorf("after --accept and the attachment, drift is %v, want %v", drifted, want)
	}
	// The user's blocks the destroy, as on AWS (the provider detaches the
	// role's itself, having read them into managed_policy_arns).
	blocked := tr.must(1, "destroy", "dev", "--unit", "ci", "--auto-approve")
	contains(t, "destroy of ci", blocked.stdout+blocked.stderr, "DeleteConflict")
	attachment := userName + "/" + readOnly

	// import refuses nonsense and writes nothing.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--unit", "ci", "aws_iam_user_policy_attachment", attachment}, "is not a resource address"},
		{[]string{"--unit", "nosuch", "aws_iam_user_policy_attachment.read_only", attachment}, `no unit matches "nosuch"`},
		{[]string{"--unit", "ci", "aws_iam_user_policy_attachment.read_only", userName + "/arn:aws:iam::aws:policy/NoSuchPolicy"}, "nothing was imported"},
	} {
		// The unit folder holds unit.hcl and the lock file init copied
		// back; a refused import adds nothing to it.
		before, _ := os.ReadDir(tr.path("infra/live/dev/ci"))
		r := tr.must(1, append([]string{"import", "dev", "--auto-approve"}, c.args...)...)
		contains(t, "import "+strings.Join(c.args, " "), r.stderr, c.want)
		if entries, _ := os.ReadDir(tr.path("infra/live/dev/ci")); len(entries) != len(before) {
			t.Fatalf("import %v wrote into the unit folder: %v (before: %v)", c.args, entries, before)
		}
	}
	imp := tr.must(0, "import", "dev", "--unit", "ci", "aws_iam_user_policy_attachment.read_only", attachment, "--auto-approve")
	contains(t, "import", imp.stdout,
		"ci: import aws_iam_user_policy_attachment.read_only ← "+attachment,
		"wrote infra/live/dev/ci/imports.tf, infra/live/dev/ci/generated_aws_iam_user_policy_attachment_read_only.tf",
		"repaired aws_iam_user_policy_attachment.read_only: user set to aws_iam_user.deploy.name",
		"plan: imports aws_iam_user_policy_attachment.read_only", "plan: changes nothing else", "import dev: 1 succeeded")
	if !tr.exists("infra/live/dev/ci/imports.tf") || tr.exists("infra/modules/ci/imports.tf") {
		t.Errorf("the import block must be in the unit folder, never the module's")
	}
	// The reference is what makes terraform detach the policy before it
	// deletes the user; with terraform's literal it deletes both at once,
	// and DeleteUser fails whenever it comes first (CI saw it, stop 22).
	generated := tr.read("infra/live/dev/ci/generated_aws_iam_user_policy_attachment_read_only.tf")
	contains(t, "the generated attachment", generated, "user       = aws_iam_user.deploy.name")

	// A group made by hand that admits the ECS tasks' group, adopted into
	// service: the group is network's, which service takes as an input
	// from its dependency, so the literal becomes that input and the
	// destroy (service before network) stays in step with it.
	partner, err := ec2c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("partner-callback"), Description: aws.String("made in the console"), VpcId: aws.String(vpc)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ec2c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: partner.GroupId,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(8443), ToPort: aws.Int32(8443), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String(sg)}}}}}); err != nil {
		t.Fatal(err)
	}
	// The drift accepted above (desired_count, the deleted log group) is
	// reverted first: an import plan that also changes them is refused.
	tr.must(0, "apply", "dev", "--unit", "service", "--auto-approve")
	imp = tr.must(0, "import", "dev", "--unit", "service", "aws_security_group.partner", aws.ToString(partner.GroupId), "--auto-approve")
	contains(t, "import into service", imp.stdout,
		"repaired aws_security_group.partner: ingress[0].security_groups set to var.ecs_security_group_id: the value is the unit's input ecs_security_group_id",
		"plan: imports aws_security_group.partner", "plan: changes nothing else", "import dev: 1 succeeded")
	tr.must(0, "plan", "dev", "--unit", "service", "--detailed-exitcode")
	tr.must(0, "destroy", "dev", "--auto-approve")
}

// checkLessonDrift: every out-of-band change on its unit, with its
// attribute, verdict and, where the next apply reverts it, the place to
// change instead.
func checkLessonDrift(t *testing.T, rep driftReport) {
	t.Helper()
	got := map[string]string{}
	fixes := map[string]string{}
	var adopt []string
	for _, u := range rep.Units {
		for _, r := range u.Resources {
			if r.Deleted {
				got[u.Unit+" "+r.Address+" (deleted)"] = r.Verdict
			}
			for _, a := range r.Attributes {
				before, _ := json.Marshal(a.Before)
				after, _ := json.Marshal(a.After)
				got[u.Unit+" "+r.Address+" "+a.Path] = string(before) + " → " + string(after) + " " + a.Verdict
				for _, f := range a.Fix {
					fixes[u.Unit+" "+r.Address+" "+a.Path] = f.File + " " + f.Input + " " + f.To
				}
			}
			for _, ad := range r.Adopt {
				adopt = append(adopt, u.Unit+" "+ad.Type+" "+ad.ID)
			}
		}
	}
	want := map[string]string{
		`service aws_ecs_service.app["web"] desired_count`:      "1 → 3 reverts",
		`service aws_cloudwatch_log_group.app["web"] (deleted)`: "reverts",
		"database aws_ssm_parameter.database_url value":         `"(sensitive)" → "(sensitive)" reverts`,
		"database aws_ssm_parameter.database_url version":       "1 → 2 keeps",
		"network aws_vpc.this tags.CostCenter":                  `null → "1234" reverts`,
		"network aws_security_group.ecs ingress":                `[] → [{"cidr_blocks":["0.0.0.0/0"],"from_port":22,"protocol":"tcp","to_port":22}] keeps`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("drift:\n got %v\nwant %v", got, want)
	}
	wantFixes := map[string]string{
		`service aws_ecs_service.app["web"] desired_count`: "infra/live/dev/env.hcl web_min_tasks 3",
		"database aws_ssm_parameter.database_url value":    "infra/live/dev/database/unit.hcl database_url ",
		"network aws_vpc.this tags.CostCenter":             "infra/modules/network/main.tf  ",
	}
	if !reflect.DeepEqual(fixes, wantFixes) {
		t.Errorf("fixes:\n got %v\nwant %v", fixes, wantFixes)
	}
	if len(adopt) > 0 {
		t.Errorf("adopt: %v", adopt)
	}
}

func noSecrets(t *testing.T, r result) { t.Helper(); noSecret(t, r, secretBefore, secretAfter) }

func noSecret(t *testing.T, r result, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("a secret was printed:\n%s", r)
		}
	}
}

// outputOf reads one output of a unit through stackctl.
func outputOf(t *testing.T, tr *tree, unit, name string) string {
	t.Helper()
	r := tr.must(0, "output", "dev", "--unit", unit, "--json")
	var outs map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &outs); err != nil {
		t.Fatalf("output: %v\n%s", err, r)
	}
	s, _ := outs[name].Value.(string)
	if s == "" {
		t.Fatalf("%s has no output %s:\n%s", unit, name, r)
	}
	return s
}
