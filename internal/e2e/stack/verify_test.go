package stack

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// verifyReport is what verify --json prints.
type verifyReport struct {
	Results []struct {
		Unit, Name, Kind, Reason string
		Passed                   bool
	} `json:"results"`
	Passed, Failed int
}

func verifyOf(t *testing.T, out string) verifyReport {
	t.Helper()
	var r verifyReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("verify --json: %v\n%s", err, out)
	}
	return r
}

// The applied environment passes its own checks: on the emulator, the
// service unit's asserts on what the listener routes, what its
// certificates cover and which issuer the api expects.
func checkVerify(t *testing.T, e *stackEnv) {
	r := verifyOf(t, e.run(t, 0, "verify", e.name, "--json").Stdout)
	var names []string
	for _, res := range r.Results {
		names = append(names, res.Unit+"/"+res.Name)
		if !res.Passed {
			t.Errorf("%s/%s failed: %s", res.Unit, res.Name, res.Reason)
		}
	}
	slices.Sort(names)
	want := []string{"service/hostnames_covered", "service/issuer_follows_domain", "service/partner_hostname_routed"}
	if !slices.Equal(names, want) {
		t.Errorf("verify %s ran %v, want %v (the network checks are off on the emulator)", e.name, names, want)
	}
}

// Someone deletes the partner hostname's listener rule in the console. The
// nightly drift run takes the change into state (drift --accept), and
// verify then fails, naming the check: the partner would get the
// listener's default 403. Run after the read-only checks: it changes the
// environment.
func (e *stackEnv) verifyCatchesUnroutedPartner(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	partner := "partner-api." + e.zone()
	elbc := elb.NewFromConfig(e.cfg)
	lbs, err := elbc.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
	if err != nil || len(lbs.LoadBalancers) != 1 {
		t.Fatalf("load balancers: %v, %v", lbs, err)
	}
	listeners, err := elbc.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: lbs.LoadBalancers[0].LoadBalancerArn})
	if err != nil {
		t.Fatal(err)
	}
	deleted := 0
	for _, l := range listeners.Listeners {
		rules, err := elbc.DescribeRules(ctx, &elb.DescribeRulesInput{ListenerArn: l.ListenerArn})
		if err != nil {
			t.Fatal(err)
		}
		for _, rule := range rules.Rules {
			for _, c := range rule.Conditions {
				if c.HostHeaderConfig != nil && slices.Contains(c.HostHeaderConfig.Values, partner) {
					if _, err := elbc.DeleteRule(ctx, &elb.DeleteRuleInput{RuleArn: rule.RuleArn}); err != nil {
						t.Fatalf("deleting the partner rule: %v", err)
					}
					deleted++
				}
			}
		}
	}
	if deleted != 1 {
		t.Fatalf("deleted %d listener rules for %s, want 1", deleted, partner)
	}
	d := e.run(t, 0, "drift", e.name, "--unit", "service", "--accept", "--auto-approve")
	if !strings.Contains(d.Stdout+d.Stderr, "aws_lb_listener_rule.partner_api") {
		t.Errorf("drift --accept does not name the deleted rule:\n%s", d)
	}
	r := verifyOf(t, e.run(t, 1, "verify", e.name, "--unit", "service", "--json").Stdout)
	var failed []string
	for _, res := range r.Results {
		if !res.Passed {
			failed = append(failed, res.Name)
			if !strings.Contains(res.Reason, "no listener rule routes "+partner) {
				t.Errorf("%s: reason %q does not name the unrouted hostname", res.Name, res.Reason)
			}
		}
	}
	if !slices.Equal(failed, []string{"partner_hostname_routed"}) {
		t.Errorf("failed checks %v, want [partner_hostname_routed]", failed)
	}
	text := e.run(t, 1, "verify", e.name, "--unit", "service")
	if !strings.Contains(text.Stdout, "partner_hostname_routed") {
		t.Errorf("verify's text view does not name the check:\n%s", text)
	}
}
