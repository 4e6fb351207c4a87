package adopt

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/stackctl/stackctl/internal/drift/tftest"
	"github.com/stackctl/stackctl/internal/testutil/moto"
)

var updateFixtures = flag.Bool("update-fixtures", false, "rewrite testdata/fixtures from a live run on the emulator")

const oobSecret = "adopt-fixture-secret"

var envTags = map[string]string{"Project": "adopty", "Environment": "dev"}

// TestLiveDiscoverAndImport: resources made outside Terraform with the
// environment's tags (a security group in the unit's VPC, an SSM
// SecureString), a policy attached by hand to the unit's role and a rule
// added by hand to its security group are discovered; their import blocks
// are written, the configuration terraform generates is repaired (the
// secret becomes a variable), the plan only imports, and after the apply
// plan is a no-op and destroy succeeds.
func TestLiveDiscoverAndImport(t *testing.T) {
	if testing.Short() {
		t.Skip("applies a module on the AWS emulator; the fixtures cover -short")
	}
	srv := moto.Start(t)
	tf := tftest.New(t, srv)
	dir := tftest.CopyDir(t, filepath.Join("testdata", "unit"))
	tf.Must(t, dir, []string{"init", "-input=false"})
	tf.Must(t, dir, []string{"apply", "-auto-approve", "-input=false"})
	cfg := srv.AWSConfig(t)
	ctx := context.Background()

	managed := stateManaged(t, tf, dir, "network")
	vpc, sgApp := managedID(t, managed, "aws_vpc.main"), managedID(t, managed, "aws_security_group.app")
	ec2c := ec2.NewFromConfig(cfg)
	sg, err := ec2c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		GroupName: aws.String("adopty-extra"), Description: aws.String("made in the console"), VpcId: aws.String(vpc),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroup, Tags: ec2Tags(envTags)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String("/adopty/dev/partner-key"), Type: ssmtypes.ParameterTypeSecureString, Value: aws.String(oobSecret),
		Tags: []ssmtypes.Tag{{Key: aws.String("Project"), Value: aws.String("adopty")}, {Key: aws.String("Environment"), Value: aws.String("dev")}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := iam.NewFromConfig(cfg).AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("adopty-task"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ec2c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(sgApp), IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), CidrIp: aws.String("0.0.0.0/0")}); err != nil {
		t.Fatal(err)
	}

	// The database unit manages the environment's parameters (not in this
	// test's AWS, only in its list of states).
	all := append(managed, Managed{Unit: "database", Address: "aws_ssm_parameter.password", Type: "aws_ssm_parameter", ID: "/adopty/dev/password"})
	found, err := Discover(ctx, cfg, DiscoverOptions{Tags: envTags, UnitTag: "Unit", Managed: all})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	var imps []Import
	for _, u := range found {
		got[u.Type] = u.ID + " → " + u.Unit + " " + u.Address
		a, err := ParseAddress(u.Address)
		if err != nil {
			t.Fatal(err)
		}
		imps = append(imps, Import{To: a, ID: u.ID})
	}
	want := map[string]string{
		"aws_security_group":                  aws.ToString(sg.GroupId) + " → network aws_security_group.adopty_extra",
		"aws_ssm_parameter":                   "/adopty/dev/partner-key → database aws_ssm_parameter.partner_key",
		"aws_iam_role_policy_attachment":      "adopty-task/arn:aws:iam::aws:policy/ReadOnlyAccess → network aws_iam_role_policy_attachment.adopty_task_readonlyaccess",
		"aws_vpc_security_group_ingress_rule": "",
	}
	for k, w := range want {
		if k == "aws_vpc_security_group_ingress_rule" {
			if !strings.HasPrefix(got[k], "sgr-") || !strings.HasSuffix(got[k], " → network aws_vpc_security_group_ingress_rule.app_tcp_22") {
				t.Errorf("%s: got %q", k, got[k])
			}
			continue
		}
		if got[k] != w {
			t.Errorf("%s: got %q, want %q", k, got[k], w)
		}
	}
	if len(found) != len(want) {
		t.Fatalf("discovered %d resources, want %d: %v", len(found), len(want), got)
	}

	// Adopt them all into this unit folder.
	if _, err := WriteImports(dir, imps); err != nil {
		t.Fatal(err)
	}
	declared, err := Declared(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range imps {
		if !declared.NeedsConfig(imp.To) {
			t.Fatalf("%s: needs generated configuration", imp.To)
		}
	}
	gen := GeneratedFile(dir, "imports")
	out, code := tf.Run(t, dir, "plan", "-input=false", "-generate-config-out="+gen, "-out=import.tfplan")
	if code == 0 {
		t.Logf("terraform now generates a valid SSM parameter; the repair still must not break it:\n%s", out)
	}
	generated, err := os.ReadFile(filepath.Join(dir, gen))
	if err != nil {
		t.Fatalf("terraform wrote no %s: %v\n%s", gen, err, out)
	}
	schemaJSON := tf.Must(t, dir, []string{"providers", "schema", "-json"})
	var schemas tfjson.ProviderSchemas
	if err := json.Unmarshal([]byte(schemaJSON), &schemas); err != nil {
		t.Fatal(err)
	}
	validate, _ := tf.Run(t, dir, "validate", "-json")
	var vo tfjson.ValidateOutput
	if err := json.Unmarshal([]byte(validate), &vo); err != nil {
		t.Fatalf("terraform validate -json: %v\n%s", err, validate)
	}
	rep, err := Repair(gen, generated, RepairOptions{Schemas: &schemas, Diagnostics: vo.Diagnostics})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Variables) != 1 || rep.Variables[0].Name != "partner_key_value" || rep.Variables[0].Address != "aws_ssm_parameter.partner_key" {
		t.Fatalf("variables: %+v", rep.Variables)
	}
	if err := os.WriteFile(filepath.Join(dir, gen), rep.Src, 0o644); err != nil {
		t.Fatal(err)
	}
	if *updateFixtures {
		writeFixture(t, "generated.tf", generated)
		writeFixture(t, "schema.json", trimSchemas(t, &schemas, "aws_security_group", "aws_ssm_parameter", "aws_iam_role_policy_attachment", "aws_vpc_security_group_ingress_rule"))
	}

	// A wrong value for the secret: the plan imports, then changes it.
	tf.Must(t, dir, []string{"plan", "-input=false", "-out=wrong.tfplan", "-var", "partner_key_value=not-the-value"})
	wrongRaw, wrong := tf.Show(t, dir, "wrong.tfplan")
	c := CheckPlan(wrong, imps)
	if c.OK || !strings.Contains(strings.Join(c.Problems(), "\n"), "aws_ssm_parameter.partner_key: value: the object has (sensitive)") {
		t.Fatalf("a plan that changes the secret must be refused: %+v", c.Problems())
	}

	// The user sets the real value: the plan imports and changes nothing.
	tf.Env = append(tf.Env, "TF_VAR_partner_key_value="+oobSecret)
	tf.Must(t, dir, []string{"plan", "-input=false", "-out=import.tfplan"})
	okRaw, okPlan := tf.Show(t, dir, "import.tfplan")
	if c := CheckPlan(okPlan, imps); !c.OK {
		t.Fatalf("the import plan should only import: %v\n%s", c.Problems(), rep.Src)
	}
	if *updateFixtures {
		writeFixture(t, "plan-wrong-secret.json", wrongRaw)
		writeFixture(t, "plan-import.json", okRaw)
	}
	tf.Must(t, dir, []string{"apply", "-input=false", "import.tfplan"})
	tf.Must(t, dir, []string{"plan", "-input=false", "-detailed-exitcode"})
	// The hand-attached policy is managed now: the role can be destroyed.
	tf.Must(t, dir, []string{"destroy", "-auto-approve", "-input=false"})
}

