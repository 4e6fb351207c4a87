package stack

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// The security properties the emulator accepts but does not enforce,
// asserted from the units' plans (for dev and staging the plan of the
// applied stack, whose planned values are its state; for prod a plan from
// nothing, where the configuration's references stand in for values
// known only after apply).

// Only CloudFront (its origin-facing prefix list) and the configured
// partner networks reach the ALB, on 443 only; nothing is open to the
// world; the tasks' egress is not "everything".
func checkALBIngress(t *testing.T, e *stackEnv) {
	net := e.plans["network"]
	pl := net.configOf(t, "data.aws_ec2_managed_prefix_list.cloudfront")
	if name, _ := pl["name"].(map[string]any)["constant_value"].(string); name != "com.amazonaws.global.cloudfront.origin-facing" {
		t.Errorf("the ALB's prefix list is %q, want CloudFront's origin-facing list", name)
	}
	fromCloudFront := 0
	for _, addr := range net.addresses("aws_vpc_security_group_ingress_rule") {
		v := net.values(t, addr)
		if cidr, _ := v["cidr_ipv4"].(string); cidr == "0.0.0.0/0" {
			t.Errorf("%s is open to the world", addr)
		}
		cfg := net.configOf(t, addr)
		if !hasRef(refs(cfg["security_group_id"]), "aws_security_group.alb.id") {
			continue // a rule of another group (the tasks' ingress from the ALB, ...)
		}
		if v["from_port"] != 443.0 || v["to_port"] != 443.0 {
			t.Errorf("%s: ALB ingress on ports %v-%v, want 443 only", addr, v["from_port"], v["to_port"])
		}
		switch cidr, _ := v["cidr_ipv4"].(string); {
		case hasRef(refs(cfg["prefix_list_id"]), "data.aws_ec2_managed_prefix_list.cloudfront.id"):
			fromCloudFront++
		case cidr != "" && slices.Contains(e.partnerCIDRs, cidr):
		default:
			t.Errorf("%s: ALB ingress from neither CloudFront's prefix list nor a partner network: %v", addr, v)
		}
	}
	if fromCloudFront != 1 {
		t.Errorf("ALB ingress rules from CloudFront's prefix list: %d, want 1", fromCloudFront)
	}
	for _, addr := range net.addresses("aws_vpc_security_group_egress_rule") {
		if v := net.values(t, addr); v["ip_protocol"] == "-1" {
			t.Errorf("%s allows all egress", addr)
		}
	}
}

// The application's listener rules forward only with the origin-verify
// header that CloudFront sends (and on an applied stack its value is the
// key in SSM); anything else gets the listener's 403.
func checkOriginHeader(t *testing.T, e *stackEnv) {
	svc := e.plans["service"]
	var key string
	if e.applied {
		out, err := ssm.NewFromConfig(e.cfg).GetParameter(context.Background(), &ssm.GetParameterInput{
			Name: aws.String("/bookmark-manager/" + e.name + "/gateway/ORIGIN_VERIFY_KEY"), WithDecryption: aws.Bool(true)})
		if err != nil {
			t.Fatalf("reading the origin-verify key: %v", err)
		}
		key = aws.ToString(out.Parameter.Value)
	}
	for _, addr := range []string{"aws_lb_listener_rule.app_api", "aws_lb_listener_rule.app_web"} {
		found := false
		for _, c := range blocks(svc.values(t, addr), "condition") {
			h := block(c, "http_header")
			if h == nil {
				continue
			}
			found = h["http_header_name"] == "X-Origin-Verify"
			if vals, _ := h["values"].([]any); e.applied && (len(vals) != 1 || vals[0] != key) {
				t.Errorf("%s: the header condition does not hold the key in SSM", addr)
			}
		}
		if !found {
			t.Errorf("%s forwards without the X-Origin-Verify header condition", addr)
		}
		if !hasRef(refs(svc.configOf(t, addr)), "data.aws_ssm_parameter.origin_verify_key.value") {
			t.Errorf("%s: the header condition is not the generated key", addr)
		}
	}
	for _, addr := range svc.addresses("aws_lb_listener") {
		v := svc.values(t, addr)
		if v["port"] != 443.0 {
			t.Errorf("%s listens on %v: only 443 is reachable", addr, v["port"])
		}
		if fr := block(block(v, "default_action"), "fixed_response"); fr == nil || fr["status_code"] != "403" {
			t.Errorf("%s: default action %v, want a fixed 403", addr, block(v, "default_action"))
		}
	}
	edge := e.plans["edge"]
	for _, o := range blocks(edge.values(t, "aws_cloudfront_distribution.this"), "origin") {
		if o["origin_id"] != "alb" {
			continue
		}
		if h := block(o, "custom_header"); h == nil || h["name"] != "X-Origin-Verify" {
			t.Errorf("CloudFront sends no X-Origin-Verify header to the ALB: %v", o["custom_header"])
		}
	}
}

