package stack

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
)

// envRegion is the region of every environment's env.hcl.
const envRegion = "ap-northeast-1"

// domain is stackctl.hcl's placeholder domain; its zone is the one a team
// has before its first apply, so each test emulator gets it first.
const domain = "bookmark-manager.test"

// stackUnits are the units of every environment, in dependency order.
var stackUnits = []string{"network", "database", "service", "edge"}

// check is a read-only test of an applied environment. Checks of one
// environment run in parallel on the same applied stack, between the
// apply and the destroy.
type check struct {
	name string
	run  func(t *testing.T, e *stackEnv)
}

// The production stack end to end. dev and staging are each applied on a
// private emulator, side by side; the security properties are read from
// the units' plans; every check runs on the applied environment; then a
// destroy leaves nothing. prod is validated and planned from nothing (mock
// outputs stand in for its dependencies), and its plans checked the same
// way.
func TestProductionStack(t *testing.T) {
	needMirror(t)
	for _, env := range []string{"dev", "staging"} {
		t.Run(env, func(t *testing.T) {
			t.Parallel()
			e := newStackEnv(t, env)
			e.validateBeforeBootstrap(t)
			e.run(t, 0, "bootstrap", env)
			apply := summaryOf(t, e.run(t, 0, "apply", env, "--auto-approve", "--json"))
			logTimes(t, "apply "+env, apply)
			if got := len(apply.Units); got != len(stackUnits) {
				t.Fatalf("applied %d units", got)
			}
			if env == "dev" {
				e.noPasswordPrinted(t)
			}
			e.applied = true
			e.plans = planUnits(t, e, stackUnits)
			t.Run("checks", func(t *testing.T) {
				for _, c := range append(checks(), securityChecks()...) {
					t.Run(c.name, func(t *testing.T) {
						t.Parallel()
						c.run(t, e)
					})
				}
			})
			if env == "staging" {
				e.verifyCatchesUnroutedPartner(t)
			}
			e.destroyLeavesNothing(t)
		})
	}
	t.Run("prod", func(t *testing.T) {
		t.Parallel()
		e := newStackEnv(t, "prod")
		e.validateBeforeBootstrap(t)
		e.run(t, 0, "bootstrap", "prod")
		p := summaryOf(t, e.run(t, 0, "plan", "prod", "--json"))
		logTimes(t, "plan prod with mocks", p)
		if len(p.Units) != len(stackUnits) {
			t.Errorf("plan prod: %d units, want %d", len(p.Units), len(stackUnits))
		}
		for _, u := range p.Units {
			if u.Changes == nil || u.Changes.Add == 0 {
				t.Errorf("prod/%s: a plan from nothing should create resources: %+v", u.Unit, u.Changes)
			}
		}
		e.plans = planUnits(t, e, stackUnits)
		t.Run("checks", func(t *testing.T) {
			for _, c := range securityChecks() {
				if c.name == "ssm scopes" {
					continue // the policies name parameters that exist only after apply
				}
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					c.run(t, e)
				})
			}
		})
		// "latest" is refused where tags are immutable.
		latest := e.tr.With(t)
		latest.Env = append(latest.Env, "IMAGE_TAG=latest")
		r := latest.Must(1, "plan", "prod", "--unit", "service")
		if out := r.Stdout + r.Stderr; !strings.Contains(out, `image_tag "latest" cannot name a release`) {
			t.Errorf("plan prod with IMAGE_TAG=latest: no refusal naming the tag:\n%s", r)
		}
	})
}

func securityChecks() []check {
	return []check{
		{"alb ingress", checkALBIngress},
		{"origin header", checkOriginHeader},
		{"ssm scopes", checkSSMScopes},
		{"images", checkImages},
		{"database settings", checkDatabaseSettings},
		{"circuit breaker", checkCircuitBreaker},
		{"buckets private", checkBucketsPrivate},
	}
}

func checks() []check {
	return []check{
		{"network", checkNetwork},
		{"database", checkDatabase},
		{"service", checkService},
		{"edge", checkEdge},
		{"no-op plan", checkNoOpPlan},
		{"verify", checkVerify},
		{"states round-trip", func(t *testing.T, e *stackEnv) {
			checkStackStates(t, e.cfg, "bookmark-manager-tfstate-"+e.name, []string{"network", "database", "service", "edge"})
		}},
	}
}

