package adopt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// The generated literals that name a resource the unit manages become
// references to it; names that only happen to match stay literals.
func TestRepairRefersToManagedResources(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "fixtures", "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	refs := []Referable{
		{Type: "aws_security_group", Name: "app", Values: map[string]string{"id": "sg-c629032836ce8a335", "name": "adopty-app", "arn": "arn:aws:ec2:us-east-1:123456789012:security-group/sg-c629032836ce8a335"}},
		// An IAM role's id is its name: taken for role, named after the type.
		{Type: "aws_iam_role", Name: "task", Values: map[string]string{"id": "adopty-task", "name": "adopty-task", "arn": "arn:aws:iam::123456789012:role/adopty-task"}},
		{Type: "aws_vpc", Name: "this", Key: cty.StringVal("main"), Values: map[string]string{"id": "vpc-4f989d19de702e65d"}},
		// key_id is not named after aws_kms_alias, and the alias's id is
		// its name: a name that recurs, so the literal stays.
		{Type: "aws_kms_alias", Name: "ssm", Values: map[string]string{"id": "alias/aws/ssm", "name": "alias/aws/ssm"}},
		// The group's own name is never a reference.
		{Type: "aws_ecs_cluster", Name: "extra", Values: map[string]string{"name": "adopty-extra"}},
	}
	r, err := Repair("generated_imports.tf", src, RepairOptions{Schemas: fixtureSchemas(t), Referable: refs})
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, r,
		"security_group_id            = aws_security_group.app.id\n",
		"role       = aws_iam_role.task.name\n",
		`vpc_id                 = aws_vpc.this["main"].id`+"\n",
		`key_id           = "alias/aws/ssm"`,
		`name                   = "adopty-extra"`,
		`policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"`)
	var fixes []string
	for _, f := range r.Fixes {
		if strings.HasPrefix(f.What, "set to aws_") {
			fixes = append(fixes, f.Address+" "+f.Attribute+" "+f.What)
		}
	}
	want := []string{
		"aws_vpc_security_group_ingress_rule.app_tcp_22 security_group_id set to aws_security_group.app.id: the value is that resource's, and the reference orders the two",
		"aws_iam_role_policy_attachment.adopty_task_readonlyaccess role set to aws_iam_role.task.name: the value is that resource's, and the reference orders the two",
		`aws_security_group.adopty_extra vpc_id set to aws_vpc.this["main"].id: the value is that resource's, and the reference orders the two`,
	}
	if strings.Join(fixes, "\n") != strings.Join(want, "\n") {
		t.Errorf("fixes:\n%s\nwant\n%s", strings.Join(fixes, "\n"), strings.Join(want, "\n"))
	}
}

func TestLink(t *testing.T) {
	user := Referable{Type: "aws_iam_user", Name: "deploy", Key: cty.NumberIntVal(0), Values: map[string]string{"id": "ci-deploy", "name": "ci-deploy", "arn": "arn:aws:iam::123456789012:user/ci-deploy"}}
	for _, c := range []struct {
		name, src, want string
		refs            []Referable
	}{
		{"by name, with a count key", `user = "ci-deploy"`, `user = aws_iam_user.deploy[0].name`, []Referable{user}},
		{"by ARN, whatever the attribute", `principal = "arn:aws:iam::123456789012:user/ci-deploy"`, `principal = aws_iam_user.deploy[0].arn`, []Referable{user}},
		{"a name not named after the type", `value = "ci-deploy"`, `value = "ci-deploy"`, []Referable{user}},
		{"a _name attribute named after the type", `log_group_name = "/ecs/app"`, `log_group_name = aws_cloudwatch_log_group.app.name`,
			[]Referable{{Type: "aws_cloudwatch_log_group", Name: "app", Values: map[string]string{"id": "/ecs/app", "name": "/ecs/app"}}}},
		{"two resources carry the value", `vpc_id = "vpc-1"`, `vpc_id = "vpc-1"`,
			[]Referable{{Type: "aws_vpc", Name: "a", Values: map[string]string{"id": "vpc-1"}}, {Type: "aws_vpc", Name: "b", Values: map[string]string{"id": "vpc-1"}}}},
		{"a template is not a literal", `user = "${var.user}"`, `user = "${var.user}"`, []Referable{user}},
		{"an escaped template is", `user = "$${x}"`, `user = aws_iam_user.x.name`, []Referable{{Type: "aws_iam_user", Name: "x", Values: map[string]string{"name": "${x}"}}}},
		{"an empty string names nothing", `user = ""`, `user = ""`, []Referable{{Type: "aws_iam_user", Name: "x", Values: map[string]string{"name": ""}}}},
		{"the resource's own identity", `arn = "arn:aws:iam::123456789012:user/ci-deploy"`, `arn = "arn:aws:iam::123456789012:user/ci-deploy"`, []Referable{user}},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := "resource \"aws_x\" \"y\" {\n  " + c.src + "\n}\n"
			r, err := Repair("generated_x.tf", []byte(src), RepairOptions{Referable: c.refs})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(r.Src), "  "+c.want+"\n") {
				t.Errorf("got\n%s\nwant %s", r.Src, c.want)
			}
			if linked := strings.Contains(c.want, "= aws_"); linked != (len(r.Fixes) == 1) {
				t.Errorf("fixes %+v", r.Fixes)
			}
		})
	}
}

