package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/stackctl/stackctl/internal/testutil/moto"
)

// repoTree copies the repository's own stackctl.hcl and infra/ (modules and
// live tree) into a temporary folder, so the test runs exactly what
// `make demo` runs without writing into the checkout.
func repoTree(t *testing.T) *tree {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	repo := filepath.Join(filepath.Dir(file), "..", "..")
	dst := t.TempDir()
	copyPath := func(rel string) {
		src := filepath.Join(repo, rel)
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			r, _ := filepath.Rel(repo, p)
			if d.IsDir() {
				if strings.HasPrefix(d.Name(), ".") && p != src {
					return filepath.SkipDir
				}
				return os.MkdirAll(filepath.Join(dst, r), 0o755)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dst, r), data, 0o644)
		})
		if err != nil {
			t.Fatalf("copying %s: %v", rel, err)
		}
	}
	copyPath("stackctl.hcl")
	copyPath("infra/modules")
	copyPath("infra/live")
	env := baseEnv()
	// stackctl.hcl reads the mirror with get_env; baseEnv drops STACKCTL_*.
	if mirror := os.Getenv("STACKCTL_PROVIDER_MIRROR"); mirror != "" {
		env = append(env, "STACKCTL_PROVIDER_MIRROR="+mirror)
	}
	return &tree{t: t, dir: dst, env: env, timeout: 20 * time.Minute}
}

type stackSummary struct {
	Result     string `json:"result"`
	DurationMS int64  `json:"duration_ms"`
	Units      []struct {
		Unit       string `json:"unit"`
		Result     string `json:"result"`
		DurationMS int64  `json:"duration_ms"`
		Changes    *struct {
			Add, Change, Destroy int
		} `json:"changes"`
	} `json:"units"`
}

func summaryOf(t *testing.T, r result) stackSummary {
	t.Helper()
	var s stackSummary
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("summary: %v\n%s", err, r)
	}
	return s
}

// logTimes prints the figures of docs/performance.md's stack table: the
// total and per-unit times, and what each unit's plan adds, changes and
// destroys.
func logTimes(t *testing.T, what string, s stackSummary) {
	t.Helper()
	var parts []string
	add, destroy := 0, 0
	for _, u := range s.Units {
		part := u.Unit + " " + (time.Duration(u.DurationMS) * time.Millisecond).Round(100*time.Millisecond).String()
		if c := u.Changes; c != nil {
			part += fmt.Sprintf(" +%d ~%d -%d", c.Add, c.Change, c.Destroy)
			add, destroy = add+c.Add, destroy+c.Destroy
		}
		parts = append(parts, part)
	}
	t.Logf("%s: %s, +%d -%d resources (%s)", what, (time.Duration(s.DurationMS) * time.Millisecond).Round(100*time.Millisecond), add, destroy, strings.Join(parts, ", "))
}

