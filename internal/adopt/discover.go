package adopt

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	taggingtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
)

// Managed is one resource instance some unit's state manages.
type Managed struct {
	Unit    string `json:"unit"`
	Address string `json:"address"`
	Type    string `json:"type"`
	// ID is the ID terraform imports the resource by (for most types the
	// state's id attribute; ManagedFrom knows the exceptions).
	ID  string `json:"id"`
	ARN string `json:"arn,omitempty"`
	// Parent is the VPC (subnets, security groups), security group (its
	// rules) or cluster (ECS services) the resource belongs to.
	Parent string `json:"parent,omitempty"`
}

// ManagedFrom builds a Managed from a state resource instance's
// attributes (the "attributes" object of state format v4).
func ManagedFrom(unit, address, typ string, attrs map[string]any) Managed {
	s := func(k string) string { v, _ := attrs[k].(string); return v }
	m := Managed{Unit: unit, Address: address, Type: typ, ID: s("id"), ARN: s("arn")}
	switch typ {
	case "aws_iam_role_policy_attachment":
		// The state's id is random; the import ID is role/policy.
		m.ID, m.Parent = s("role")+"/"+s("policy_arn"), s("role")
	case "aws_iam_user_policy_attachment":
		m.ID, m.Parent = s("user")+"/"+s("policy_arn"), s("user")
	case "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule":
		if r := s("security_group_rule_id"); r != "" {
			m.ID = r
		}
		m.Parent = s("security_group_id")
	case "aws_ecs_service":
		m.Parent = s("cluster")
	default:
		m.Parent = s("vpc_id")
	}
	return m
}

// DiscoverOptions say what to look for.
type DiscoverOptions struct {
	// Tags every resource of the environment carries (the provider's
	// default_tags: Project and Environment). Required.
	Tags map[string]string
	// UnitTag is a tag naming the unit that created a resource ("Unit"
	// in the production stack); a resource carrying it goes to that unit.
	UnitTag string
	// Managed is everything the units' states manage.
	Managed []Managed
	// Regions to search with the tagging API (the configuration's region
	// when empty). IAM is global and searched once.
	Regions []string
}

// Unmanaged is a resource of the environment that no state manages, with
// where it could be adopted.
type Unmanaged struct {
	Type string `json:"type"` // "" when stackctl does not know the ARN's type
	// ID is what an import block's id takes for Type.
	ID   string            `json:"id"`
	ARN  string            `json:"arn,omitempty"`
	Tags map[string]string `json:"tags,omitempty"`
	// Unit and Address are suggestions; Unit is "" when nothing fits.
	Unit    string `json:"unit"`
	Address string `json:"address,omitempty"`
	Reason  string `json:"reason"`
	Parent  string `json:"parent,omitempty"`

	name string // Name tag, or the name in the ID, for the address
}

// Discover finds resources carrying every tag of o.Tags that no Managed
// matches by ARN or ID. The Resource Groups Tagging API lists most
// services; IAM roles and customer-managed policies, which it does not
// list, are read from IAM directly. It also reports what the lesson's
// dashboard leaves behind on managed resources, which carries no tags:
// policies attached to managed roles and rules added to managed security
// groups whose rules are separate resources.
func Discover(ctx context.Context, cfg aws.Config, o DiscoverOptions) ([]*Unmanaged, error) {
	if len(o.Tags) == 0 {
		return nil, errors.New("discovery needs the environment's tags (the provider's default_tags, e.g. Project and Environment)")
	}
	idx := newIndex(o.Managed)
	var found []*Unmanaged
	add := func(u *Unmanaged) {
		if !idx.managed(u) {
			found = append(found, u)
		}
	}
	regions := o.Regions
	if len(regions) == 0 {
		regions = []string{cfg.Region}
	}
	inRegion := func(region string) aws.Config {
		rc := cfg.Copy()
		rc.Region = region
		return rc
	}
	for _, region := range regions {
		if err := byTags(ctx, tagging.NewFromConfig(inRegion(region)), o.Tags, add); err != nil {
			return nil, err
		}
	}
	iamc := iam.NewFromConfig(cfg)
	if err := iamByTags(ctx, iamc, o.Tags, add); err != nil {
		return nil, err
	}
	if err := attachments(ctx, iamc, idx, add); err != nil {
		return nil, err
	}
	// The managed security groups are the environment's: in its first
	// region.
	if err := groupRules(ctx, ec2.NewFromConfig(inRegion(regions[0])), idx, add); err != nil {
		return nil, err
	}
	byRegion := map[string][]*Unmanaged{}
	for _, u := range found {
		r := regionOf(u.ARN)
		if r == "" {
			r = regions[0]
		}
		byRegion[r] = append(byRegion[r], u)
	}
	for _, r := range sortedKeys(byRegion) {
		if err := parents(ctx, ec2.NewFromConfig(inRegion(r)), byRegion[r]); err != nil {
			return nil, err
		}
	}
	suggest(found, idx, o.UnitTag)
	sort.Slice(found, func(i, j int) bool {
		if found[i].Unit != found[j].Unit {
			return found[i].Unit < found[j].Unit
		}
		return found[i].Address+found[i].ID < found[j].Address+found[j].ID
	})
	return found, nil
}

