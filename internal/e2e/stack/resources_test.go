package stack

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
)

// Network: the VPC and its four subnets.
func checkNetwork(t *testing.T, e *stackEnv) {
	ctx := context.Background()
	ec2c := ec2.NewFromConfig(e.cfg)
	vpcs, err := ec2c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: e.tagFilter()})
	if err != nil {
		t.Fatalf("%s VPCs: %v", e.name, err)
	}
	if n := len(vpcs.Vpcs); n != 1 {
		t.Fatalf("%s VPCs: %d, want 1", e.name, n)
	}
	vpcID := aws.ToString(vpcs.Vpcs[0].VpcId)
	subnets, err := ec2c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}}})
	if err != nil {
		t.Errorf("subnets of %s: %v", vpcID, err)
	} else if n := len(subnets.Subnets); n != 4 {
		t.Errorf("subnets of %s: %d, want 4", vpcID, n)
	}
}

// Database: an Aurora PostgreSQL Serverless v2 cluster, one instance in
// dev and two in staging.
func checkDatabase(t *testing.T, e *stackEnv) {
	rdsc := rds.NewFromConfig(e.cfg)
	clusters, err := rdsc.DescribeDBClusters(context.Background(), &rds.DescribeDBClustersInput{})
	if err != nil {
		t.Fatalf("DB clusters: %v", err)
	}
	if n := len(clusters.DBClusters); n != 1 {
		t.Fatalf("DB clusters: %d, want 1", n)
	}
	cl := clusters.DBClusters[0]
	if aws.ToString(cl.Engine) != "aurora-postgresql" || !strings.HasPrefix(aws.ToString(cl.EngineVersion), "17") || cl.ServerlessV2ScalingConfiguration == nil {
		t.Errorf("cluster %s %s %+v", aws.ToString(cl.Engine), aws.ToString(cl.EngineVersion), cl.ServerlessV2ScalingConfiguration)
	}
	want := map[string]int{"dev": 1, "staging": 2}[e.name]
	if cl.DBClusterParameterGroup == nil || !strings.Contains(aws.ToString(cl.DBClusterParameterGroup), "aurora-postgresql17") {
		t.Errorf("cluster parameter group %v", aws.ToString(cl.DBClusterParameterGroup))
	}
	if len(cl.DBClusterMembers) != want {
		t.Errorf("%s has %d database instances, want %d", e.name, len(cl.DBClusterMembers), want)
	}
}

// Service: both ECS services on Fargate; the HTTPS listener's rules
// (host-based, and /api/* to api).
func checkService(t *testing.T, e *stackEnv) {
	ctx := context.Background()
	ecsc := ecs.NewFromConfig(e.cfg)
	svcs, err := ecsc.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("bookmark-manager-" + e.name), Services: []string{"web", "api"}})
	if err != nil {
		t.Fatalf("ECS services: %v", err)
	}
	if n := len(svcs.Services); n != 2 {
		t.Fatalf("ECS services: %d, want web and api (failures: %+v)", n, svcs.Failures)
	}
	for _, s := range svcs.Services {
		if s.LaunchType != "FARGATE" || s.NetworkConfiguration == nil || aws.ToString(s.Status) != "ACTIVE" {
			t.Errorf("service %s: launch type %s, status %s", aws.ToString(s.ServiceName), s.LaunchType, aws.ToString(s.Status))
		}
	}
	elbc := elb.NewFromConfig(e.cfg)
	lbs, err := elbc.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
	if err != nil {
		t.Fatalf("load balancers: %v", err)
	}
	if n := len(lbs.LoadBalancers); n != 1 {
		t.Fatalf("load balancers: %d, want 1", n)
	}
	listeners, err := elbc.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: lbs.LoadBalancers[0].LoadBalancerArn})
	if err != nil {
		t.Fatal(err)
	}
	var conditions []string
	for _, l := range listeners.Listeners {
		if aws.ToInt32(l.Port) != 443 {
			continue
		}
		rules, err := elbc.DescribeRules(ctx, &elb.DescribeRulesInput{ListenerArn: l.ListenerArn})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rules.Rules {
			for _, c := range r.Conditions {
				if c.HostHeaderConfig != nil {
					conditions = append(conditions, "host:"+strings.Join(c.HostHeaderConfig.Values, ","))
				}
				if c.PathPatternConfig != nil {
					conditions = append(conditions, "path:"+strings.Join(c.PathPatternConfig.Values, ","))
				}
			}
		}
	}
	joined := strings.Join(conditions, " ")
	if !strings.Contains(joined, "/api/*") || !strings.Contains(joined, "host:"+e.domain()) {
		t.Errorf("HTTPS listener rule conditions: %v", conditions)
	}
}

// Edge: the CloudFront distribution with its WAF web ACL.
func checkEdge(t *testing.T, e *stackEnv) {
	ctx := context.Background()
	cfc := cloudfront.NewFromConfig(e.cfg)
	dists, err := cfc.ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
	if err != nil {
		t.Fatalf("distributions: %v", err)
	}
	if dists.DistributionList == nil || len(dists.DistributionList.Items) != 1 {
		t.Fatalf("distributions: %+v, want 1", dists.DistributionList)
	}
	got, err := cfc.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: dists.DistributionList.Items[0].Id})
	if err != nil {
		t.Fatal(err)
	}
	dc := got.Distribution.DistributionConfig
	if aws.ToString(dc.WebACLId) == "" || dc.Aliases == nil || !slices.Contains(dc.Aliases.Items, e.domain()) {
		t.Errorf("distribution: web ACL %q aliases %+v", aws.ToString(dc.WebACLId), dc.Aliases)
	}
	wafc := wafv2.NewFromConfig(e.cfg, func(o *wafv2.Options) { o.Region = "us-east-1" })
	acls, err := wafc.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeCloudfront})
	if err != nil {
		t.Fatalf("web ACLs: %v", err)
	}
	if n := len(acls.WebACLs); n != 1 {
		t.Fatalf("web ACLs: %d, want 1", n)
	}
	acl, err := wafc.GetWebACL(ctx, &wafv2.GetWebACLInput{Id: acls.WebACLs[0].Id, Name: acls.WebACLs[0].Name, Scope: waftypes.ScopeCloudfront})
	if err != nil {
		t.Fatal(err)
	}
	managed := false
	for _, r := range acl.WebACL.Rules {
		if r.Statement != nil && r.Statement.ManagedRuleGroupStatement != nil && aws.ToString(r.Statement.ManagedRuleGroupStatement.Name) == "AWSManagedRulesCommonRuleSet" {
			managed = true
		}
	}
	if !managed {
		t.Error("the web ACL lacks the AWS managed common rule set")
	}
}
