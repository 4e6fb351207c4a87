package drift

import (
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

const partnerKey = "partner-key-made-in-the-console"

// TestDiscoverWriteAndImport: two security groups (one admitting the
// other, which admits the unit's own) and an SSM SecureString created
// outside Terraform with the environment's tags, and a policy
// attached by hand to a managed role, are discovered on the units that
// should own them, written there (the secret becomes an input to set),
// imported by the next apply, after which plan is a no-op and discovery
// finds nothing.
func TestDiscoverWriteAndImport(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	cfg := tr.srv.AWSConfig(t)
	cfg.Region = region
	ctx := context.Background()
	units := []string{"--unit", "network", "--unit", "database", "--unit", "access"}

	tr.must(0, "bootstrap", "dev")
	tr.must(0, append([]string{"apply", "dev", "--auto-approve"}, units...)...)

	vpc := outputOf(t, tr, "network", "vpc_id")
	envTags := []ec2types.Tag{{Key: aws.String("Project"), Value: aws.String("driftcheck")}, {Key: aws.String("Environment"), Value: aws.String("dev")}, {Key: aws.String("Name"), Value: aws.String("partner-ingress")}}
	sg, err := ec2.NewFromConfig(cfg).CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("partner-ingress"), Description: aws.String("made in the console"), VpcId: aws.String(vpc),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroup, Tags: envTags}}})
	if err != nil {
		t.Fatal(err)
	}
	// The partner's group admits the managed ECS group, and a second
	// hand-made group admits the partner's: in the generated inline rules
	// (lists of objects) the first becomes a reference to the unit's
	// group (from state), the second to the partner's (imported in the
	// same run).
	ecsGroup := outputOf(t, tr, "network", "ecs_security_group_id")
	envTags[2].Value = aws.String("partner-admin")
	admin, err := ec2.NewFromConfig(cfg).CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("partner-admin"), Description: aws.String("made in the console"), VpcId: aws.String(vpc),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroup, Tags: envTags}}})
	if err != nil {
		t.Fatal(err)
	}
	for group, from := range map[string]string{aws.ToString(sg.GroupId): ecsGroup, aws.ToString(admin.GroupId): aws.ToString(sg.GroupId)} {
		if _, err := ec2.NewFromConfig(cfg).AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(group),
			IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String(from)}}}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/driftcheck/dev/PARTNER_API_KEY"), Type: ssmtypes.ParameterTypeSecureString, Value: aws.String(partnerKey),
		Tags: []ssmtypes.Tag{{Key: aws.String("Project"), Value: aws.String("driftcheck")}, {Key: aws.String("Environment"), Value: aws.String("dev")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := iam.NewFromConfig(cfg).AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(roleName), PolicyArn: aws.String(readOnly)}); err != nil {
		t.Fatal(err)
	}

	want := []string{
		"access aws_iam_role_policy_attachment aws_iam_role_policy_attachment.driftcheck_dev_web_task_readonlyaccess " + roleName + "/" + readOnly,
		"database aws_ssm_parameter aws_ssm_parameter.partner_api_key /driftcheck/dev/PARTNER_API_KEY",
		"network aws_security_group aws_security_group.partner_admin " + aws.ToString(admin.GroupId),
		"network aws_security_group aws_security_group.partner_ingress " + aws.ToString(sg.GroupId),
	}
	if got := discovered(t, tr.must(0, "import", "dev", "--discover", "--json")); !reflect.DeepEqual(got, want) {
		t.Fatalf("discovered:\n%v\nwant\n%v", got, want)
	}
	w := tr.must(0, "import", "dev", "--discover", "--write")
	t.Logf("import --discover --write:\n%s", w.stdout)
	contains(t, "discover --write", w.stdout,
		"wrote infra/live/dev/network/imports.tf, infra/live/dev/network/generated_discovered.tf",
		"wrote infra/live/dev/database/imports.tf, infra/live/dev/database/generated_discovered.tf",
		"input partner_api_key_value NOT SET: set it in the inputs of infra/live/dev/database/unit.hcl", "Set the inputs named above first; then stackctl plan dev shows the imports",
		// Literals that name the unit's own resources become references.
		"repaired aws_iam_role_policy_attachment.driftcheck_dev_web_task_readonlyaccess: role set to aws_iam_role.task.name",
		"repaired aws_security_group.partner_ingress: vpc_id set to aws_vpc.this.id",
		"repaired aws_security_group.partner_ingress: ingress[0].security_groups set to aws_security_group.ecs.id",
		"repaired aws_security_group.partner_admin: ingress[0].security_groups set to aws_security_group.partner_ingress.id")
	noSecret(t, w, partnerKey)

	// The secret terraform cannot read back is set as an input.
	tr.write("infra/live/dev/database/unit.hcl", `source = "../../../modules/database"

inputs = {
  database_url          = sensitive("postgres://app:fixture-secret-initial@db.internal:5432/app")
  partner_api_key_value = sensitive("`+partnerKey+`")
}
`)
	plan := tr.must(0, append([]string{"plan", "dev", "--json"}, units...)...)
	var sum struct {
		Units []struct {
			Unit    string `json:"unit"`
			Changes struct {
				Import, Add, Destroy int
			} `json:"changes"`
		} `json:"units"`
	}
	if err := json.Unmarshal([]byte(plan.stdout), &sum); err != nil {
		t.Fatal(err)
	}
	for _, u := range sum.Units {
		want := 1
		if u.Unit == "network" {
			want = 2
		}
		if u.Changes.Import != want || u.Changes.Add+u.Changes.Destroy != 0 {
			t.Errorf("plan of %s: %+v, want %d imports and nothing added or destroyed", u.Unit, u.Changes, want)
		}
	}
	tr.must(0, append([]string{"apply", "dev", "--auto-approve"}, units...)...)
	tr.must(0, append([]string{"plan", "dev", "--detailed-exitcode"}, units...)...)
	if got := discovered(t, tr.must(0, "import", "dev", "--discover", "--json")); len(got) != 0 {
		t.Errorf("after the imports, discovery still finds %v", got)
	}
}

func discovered(t *testing.T, r result) []string {
	t.Helper()
	var out struct {
		Unmanaged []struct {
			Type, ID, Unit, Address string
		} `json:"unmanaged"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("import --discover --json: %v\n%s", err, r)
	}
	got := []string{}
	for _, u := range out.Unmanaged {
		got = append(got, u.Unit+" "+u.Type+" "+u.Address+" "+u.ID)
	}
	sort.Strings(got)
	return got
}