// regionOf is an ARN's region ("" for global services and non-ARNs).
func regionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 5 || parts[0] != "arn" {
		return ""
	}
	return parts[3]
}

func byTags(ctx context.Context, c *tagging.Client, tags map[string]string, add func(*Unmanaged)) error {
	var filters []taggingtypes.TagFilter
	for _, k := range sortedKeys(tags) {
		filters = append(filters, taggingtypes.TagFilter{Key: aws.String(k), Values: []string{tags[k]}})
	}
	p := tagging.NewGetResourcesPaginator(c, &tagging.GetResourcesInput{TagFilters: filters})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing tagged resources (Resource Groups Tagging API GetResources): %w", err)
		}
		for _, m := range page.ResourceTagMappingList {
			arn := aws.ToString(m.ResourceARN)
			u := &Unmanaged{ARN: arn, Tags: map[string]string{}}
			for _, t := range m.Tags {
				u.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			u.Type, u.ID, _ = arnResource(arn)
			if u.ID == "" {
				u.ID = arn
			}
			if cluster, _, ok := strings.Cut(u.ID, "/"); ok && u.Type == "aws_ecs_service" {
				// The cluster's state ID is its ARN.
				u.Parent = arn[:strings.Index(arn, ":service/")] + ":cluster/" + cluster
			}
			add(u)
		}
	}
	return nil
}

func hasTags(have map[string]string, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

func iamByTags(ctx context.Context, c *iam.Client, want map[string]string, add func(*Unmanaged)) error {
	roles := iam.NewListRolesPaginator(c, &iam.ListRolesInput{})
	for roles.HasMorePages() {
		page, err := roles.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing IAM roles: %w", err)
		}
		for _, r := range page.Roles {
			if strings.HasPrefix(aws.ToString(r.Path), "/aws-service-role/") {
				continue
			}
			out, err := c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: r.RoleName})
			if err != nil {
				return fmt.Errorf("reading the tags of IAM role %s: %w", aws.ToString(r.RoleName), err)
			}
			tags := map[string]string{}
			for _, t := range out.Tags {
				tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			if hasTags(tags, want) {
				add(&Unmanaged{Type: "aws_iam_role", ID: aws.ToString(r.RoleName), ARN: aws.ToString(r.Arn), Tags: tags})
			}
		}
	}
	policies := iam.NewListPoliciesPaginator(c, &iam.ListPoliciesInput{Scope: "Local"})
	for policies.HasMorePages() {
		page, err := policies.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing IAM policies: %w", err)
		}
		for _, p := range page.Policies {
			out, err := c.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: p.Arn})
			if err != nil {
				return fmt.Errorf("reading the tags of IAM policy %s: %w", aws.ToString(p.PolicyName), err)
			}
			tags := map[string]string{}
			for _, t := range out.Tags {
				tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			if hasTags(tags, want) {
				add(&Unmanaged{Type: "aws_iam_policy", ID: aws.ToString(p.Arn), ARN: aws.ToString(p.Arn), Tags: tags, name: aws.ToString(p.PolicyName)})
			}
		}
	}
	return nil
}

// attachments finds policies attached to managed roles and users that no
// aws_iam_{role,user}_policy_attachment manages. A user's make its
// destroy fail (DeleteConflict: the AWS provider detaches a user's
// policies only with force_destroy); a role's the provider detaches when
// it deletes the role, but the next apply does not know of them.
func attachments(ctx context.Context, c *iam.Client, idx *index, add func(*Unmanaged)) error {
	if err := userAttachments(ctx, c, idx, add); err != nil {
		return err
	}
	for _, role := range idx.ofType("aws_iam_role") {
		p := iam.NewListAttachedRolePoliciesPaginator(c, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role.ID)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("listing the policies attached to role %s (%s): %w", role.ID, role.Address, err)
			}
			for _, ap := range page.AttachedPolicies {
				add(&Unmanaged{
					Type: "aws_iam_role_policy_attachment", ID: role.ID + "/" + aws.ToString(ap.PolicyArn),
					Parent: role.ID, Unit: role.Unit, Reason: fmt.Sprintf("attached to role %s (%s)", role.ID, role.Address),
					name: role.ID + "_" + aws.ToString(ap.PolicyName),
				})
			}
		}
	}
	return nil
}