// Lists of literals are linked element by element, and so are the
// attributes of nested blocks; a list with anything but literals is left
// as written.
func TestLinkListsAndBlocks(t *testing.T) {
	refs := []Referable{
		{Type: "aws_subnet", Name: "private", Key: cty.NumberIntVal(0), Values: map[string]string{"id": "subnet-a"}},
		{Type: "aws_subnet", Name: "private", Key: cty.NumberIntVal(1), Values: map[string]string{"id": "subnet-b"}},
		{Type: "aws_security_group", Name: "app", Values: map[string]string{"id": "sg-1", "name": "app"}},
		{Type: "aws_iam_role", Name: "task", Values: map[string]string{"id": "task", "name": "task"}},
	}
	src := `resource "aws_ecs_service" "web" {
  name = "web"
  network_configuration {
    subnets         = ["subnet-a", "subnet-b", "subnet-elsewhere"]
    security_groups = ["sg-1"]
    deeper {
      security_group_ids = ["sg-1", var.extra]
    }
  }
}

resource "aws_iam_policy_attachment" "x" {
  roles = ["task"]
  users = ["task"]
}
`
	r, err := Repair("generated_x.tf", []byte(src), RepairOptions{Referable: refs})
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, r,
		`    subnets         = [aws_subnet.private[0].id, aws_subnet.private[1].id, "subnet-elsewhere"]`+"\n",
		"    security_groups = [aws_security_group.app.id]\n",
		`      security_group_ids = ["sg-1", var.extra]`+"\n",
		"  roles = [aws_iam_role.task.name]\n",
		`  users = ["task"]`+"\n")
	wantLinks(t, r,
		"aws_ecs_service.web network_configuration.security_groups set to aws_security_group.app.id",
		"aws_ecs_service.web network_configuration.subnets set to aws_subnet.private[0].id, aws_subnet.private[1].id",
		"aws_iam_policy_attachment.x roles set to aws_iam_role.task.name")
}

func TestNamedAfter(t *testing.T) {
	for _, c := range []struct {
		attr, typ string
		want      bool
	}{
		{"user", "aws_iam_user", true},
		{"users", "aws_iam_user", true},
		{"user_names", "aws_iam_user", true},
		{"log_group_name", "aws_cloudwatch_log_group", true},
		{"address", "aws_x_address", true},
		{"group", "aws_iam_user", false},
		{"_name", "aws_x_", false},
		{"ser", "aws_iam_user", false},
	} {
		if got := namedAfter(c.attr, c.typ); got != c.want {
			t.Errorf("namedAfter(%q, %q) = %v", c.attr, c.typ, got)
		}
	}
}

