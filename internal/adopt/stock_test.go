package adopt

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/stackctl/stackctl/internal/drift/tftest"
)

// TestDiscoverStockMoto runs discovery on moto_server without the
// repository's launcher: every call it makes (tagging, IAM, EC2) must work
// on stock moto, as on AWS.
func TestDiscoverStockMoto(t *testing.T) {
	srv := tftest.StockMoto(t)
	cfg := srv.AWSConfig(t)
	ctx := context.Background()
	ec2c, iamc := ec2.NewFromConfig(cfg), iam.NewFromConfig(cfg)
	tags := ec2Tags(envTags)

	vpc, err := ec2c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.60.0.0/16"), TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeVpc, Tags: tags}}})
	if err != nil {
		t.Fatal(err)
	}
	vpcID := aws.ToString(vpc.Vpc.VpcId)
	group := func(name string) string {
		out, err := ec2c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String(name), VpcId: aws.String(vpcID),
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroup, Tags: tags}}})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.GroupId)
	}
	managedSG, extraSG := group("app"), group("extra")
	// Terraform removes the default egress rule of the groups it creates.
	if _, err := ec2c.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(managedSG), IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}); err != nil {
		t.Fatal(err)
	}
	rule := func(port int32) string {
		out, err := ec2c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(managedSG), IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port), CidrIp: aws.String("10.0.0.0/8")})
		if err != nil || len(out.SecurityGroupRules) != 1 {
			t.Fatalf("authorize: %v %v", out, err)
		}
		return aws.ToString(out.SecurityGroupRules[0].SecurityGroupRuleId)
	}
	managedRule, handRule := rule(443), rule(22)
	if _, err := ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/adopty/dev/key"), Type: ssmtypes.ParameterTypeSecureString, Value: aws.String("v"),
		Tags: []ssmtypes.Tag{{Key: aws.String("Project"), Value: aws.String("adopty")}, {Key: aws.String("Environment"), Value: aws.String("dev")}}}); err != nil {
		t.Fatal(err)
	}
	var iamTags []iamtypes.Tag
	for _, k := range sortedKeys(envTags) {
		iamTags = append(iamTags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(envTags[k])})
	}
	for _, r := range []string{"task", "oob-role"} {
		if _, err := iamc.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(r), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`), Tags: iamTags}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"} {
		if _, err := iamc.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("task"), PolicyArn: aws.String(p)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := iamc.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("deploy")}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamc.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("deploy"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}

	managed := []Managed{
		{Unit: "network", Address: "aws_vpc.main", Type: "aws_vpc", ID: vpcID},
		{Unit: "network", Address: "aws_security_group.app", Type: "aws_security_group", ID: managedSG, Parent: vpcID},
		{Unit: "network", Address: "aws_vpc_security_group_ingress_rule.https", Type: "aws_vpc_security_group_ingress_rule", ID: managedRule, Parent: managedSG},
		{Unit: "service", Address: "aws_iam_role.task", Type: "aws_iam_role", ID: "task"},
		{Unit: "service", Address: "aws_iam_role_policy_attachment.ssm", Type: "aws_iam_role_policy_attachment", ID: "task/arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess"},
		{Unit: "access", Address: "aws_iam_user.deploy", Type: "aws_iam_user", ID: "deploy"},
	}
	found, err := Discover(ctx, cfg, DiscoverOptions{Tags: envTags, Managed: managed})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range found {
		got = append(got, u.Unit+" "+u.Address+" "+u.ID)
	}
	want := []string{
		" aws_ssm_parameter.key /adopty/dev/key",
		"access aws_iam_user_policy_attachment.deploy_readonlyaccess deploy/arn:aws:iam::aws:policy/ReadOnlyAccess",
		"network aws_security_group.extra " + extraSG,
		"network aws_vpc_security_group_ingress_rule.app_tcp_22 " + handRule,
		"service aws_iam_role.oob_role oob-role",
		"service aws_iam_role_policy_attachment.task_readonlyaccess task/arn:aws:iam::aws:policy/ReadOnlyAccess",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("discovered:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := Discover(ctx, cfg, DiscoverOptions{}); err == nil {
		t.Error("discovery without tags must refuse")
	}
}