// validateBeforeBootstrap: before the state bucket exists, validate
// passes, and render says that each dependency's outputs are shown as
// unknown because its state cannot be read, and why.
//
// validate reads the same state the same way (ops.BestEffort) and says
// the same.
func (e *stackEnv) validateBeforeBootstrap(t *testing.T) {
	t.Helper()
	tr := e.tr.With(t)
	for _, cmd := range []string{"validate", "render"} {
		r := e.record(tr.Must(0, cmd, e.name))
		out := r.Stdout + r.Stderr
		for _, dep := range []string{"network", "database", "service"} {
			if !strings.Contains(out, "showing the outputs of "+dep+" as unknown: reading the state of "+dep) {
				t.Errorf("%s %s before bootstrap: no warning that %s's state is unreadable and shown as unknown:\n%s", cmd, e.name, dep, r)
			}
		}
	}
}

func (e *stackEnv) domain() string { return "app." + e.zone() }

func (e *stackEnv) zone() string {
	if e.name == "prod" {
		return domain
	}
	return e.name + "." + domain
}

func (e *stackEnv) tagFilter() []ec2types.Filter {
	return []ec2types.Filter{{Name: aws.String("tag:Environment"), Values: []string{e.name}}, {Name: aws.String("tag:ManagedBy"), Values: []string{"stackctl"}}}
}

func checkNoOpPlan(t *testing.T, e *stackEnv) {
	plan := summaryOf(t, e.run(t, 0, "plan", e.name, "--detailed-exitcode", "--json"))
	logTimes(t, "no-op plan "+e.name, plan)
}

// destroyLeavesNothing destroys the environment and lists what is left.
func (e *stackEnv) destroyLeavesNothing(t *testing.T) {
	t.Helper()
	destroy := summaryOf(t, e.run(t, 0, "destroy", e.name, "--auto-approve", "--json"))
	logTimes(t, "destroy "+e.name, destroy)
	ctx := context.Background()
	// A listing that fails proves nothing is left, so it fails the test.
	left := func(what string, err error, n func() int) {
		t.Helper()
		if err != nil {
			t.Errorf("listing %s after destroy: %v", what, err)
		} else if got := n(); got != 0 {
			t.Errorf("%s left after destroy: %d", what, got)
		}
	}
	vpcs, err := ec2.NewFromConfig(e.cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: e.tagFilter()})
	left("VPCs", err, func() int { return len(vpcs.Vpcs) })
	clusters, err := rds.NewFromConfig(e.cfg).DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{})
	left("DB clusters", err, func() int { return len(clusters.DBClusters) })
	ecsc := ecs.NewFromConfig(e.cfg)
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
	lbs, err := elb.NewFromConfig(e.cfg).DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
	left("load balancers", err, func() int { return len(lbs.LoadBalancers) })
	dists, err := cloudfront.NewFromConfig(e.cfg).ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
	left("distributions", err, func() int {
		if dists.DistributionList == nil {
			return 0
		}
		return len(dists.DistributionList.Items)
	})
	acls, err := wafv2.NewFromConfig(e.cfg, func(o *wafv2.Options) { o.Region = "us-east-1" }).ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeCloudfront})
	left("web ACLs", err, func() int { return len(acls.WebACLs) })
	regional, err := wafv2.NewFromConfig(e.cfg).ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional})
	left("regional web ACLs", err, func() int { return len(regional.WebACLs) })
	// Buckets: only the state bucket stays (bootstrap's, not the stack's).
	buckets, err := s3.NewFromConfig(e.cfg, func(o *s3.Options) { o.UsePathStyle = true }).ListBuckets(ctx, &s3.ListBucketsInput{})
	left("buckets", err, func() int {
		n := 0
		for _, b := range buckets.Buckets {
			if aws.ToString(b.Name) != "bookmark-manager-tfstate-"+e.name {
				n++
			}
		}
		return n
	})
	// SSM: only the team's inputs stay.
	params, err := ssm.NewFromConfig(e.cfg).DescribeParameters(ctx, &ssm.DescribeParametersInput{})
	left("SSM parameters", err, func() int {
		n := 0
		for _, p := range params.Parameters {
			if !strings.Contains(aws.ToString(p.Name), "/inputs/") {
				n++
			}
		}
		return n
	})
	// Route53: the domain's zone stays, without the delegation; no health check.
	r53 := route53.NewFromConfig(e.cfg)
	zones, err := r53.ListHostedZones(ctx, &route53.ListHostedZonesInput{})
	left("hosted zones besides the domain's", err, func() int { return len(zones.HostedZones) - 1 })
	if err == nil && len(zones.HostedZones) == 1 {
		records, err := r53.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: zones.HostedZones[0].Id})
		left("records in the domain's zone besides its SOA and NS", err, func() int { return len(records.ResourceRecordSets) - 2 })
	}
	checks, err := r53.ListHealthChecks(ctx, &route53.ListHealthChecksInput{})
	left("health checks", err, func() int { return len(checks.HealthChecks) })
}