func userAttachments(ctx context.Context, c *iam.Client, idx *index, add func(*Unmanaged)) error {
	for _, user := range idx.ofType("aws_iam_user") {
		p := iam.NewListAttachedUserPoliciesPaginator(c, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(user.ID)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("listing the policies attached to user %s (%s): %w", user.ID, user.Address, err)
			}
			for _, ap := range page.AttachedPolicies {
				add(&Unmanaged{
					Type: "aws_iam_user_policy_attachment", ID: user.ID + "/" + aws.ToString(ap.PolicyArn),
					Parent: user.ID, Unit: user.Unit, Reason: fmt.Sprintf("attached to user %s (%s)", user.ID, user.Address),
					name: user.ID + "_" + aws.ToString(ap.PolicyName),
				})
			}
		}
	}
	return nil
}

// groupRules finds rules of managed security groups whose rules are
// managed as separate resources that none of those resources manages.
func groupRules(ctx context.Context, c *ec2.Client, idx *index, add func(*Unmanaged)) error {
	groups := map[string]Managed{}
	for _, t := range []string{"aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"} {
		for _, r := range idx.ofType(t) {
			if g, ok := idx.byID["aws_security_group"][r.Parent]; ok {
				groups[r.Parent] = g
			}
		}
	}
	if len(groups) == 0 {
		return nil
	}
	p := ec2.NewDescribeSecurityGroupRulesPaginator(c, &ec2.DescribeSecurityGroupRulesInput{
		Filters: []ec2types.Filter{{Name: aws.String("group-id"), Values: sortedKeys(groups)}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing security group rules: %w", err)
		}
		for _, r := range page.SecurityGroupRules {
			g := groups[aws.ToString(r.GroupId)]
			typ := "aws_vpc_security_group_ingress_rule"
			if aws.ToBool(r.IsEgress) {
				typ = "aws_vpc_security_group_egress_rule"
			}
			add(&Unmanaged{
				Type: typ, ID: aws.ToString(r.SecurityGroupRuleId), ARN: aws.ToString(r.SecurityGroupRuleArn),
				Parent: g.ID, Unit: g.Unit, Reason: fmt.Sprintf("a rule of security group %s (%s)", g.ID, g.Address),
				name: g.Address[strings.LastIndexByte(g.Address, '.')+1:] + "_" + ruleName(r),
			})
		}
	}
	return nil
}

func ruleName(r ec2types.SecurityGroupRule) string {
	proto := aws.ToString(r.IpProtocol)
	if proto == "-1" {
		return "all"
	}
	return fmt.Sprintf("%s_%d", proto, aws.ToInt32(r.FromPort))
}

// parents reads the VPC of discovered security groups and subnets, so
// that they can go to the unit that manages the VPC.
func parents(ctx context.Context, c *ec2.Client, found []*Unmanaged) error {
	ids := map[string][]string{}
	for _, u := range found {
		if u.Type == "aws_security_group" || u.Type == "aws_subnet" {
			ids[u.Type] = append(ids[u.Type], u.ID)
		}
	}
	vpcs, names := map[string]string{}, map[string]string{}
	if sgs := ids["aws_security_group"]; len(sgs) > 0 {
		out, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: sgs})
		if err != nil {
			return fmt.Errorf("reading the discovered security groups: %w", err)
		}
		for _, g := range out.SecurityGroups {
			vpcs[aws.ToString(g.GroupId)] = aws.ToString(g.VpcId)
			names[aws.ToString(g.GroupId)] = aws.ToString(g.GroupName)
		}
	}
	if subnets := ids["aws_subnet"]; len(subnets) > 0 {
		out, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: subnets})
		if err != nil {
			return fmt.Errorf("reading the discovered subnets: %w", err)
		}
		for _, s := range out.Subnets {
			vpcs[aws.ToString(s.SubnetId)] = aws.ToString(s.VpcId)
		}
	}
	for _, u := range found {
		if v, ok := vpcs[u.ID]; ok {
			u.Parent = v
			if n := names[u.ID]; n != "" {
				u.name = n
			}
		}
	}
	return nil
}