// In a list of objects (a security group's inline rules), each object's
// key is the attribute its literals are matched by; the objects keep
// their layout, and a key that is the resource's own identity is not
// linked.
func TestLinkListsOfObjects(t *testing.T) {
	refs := []Referable{
		{Type: "aws_security_group", Name: "ecs", Values: map[string]string{"id": "sg-ecs", "name": "ecs"}},
		{Type: "aws_vpc", Name: "this", Values: map[string]string{"id": "vpc-1"}},
	}
	src := `resource "aws_security_group" "partner" {
  vpc_id = "vpc-1"
  ingress = [{
    cidr_blocks     = []
    description     = "sg-ecs"
    from_port       = 443
    security_groups = ["sg-ecs", "sg-other"]
    self            = false
    to_port         = -1
    }, {
    "security_groups" = ["sg-other"]
    to_port           = null
  }]
  egress = [{
    security_groups = [var.x, "sg-ecs"]
  }]
  revoke = {
    security_groups = ["sg-ecs"]
    negated         = !false
  }
}
`
	r, err := Repair("generated_x.tf", []byte(src), RepairOptions{Referable: refs})
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, r,
		`    security_groups = [aws_security_group.ecs.id, "sg-other"]`+"\n",
		`    description     = "sg-ecs"`+"\n",
		`    "security_groups" = ["sg-other"]`+"\n",
		`    security_groups = [var.x, "sg-ecs"]`+"\n",
		"    security_groups = [\"sg-ecs\"]\n    negated         = !false\n",
		"  vpc_id = aws_vpc.this.id\n")
	wantLinks(t, r,
		"aws_security_group.partner ingress[0].security_groups set to aws_security_group.ecs.id",
		"aws_security_group.partner vpc_id set to aws_vpc.this.id")
}

// Resources generated in the same run refer to each other (their values
// come from the import plan), but never to themselves and never in a
// cycle: the first of two that name each other keeps its reference, the
// second its literal.
func TestLinkSameRun(t *testing.T) {
	refs := []Referable{
		{Type: "aws_security_group", Name: "a", Values: map[string]string{"id": "sg-a", "name": "a"}},
		{Type: "aws_security_group", Name: "b", Values: map[string]string{"id": "sg-b", "name": "b"}},
		{Type: "aws_security_group", Name: "c", Values: map[string]string{"id": "sg-c", "name": "c"}},
	}
	src := `resource "aws_security_group" "a" {
  ingress = [{ security_groups = ["sg-a", "sg-b"] }]
}

resource "aws_security_group" "b" {
  ingress = [{ security_groups = ["sg-c"] }]
}

resource "aws_security_group" "c" {
  ingress = [{ security_groups = ["sg-a"] }]
}
`
	r, err := Repair("generated_x.tf", []byte(src), RepairOptions{Referable: refs})
	if err != nil {
		t.Fatal(err)
	}
	wantLinks(t, r,
		"aws_security_group.a ingress[0].security_groups set to aws_security_group.b.id",
		"aws_security_group.b ingress[0].security_groups set to aws_security_group.c.id")
	if !strings.Contains(string(r.Src), `ingress = [{ security_groups = ["sg-a"] }]`) {
		t.Errorf("c's reference to a would close a cycle:\n%s", r.Src)
	}
}