func ec2Tags(m map[string]string) []ec2types.Tag {
	var out []ec2types.Tag
	for _, k := range sortedKeys(m) {
		out = append(out, ec2types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

// stateManaged lists the unit's state as Managed, the way the engine
// builds it from each resource instance's attributes.
func stateManaged(t *testing.T, tf *tftest.Terraform, dir, unit string) []Managed {
	t.Helper()
	out := tf.Must(t, dir, []string{"show", "-json"})
	var st tfjson.State
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	var ms []Managed
	for _, r := range st.Values.RootModule.Resources {
		if r.Mode == tfjson.ManagedResourceMode {
			ms = append(ms, ManagedFrom(unit, r.Address, r.Type, r.AttributeValues))
		}
	}
	return ms
}

func managedID(t *testing.T, ms []Managed, addr string) string {
	t.Helper()
	for _, m := range ms {
		if m.Address == addr {
			return m.ID
		}
	}
	t.Fatalf("%s is not in the state", addr)
	return ""
}

// trimSchemas keeps the schemas of a few resource types: the provider's
// whole schema is 13 MB.
func trimSchemas(t *testing.T, s *tfjson.ProviderSchemas, types ...string) []byte {
	t.Helper()
	out := &tfjson.ProviderSchemas{FormatVersion: s.FormatVersion, Schemas: map[string]*tfjson.ProviderSchema{}}
	for name, p := range s.Schemas {
		kept := &tfjson.ProviderSchema{ResourceSchemas: map[string]*tfjson.Schema{}}
		for _, typ := range types {
			if rs := p.ResourceSchemas[typ]; rs != nil {
				kept.ResourceSchemas[typ] = rs
			}
		}
		out.Schemas[name] = kept
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFixture(t *testing.T, name string, b []byte) {
	t.Helper()
	p := filepath.Join("testdata", "fixtures", name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(name, ".json") && strings.HasPrefix(name, "plan") {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		m["timestamp"] = "2025-01-01T00:00:00Z"
		var err error
		if b, err = json.MarshalIndent(m, "", " "); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
