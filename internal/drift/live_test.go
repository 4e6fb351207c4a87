package drift

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/stackctl/stackctl/internal/drift/tftest"
	"github.com/stackctl/stackctl/internal/testutil/moto"
)

var updateFixtures = flag.Bool("update-fixtures", false, "rewrite testdata/plans from a live run on the emulator")

// The fixture module's fake secrets: neither may appear in any view.
const (
	secretBefore = "fixture-secret-initial"
	secretAfter  = "fixture-secret-changed-by-hand"
)

// TestLiveDrift applies the fixture module on a private emulator, checks
// that right after the create a refresh-only plan finds only read-back
// noise, makes the out-of-band changes of the lesson with the SDK, and
// reads the refresh-only and normal plans of the real terraform into
// drift. A refresh-only apply (drift --accept) then clears it.
func TestLiveDrift(t *testing.T) {
	if testing.Short() {
		t.Skip("applies a module on the AWS emulator; the fixtures cover -short")
	}
	srv := moto.Start(t)
	tf := tftest.New(t, srv)
	dir := tftest.CopyDir(t, filepath.Join("testdata", "module"))
	tf.Must(t, dir, []string{"init", "-input=false"})
	tf.Must(t, dir, []string{"apply", "-auto-approve", "-input=false"})
	mod, diags := LoadModule(dir)
	if diags.HasErrors() {
		t.Fatal(diags)
	}

	// Right after the create: terraform exits 2, yet nothing drifted.
	ro0raw, ro0 := refreshOnly(t, tf, dir)
	u0, err := Analyze(Input{Unit: "app", RefreshOnly: ro0, Module: mod})
	if err != nil {
		t.Fatal(err)
	}
	if u0.Drifted() || u0.Noise == 0 || len(ro0.ResourceDrift) == 0 {
		t.Fatalf("after create: want only noise (terraform listed %d entries), got %s (noise %d)", len(ro0.ResourceDrift), u0.Summary(), u0.Noise)
	}

	outOfBand(t, srv.AWSConfig(t), ro0)

	roRaw, ro := refreshOnly(t, tf, dir)
	first, err := Analyze(Input{Unit: "app", RefreshOnly: ro, Module: mod})
	if err != nil {
		t.Fatal(err)
	}
	if !first.NeedsPlan() {
		t.Fatalf("without a normal plan the verdicts cannot all be known: %s", first.Summary())
	}
	tf.Must(t, dir, []string{"plan", "-input=false", "-detailed-exitcode", "-out=normal.tfplan"}, 2)
	planRaw, plan := tf.Show(t, dir, "normal.tfplan")
	u, err := Analyze(Input{Unit: "app", RefreshOnly: ro, Plan: plan, Module: mod})
	if err != nil {
		t.Fatal(err)
	}
	checkLessonDrift(t, u)
	checkNoSecrets(t, &Report{Env: "dev", Units: []*Unit{u}})

	if *updateFixtures {
		writeFixture(t, "after-create.json", ro0raw)
		writeFixture(t, "refresh-only.json", roRaw)
		writeFixture(t, "plan.json", planRaw)
	}

	// drift --accept: a refresh-only apply takes reality into state.
	tf.Must(t, dir, []string{"apply", "-refresh-only", "-auto-approve", "-input=false"})
	_, after := refreshOnly(t, tf, dir)
	ua, err := Analyze(Input{Unit: "app", RefreshOnly: after, Module: mod})
	if err != nil {
		t.Fatal(err)
	}
	if ua.Drifted() {
		t.Fatalf("after a refresh-only apply: %s\n%s", ua.Summary(), mustJSON(ua))
	}
}

func refreshOnly(t *testing.T, tf *tftest.Terraform, dir string) ([]byte, *tfjson.Plan) {
	t.Helper()
	// Exit 2 even with nothing but noise: the exit code says nothing.
	tf.Must(t, dir, []string{"plan", "-refresh-only", "-input=false", "-detailed-exitcode", "-out=refresh.tfplan"}, 0, 2)
	return tf.Show(t, dir, "refresh.tfplan")
}

// outOfBand makes the dashboard changes: a service scaled, a secret
// overwritten, a tag added, an ingress rule added, a log group deleted, a
// policy attached to a managed role, and an inline policy rewritten with
// its lists reordered (the same policy: not drift).
func outOfBand(t *testing.T, cfg aws.Config, p *tfjson.Plan) {
	t.Helper()
	ctx := context.Background()
	vpc, sg := stateID(t, p, "aws_vpc.main"), stateID(t, p, "aws_security_group.app")
	ecsc := ecs.NewFromConfig(cfg)
	for svc, n := range map[string]int32{"web": 3, "scaled": 2} {
		if _, err := ecsc.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String("drifty"), Service: aws.String(svc), DesiredCount: aws.Int32(n)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/drifty/dev/api-key"), Type: ssmtypes.ParameterTypeSecureString, Value: aws.String(secretAfter), Overwrite: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	ec2c := ec2.NewFromConfig(cfg)
	if _, err := ec2c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{vpc}, Tags: []ec2types.Tag{{Key: aws.String("CostCenter"), Value: aws.String("1234")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ec2c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(sg), IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), CidrIp: aws.String("0.0.0.0/0")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cloudwatchlogs.NewFromConfig(cfg).DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/drifty/dev/app")}); err != nil {
		t.Fatal(err)
	}
	iamc := iam.NewFromConfig(cfg)
	if _, err := iamc.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("drifty-task"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	reordered := `{"Statement":[{"Resource":"*","Effect":"Allow","Action":["ssm:GetParameters","ssm:GetParameter"]}],"Version":"2012-10-17"}`
	if _, err := iamc.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("drifty-task"), PolicyName: aws.String("read"), PolicyDocument: aws.String(reordered)}); err != nil {
		t.Fatal(err)
	}
}

func stateID(t *testing.T, p *tfjson.Plan, addr string) string {
	t.Helper()
	var id string
	walkState(p.PriorState.Values.RootModule, func(r *tfjson.StateResource) {
		if r.Address == addr {
			id, _ = r.AttributeValues["id"].(string)
		}
	})
	if id == "" {
		t.Fatalf("%s has no id in the plan's prior state", addr)
	}
	return id
}

// writeFixture keeps a plan's JSON with its one run-dependent field fixed.
func writeFixture(t *testing.T, name string, raw []byte) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m["timestamp"] = "2025-01-01T00:00:00Z"
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join("testdata", "plans"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "plans", name), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}