// A heredoc is left as it is, even when its text is an id.
func TestLinkLeavesHeredocs(t *testing.T) {
	src := "resource \"aws_x\" \"y\" {\n  vpc_id = <<EOT\nvpc-1\nEOT\n}\n"
	r, err := Repair("generated_x.tf", []byte(src), RepairOptions{Referable: []Referable{{Type: "aws_vpc", Name: "this", Values: map[string]string{"id": "vpc-1\n"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Fixes) != 0 || !strings.Contains(string(r.Src), "<<EOT") {
		t.Errorf("fixes %+v:\n%s", r.Fixes, r.Src)
	}
}

// wantLinks: r's fixes, each as "ADDRESS ATTR set to REF" without the
// reason, are want, in order.
func wantLinks(t *testing.T, r *Repaired, want ...string) {
	t.Helper()
	var got []string
	for _, f := range r.Fixes {
		got = append(got, f.Address+" "+f.Attribute+" "+strings.SplitN(f.What, ":", 2)[0])
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("fixes:\n%s\nwant\n%s\nrepaired file:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), r.Src)
	}
}

// A literal no resource of the unit carries, but one of its inputs does
// (another unit's value, passed in from a dependency), becomes var.NAME:
// an id or ARN under any attribute, a whole list of them, and other
// values only under the input's own name. A resource of the unit wins
// over an input, and two inputs with the value leave the literal.
func TestLinkInputs(t *testing.T) {
	inputs := map[string]cty.Value{
		"ecs_security_group_id": cty.StringVal("sg-0123456789abcdef0"),
		"private_subnet_ids":    cty.ListVal([]cty.Value{cty.StringVal("subnet-0aaaaaaaaaaaaaaaa"), cty.StringVal("subnet-0bbbbbbbbbbbbbbbb")}),
		"task_role_arn":         cty.StringVal("arn:aws:iam::123456789012:role/task"),
		"environment":           cty.StringVal("dev"),
		"stage":                 cty.StringVal("dev"),
		"log_level":             cty.StringVal("info"),
		"zones":                 cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}),
		"empty":                 cty.ListValEmpty(cty.String),
		"port":                  cty.NumberIntVal(443),
		"unknown":               cty.UnknownVal(cty.String),
		"own_group_id":          cty.StringVal("sg-0ffffffffffffffff"),
		"vpc_a":                 cty.StringVal("vpc-0cccccccccccccccc"),
		"vpc_b":                 cty.StringVal("vpc-0cccccccccccccccc"),
	}
	refs := []Referable{{Type: "aws_security_group", Name: "own", Values: map[string]string{"id": "sg-0ffffffffffffffff"}},
		{Type: "aws_subnet", Name: "own", Values: map[string]string{"id": "subnet-0dddddddddddddddd"}}}
	inputs["subnet_ids"] = cty.ListVal([]cty.Value{cty.StringVal("subnet-0dddddddddddddddd"), cty.StringVal("subnet-0aaaaaaaaaaaaaaaa")})
	src := `resource "aws_security_group" "extra" {
  name        = "arn:aws:iam::123456789012:role/task"
  description = "sg-0123456789abcdef0"
  vpc_id      = "vpc-0cccccccccccccccc"
  log_level   = "info"
  level       = "info"
  environment = "dev"
  zones       = ["a", "b"]
  empty       = []
  port        = 443
  unknown     = "x"
  ingress = [{
    security_groups = ["sg-0123456789abcdef0", "sg-0ffffffffffffffff"]
    subnets         = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
    role            = "arn:aws:iam::123456789012:role/task"
    log_level       = ["info"]
    subnet_ids      = ["subnet-0dddddddddddddddd", "subnet-0aaaaaaaaaaaaaaaa"]
  }]
}
`
	r, err := Repair("generated_x.tf", []byte(src), RepairOptions{Referable: refs, Inputs: inputs})
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, r,
		`  name        = "arn:aws:iam::123456789012:role/task"`+"\n",
		`  description = "sg-0123456789abcdef0"`+"\n",
		`  vpc_id      = "vpc-0cccccccccccccccc"`+"\n",
		"  log_level   = var.log_level\n",
		`  level       = "info"`+"\n",
		"  environment = var.environment\n", // stage is "dev" too, but not named so
		"  zones       = var.zones\n",
		"  empty       = []\n",
		"  port        = 443\n",
		`  unknown     = "x"`+"\n",
		"    security_groups = [var.ecs_security_group_id, aws_security_group.own.id]\n",
		"    subnets         = var.private_subnet_ids\n",
		"    role            = var.task_role_arn\n",
		`    log_level       = ["info"]`+"\n",
		`    subnet_ids      = [aws_subnet.own.id, "subnet-0aaaaaaaaaaaaaaaa"]`+"\n") // the resource wins over the input's whole list
	wantLinks(t, r,
		"aws_security_group.extra environment set to var.environment",
		"aws_security_group.extra ingress[0].security_groups set to var.ecs_security_group_id",
		"aws_security_group.extra ingress[0].security_groups set to aws_security_group.own.id",
		"aws_security_group.extra ingress[0].subnets set to var.private_subnet_ids",
		"aws_security_group.extra ingress[0].role set to var.task_role_arn",
		"aws_security_group.extra ingress[0].subnet_ids set to aws_subnet.own.id",
		"aws_security_group.extra log_level set to var.log_level",
		"aws_security_group.extra zones set to var.zones")
	for _, f := range r.Fixes {
		if strings.Contains(f.What, "var.") && !strings.HasSuffix(f.What, ", and the reference keeps the two in step") {
			t.Errorf("an input's link says %q", f.What)
		}
	}
	// Inputs alone, with no resource in the unit to refer to.
	r, err = Repair("generated_x.tf", []byte("resource \"aws_x\" \"y\" {\n  group = \"sg-0123456789abcdef0\"\n}\n"), RepairOptions{Inputs: inputs})
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, r, "  group = var.ecs_security_group_id\n")
}

// wantLines: the repaired file has each of lines.
func wantLines(t *testing.T, r *Repaired, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(string(r.Src), l) {
			t.Errorf("repaired file lacks %q:\n%s", l, r.Src)
		}
	}
}