// The production stack end to end: dev applied (all four units) on a
// private emulator, key resources checked through the AWS SDK, a no-op
// plan, then destroy with nothing of dev left; staging and prod validate
// and plan with mock outputs.
func TestProductionStack(t *testing.T) {
	if _, err := os.Stat("/opt/tf-plugins"); err != nil && os.Getenv("STACKCTL_PROVIDER_MIRROR") == "" {
		t.Fatal("the production stack needs hashicorp/aws 5.100.0 in a filesystem mirror: /opt/tf-plugins, or set STACKCTL_PROVIDER_MIRROR")
	}
	t.Parallel()
	srv := moto.Start(t)
	tr := repoTree(t)
	tr.env = append(tr.env, srv.Env()...)
	cfg := srv.AWSConfig(t)
	cfg.Region = "eu-west-1"
	ctx := context.Background()

	tr.must(0, "bootstrap", "dev")
	apply := summaryOf(t, tr.must(0, "apply", "dev", "--auto-approve", "--json"))
	logTimes(t, "apply dev", apply)
	if got := len(apply.Units); got != 4 {
		t.Fatalf("applied %d units", got)
	}

	// Network: the VPC and its four subnets.
	ec2c := ec2.NewFromConfig(cfg)
	devTag := []ec2types.Filter{{Name: aws.String("tag:Environment"), Values: []string{"dev"}}, {Name: aws.String("tag:ManagedBy"), Values: []string{"stackctl"}}}
	vpcs, err := ec2c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: devTag})
	if err != nil {
		t.Fatalf("dev VPCs: %v", err)
	}
	if n := len(vpcs.Vpcs); n != 1 {
		t.Fatalf("dev VPCs: %d, want 1", n)
	}
	vpcID := aws.ToString(vpcs.Vpcs[0].VpcId)
	subnets, err := ec2c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}}})
	if err != nil {
		t.Errorf("subnets of %s: %v", vpcID, err)
	} else if n := len(subnets.Subnets); n != 4 {
		t.Errorf("subnets of %s: %d, want 4", vpcID, n)
	}

	// Database: an Aurora PostgreSQL Serverless v2 cluster with one instance.
	rdsc := rds.NewFromConfig(cfg)
	clusters, err := rdsc.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{})
	if err != nil {
		t.Fatalf("DB clusters: %v", err)
	}
	if n := len(clusters.DBClusters); n != 1 {
		t.Fatalf("DB clusters: %d, want 1", n)
	}
	cl := clusters.DBClusters[0]
	if aws.ToString(cl.Engine) != "aurora-postgresql" || !strings.HasPrefix(aws.ToString(cl.EngineVersion), "17.") || cl.ServerlessV2ScalingConfiguration == nil || aws.ToFloat64(cl.ServerlessV2ScalingConfiguration.MaxCapacity) != 2 {
		t.Errorf("cluster %s %s %+v", aws.ToString(cl.Engine), aws.ToString(cl.EngineVersion), cl.ServerlessV2ScalingConfiguration)
	}
	if len(cl.DBClusterMembers) != 1 {
		t.Errorf("dev has %d database instances, want 1", len(cl.DBClusterMembers))
	}

	// Service: both ECS services with circuit breaker and rollback; the
	// HTTPS listener's rules (host-based, and /api/* to api).
	ecsc := ecs.NewFromConfig(cfg)
	svcs, err := ecsc.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("bookmark-manager-dev"), Services: []string{"web", "api"}})
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
		// moto 5.2.1 does not keep deploymentConfiguration (docs/emulator.md);
		// where an API returns it, the circuit breaker must be on.
		if dc := s.DeploymentConfiguration; dc != nil && dc.DeploymentCircuitBreaker != nil {
			if cb := dc.DeploymentCircuitBreaker; !cb.Enable || !cb.Rollback {
				t.Errorf("service %s: circuit breaker %+v", aws.ToString(s.ServiceName), cb)
			}
		}
	}
	elbc := elb.NewFromConfig(cfg)
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
	if !slices.ContainsFunc(conditions, func(c string) bool { return strings.HasPrefix(c, "path:") && strings.Contains(c, "/api/*") }) || !slices.ContainsFunc(conditions, func(c string) bool { return strings.HasPrefix(c, "host:app.dev.bookmarks.example.com") }) {
		t.Errorf("HTTPS listener rule conditions: %v", conditions)
	}

	// Edge: the CloudFront distribution with its WAF web ACL.
	cfc := cloudfront.NewFromConfig(cfg)
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
	if aws.ToString(dc.WebACLId) == "" || dc.Aliases == nil || !slices.Contains(dc.Aliases.Items, "app.dev.bookmarks.example.com") {
		t.Errorf("distribution: web ACL %q aliases %+v", aws.ToString(dc.WebACLId), dc.Aliases)
	}
	wafCfg := cfg.Copy()
	wafCfg.Region = "us-east-1"
	wafc := wafv2.NewFromConfig(wafCfg)
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

	checkStackStates(t, cfg, "bookmark-manager-tfstate-dev", []string{"network", "database", "service", "edge"})

	plan := summaryOf(t, tr.must(0, "plan", "dev", "--detailed-exitcode", "--json"))
	logTimes(t, "no-op plan dev", plan)

	destroy := summaryOf(t, tr.must(0, "destroy", "dev", "--auto-approve", "--json"))
	logTimes(t, "destroy dev", destroy)
	// A listing that fails proves nothing is left, so it fails the test.
	left := func(what string, err error, n func() int) {
		t.Helper()
		if err != nil {
			t.Errorf("listing %s after destroy: %v", what, err)
		} else if got := n(); got != 0 {
			t.Errorf("%s left after destroy: %d", what, got)
		}
	}
	vpcsAfter, err := ec2c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: devTag})
	left("VPCs", err, func() int { return len(vpcsAfter.Vpcs) })
	clustersAfter, err := rdsc.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{})
	left("DB clusters", err, func() int { return len(clustersAfter.DBClusters) })
	ecsAfter, err := ecsc.ListClusters(ctx, &ecs.ListClustersInput{})
	if err != nil {
		t.Errorf("listing ECS clusters after destroy: %v", err)
	} else if len(ecsAfter.ClusterArns) != 0 {
		// A deleted cluster stays listed as INACTIVE for a while.
		d, err := ecsc.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: ecsAfter.ClusterArns})
		if err != nil {
			t.Fatal(err)
		}
		for _, cl := range d.Clusters {
			if aws.ToString(cl.Status) != "INACTIVE" {
				t.Errorf("ECS cluster left: %s %s", aws.ToString(cl.ClusterName), aws.ToString(cl.Status))
			}
		}
	}
	lbsAfter, err := elbc.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
	left("load balancers", err, func() int { return len(lbsAfter.LoadBalancers) })
	distsAfter, err := cfc.ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
	left("distributions", err, func() int {
		if distsAfter.DistributionList == nil {
			return 0
		}
		return len(distsAfter.DistributionList.Items)
	})
	aclsAfter, err := wafc.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeCloudfront})
	left("web ACLs", err, func() int { return len(aclsAfter.WebACLs) })

	// staging and prod: valid, and plannable before anything exists (mock
	// outputs stand in for the dependencies).
	for _, env := range []string{"staging", "prod"} {
		tr.must(0, "validate", env)
		tr.must(0, "bootstrap", env)
		p := summaryOf(t, tr.must(0, "plan", env, "--json"))
		logTimes(t, "plan "+env+" with mocks", p)
		if len(p.Units) != 4 {
			t.Errorf("plan %s: %d units, want 4", env, len(p.Units))
		}
		for _, u := range p.Units {
			if u.Changes == nil || u.Changes.Add == 0 {
				t.Errorf("%s/%s: a plan from nothing should create resources: %+v", env, u.Unit, u.Changes)
			}
		}
	}
}