// Each service's execution role reads exactly its own secrets: web never
// the database, nobody the master password; task roles only their own path.
// (Policies are known once the parameters exist: checked on applied stacks.)
func checkSSMScopes(t *testing.T, e *stackEnv) {
	svc := e.plans["service"]
	resources := func(addr string) []string {
		doc, _ := svc.values(t, addr)["policy"].(string)
		var p struct {
			Statement []struct {
				Action   any
				Resource any
			}
		}
		if err := json.Unmarshal([]byte(doc), &p); err != nil {
			t.Fatalf("%s: policy %q: %v", addr, doc, err)
		}
		var out []string
		for _, st := range p.Statement {
			if !strings.Contains(jsonText(st.Action), "ssm:") {
				continue
			}
			switch r := st.Resource.(type) {
			case string:
				out = append(out, r)
			case []any:
				for _, x := range r {
					out = append(out, x.(string))
				}
			}
		}
		sort := slices.Clone(out)
		slices.Sort(sort)
		return sort
	}
	prefix := "arn:aws:ssm:" + envRegion + ":123456789012:parameter/bookmark-manager/" + e.name
	want := map[string][]string{
		`aws_iam_role_policy.execution_secrets["web"]`: {prefix + "/shared/DATADOG_API_KEY", prefix + "/web/SENTRY_DSN"},
		`aws_iam_role_policy.execution_secrets["api"]`: {prefix + "/api/JWT_SIGNING_KEY", prefix + "/api/MONGODB_URI", prefix + "/api/SENTRY_DSN",
			prefix + "/database/DATABASE_URL", prefix + "/gateway/ORIGIN_VERIFY_KEY", prefix + "/shared/DATADOG_API_KEY"},
		`aws_iam_role_policy.task["web"]`: {prefix + "/web", prefix + "/web/*"},
		`aws_iam_role_policy.task["api"]`: {prefix + "/api", prefix + "/api/*"},
	}
	for addr, w := range want {
		if got := resources(addr); !slices.Equal(got, w) {
			t.Errorf("%s reads SSM %v, want exactly %v", addr, got, w)
		}
	}
	for _, addr := range svc.addresses("aws_iam_role_policy") {
		if doc, _ := svc.values(t, addr)["policy"].(string); strings.Contains(doc, "master-password") {
			t.Errorf("%s may read the database master password", addr)
		}
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Staging and prod run the image CI pushed, never "latest".
func checkImages(t *testing.T, e *stackEnv) {
	svc := e.plans["service"]
	if tag := svc.vars["image_tag"]; e.name != "dev" && (tag == "latest" || tag != e.imageTag) {
		t.Errorf("%s runs image tag %v, want the commit SHA %s", e.name, tag, e.imageTag)
	}
	if !e.applied {
		return
	}
	for _, addr := range svc.addresses("aws_ecs_task_definition") {
		defs, _ := svc.values(t, addr)["container_definitions"].(string)
		var cs []struct{ Image string }
		if err := json.Unmarshal([]byte(defs), &cs); err != nil || len(cs) != 1 {
			t.Fatalf("%s: container definitions %q: %v", addr, defs, err)
		}
		if e.name != "dev" && (strings.HasSuffix(cs[0].Image, ":latest") || !strings.HasSuffix(cs[0].Image, ":"+e.imageTag)) {
			t.Errorf("%s runs %s, want the tag %s", addr, cs[0].Image, e.imageTag)
		}
	}
}

// The database requires TLS (rds.force_ssl in the cluster's parameter
// group), keeps its minor version, and has no password in configuration.
func checkDatabaseSettings(t *testing.T, e *stackEnv) {
	db := e.plans["database"]
	ssl := false
	for _, p := range blocks(db.values(t, "aws_rds_cluster_parameter_group.this"), "parameter") {
		ssl = ssl || (p["name"] == "rds.force_ssl" && p["value"] == "1")
	}
	if !ssl {
		t.Error("the cluster parameter group does not set rds.force_ssl = 1")
	}
	if !hasRef(refs(db.configOf(t, "aws_rds_cluster.this")), "aws_rds_cluster_parameter_group.this.name") {
		t.Error("the cluster does not use the force_ssl parameter group")
	}
	cl := db.values(t, "aws_rds_cluster.this")
	if cl["master_password"] != nil || cl["master_password_wo_version"] == nil {
		t.Errorf("the cluster's password is not write-only: master_password %v, version %v", cl["master_password"] != nil, cl["master_password_wo_version"])
	}
	for _, addr := range db.addresses("aws_rds_cluster_instance") {
		if db.values(t, addr)["auto_minor_version_upgrade"] != false {
			t.Errorf("%s: automatic minor upgrades are on (every plan after one would downgrade)", addr)
		}
	}
}

// The circuit breaker (with rollback) and ECS exec on both services, from
// the plan: moto returns no deployment configuration to check.
func checkCircuitBreaker(t *testing.T, e *stackEnv) {
	svc := e.plans["service"]
	for _, app := range []string{"web", "api"} {
		v := svc.values(t, `aws_ecs_service.app["`+app+`"]`)
		if cb := block(v, "deployment_circuit_breaker"); cb == nil || cb["enable"] != true || cb["rollback"] != true {
			t.Errorf("%s: circuit breaker %v, want enabled with rollback", app, cb)
		}
		if v["enable_execute_command"] != true {
			t.Errorf("%s: ECS exec is off", app)
		}
	}
}

// Every bucket of every unit blocks public access and is encrypted; the
// maintenance page's bucket, which DNS failover needs to be a public
// website, still blocks ACLs, is encrypted, and allows reads only.
func checkBucketsPrivate(t *testing.T, e *stackEnv) {
	n := 0
	for _, unit := range stackUnits {
		p := e.plans[unit]
		for _, addr := range p.addresses("aws_s3_bucket") {
			n++
			name := strings.TrimPrefix(addr, "aws_s3_bucket.")
			ref := "aws_s3_bucket." + name + ".id"
			var pab, sse map[string]any
			for a := range p.planned {
				if !hasRef(refs(p.configOf(t, a)["bucket"]), ref) {
					continue
				}
				switch {
				case strings.HasPrefix(a, "aws_s3_bucket_public_access_block."):
					pab = p.values(t, a)
				case strings.HasPrefix(a, "aws_s3_bucket_server_side_encryption_configuration."):
					sse = p.values(t, a)
				}
			}
			flags := []string{"block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"}
			if name == "maintenance" {
				flags = flags[:2]
			}
			for _, f := range flags {
				if pab == nil || pab[f] != true {
					t.Errorf("%s/%s: %s is not set (public access block %v)", unit, addr, f, pab)
				}
			}
			if alg := block(block(sse, "rule"), "apply_server_side_encryption_by_default"); alg == nil || alg["sse_algorithm"] == "" {
				t.Errorf("%s/%s is not encrypted (%v)", unit, addr, sse)
			}
		}
	}
	if n < 4 {
		t.Errorf("found %d buckets, want logs, backups, assets and maintenance at least", n)
	}
	if !e.applied {
		return
	}
	// And as the emulator answers for every bucket it holds (the state
	// bucket too).
	ctx := context.Background()
	c := s3.NewFromConfig(e.cfg, func(o *s3.Options) { o.UsePathStyle = true })
	list, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range list.Buckets {
		name := aws.ToString(b.Name)
		if _, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b.Name}); err != nil {
			t.Errorf("bucket %s: no encryption: %v", name, err)
		}
		pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b.Name})
		if err != nil {
			t.Errorf("bucket %s: no public access block: %v", name, err)
			continue
		}
		pc := pab.PublicAccessBlockConfiguration
		private := aws.ToBool(pc.BlockPublicAcls) && aws.ToBool(pc.IgnorePublicAcls)
		if name != e.domain() {
			private = private && aws.ToBool(pc.BlockPublicPolicy) && aws.ToBool(pc.RestrictPublicBuckets)
		}
		if !private {
			t.Errorf("bucket %s is not private: %+v", name, pc)
		}
	}
}
