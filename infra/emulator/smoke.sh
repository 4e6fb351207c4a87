#!/usr/bin/env bash
# End-to-end smoke test of the four stack modules with plain terraform against
# the local AWS emulator (moto, started through moto_launcher.py).
#
#   network -> database -> service -> edge : init + apply (upstream outputs fed
#   in as tfvars JSON), then a second plan of each that must be a no-op, then
#   destroy in reverse order and check that the emulator holds nothing of ours.
#
# Only 127.0.0.1 is ever contacted. Requirements: terraform >= 1.11, the
# hashicorp/aws provider in a filesystem mirror, python3 with moto 5.2.1 and boto3.
#
# Environment knobs:
#   TF_PROVIDER_MIRROR  filesystem mirror of providers      (default /opt/tf-plugins)
#   SMOKE_PLUGIN_CACHE  terraform plugin cache dir          (default <workdir>/plugin-cache)
#   SMOKE_REGION        region of the environment           (default ap-northeast-1)
#   SMOKE_PROFILE       full: prod-like shape (2 NAT gateways, 2 DB instances,
#                       partner hostname, 2 tasks) -- the default;
#                       dev: the modules' defaults (1 NAT, 1 instance, no partner)
#   SMOKE_KEEP=1        keep the work dir (state, logs) after the run
#   PYTHON              python interpreter with moto        (default python3)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
MODULES_DIR="$REPO/infra/modules"
MODULES=(network database service edge)
PYTHON="${PYTHON:-python3}"
REGION="${SMOKE_REGION:-ap-northeast-1}"
PROFILE="${SMOKE_PROFILE:-full}"
case "$PROFILE" in full | dev) ;; *) echo "SMOKE_PROFILE must be full or dev" >&2; exit 1 ;; esac
export SMOKE_PROFILE="$PROFILE"
MIRROR="${TF_PROVIDER_MIRROR:-/opt/tf-plugins}"
TF_TIMEOUT=1200 # seconds; a hung apply (e.g. an emulator gap) fails instead of hanging

WORK="$(mktemp -d /tmp/stackctl-smoke.XXXXXX)"
MOTO_PID=""
TIMINGS=()

cleanup() {
  local rc=$?
  if [[ -n "$MOTO_PID" ]] && kill -0 "$MOTO_PID" 2>/dev/null; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 ]]; then
    echo "smoke: FAILED (rc=$rc); logs in $WORK" >&2
  elif [[ "${SMOKE_KEEP:-0}" == 1 ]]; then
    echo "smoke: work dir kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT

now() { date +%s.%N; }

# step NAME CMD...: run CMD with its output in $WORK/logs/NAME.log, record the time.
step() {
  local name=$1
  shift
  local log="$WORK/logs/$name.log" start end rc=0
  start=$(now)
  "$@" >"$log" 2>&1 || rc=$?
  end=$(now)
  local secs
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  TIMINGS+=("$(printf '%-22s %7s s' "$name" "$secs")")
  printf 'smoke: %-22s %7s s  (rc=%d)\n' "$name" "$secs" "$rc"
  if [[ $rc -ne 0 ]]; then
    echo "----- $log (last 40 lines) -----" >&2
    tail -n 40 "$log" >&2
    return $rc
  fi
}

mkdir -p "$WORK/logs"
TOTAL_START=$(now)

# --- Never reach the internet ------------------------------------------------------
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1
export TF_INPUT=0
PLUGIN_CACHE="${SMOKE_PLUGIN_CACHE:-$WORK/plugin-cache}"
mkdir -p "$PLUGIN_CACHE"
cat >"$WORK/terraformrc" <<EOF
disable_checkpoint = true
plugin_cache_dir   = "$PLUGIN_CACHE"
provider_installation {
  filesystem_mirror {
    path = "$MIRROR"
  }
}
EOF
export TF_CLI_CONFIG_FILE="$WORK/terraformrc"

PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_REGION="$REGION" AWS_DEFAULT_REGION="$REGION"
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE || true

# --- Emulator ---------------------------------------------------------------------------
start_emulator() {
  "$PYTHON" "$HERE/moto_launcher.py" -H 127.0.0.1 -p "$PORT" >"$WORK/logs/moto.log" 2>&1 &
  MOTO_PID=$!
  # Up to 60 s, as the tests and make demo wait: importing moto is slow on a busy machine.
  for _ in $(seq 1 600); do
    if curl -sf -m 2 -o /dev/null "$AWS_ENDPOINT_URL/moto-api/"; then
      return 0
    fi
    kill -0 "$MOTO_PID" 2>/dev/null || { cat "$WORK/logs/moto.log"; return 1; }
    sleep 0.1
  done
  echo "emulator did not answer on $AWS_ENDPOINT_URL" >&2
  return 1
}
step emulator-start start_emulator
echo "smoke: profile $PROFILE, emulator pid $MOTO_PID on $AWS_ENDPOINT_URL, work dir $WORK"

# --- Launcher patches not exercised by the stack (IAM rename paths) ---------------------
launcher_checks() {
  "$PYTHON" - <<'PY'
import datetime
import boto3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
iam = boto3.client("iam")
# UpdateServerCertificate (moto: not implemented)
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smoke.example.com")])
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(1)
        .not_valid_before(datetime.datetime(2024, 1, 1))
        .not_valid_after(datetime.datetime(2034, 1, 1)).sign(key, hashes.SHA256()))
iam.upload_server_certificate(
    ServerCertificateName="smoke-old",
    CertificateBody=cert.public_bytes(serialization.Encoding.PEM).decode(),
    PrivateKey=key.private_bytes(serialization.Encoding.PEM,
                                 serialization.PrivateFormat.TraditionalOpenSSL,
                                 serialization.NoEncryption()).decode())
iam.update_server_certificate(ServerCertificateName="smoke-old",
                              NewServerCertificateName="smoke-new", NewPath="/smoke/")
meta = iam.get_server_certificate(ServerCertificateName="smoke-new")["ServerCertificate"]["ServerCertificateMetadata"]
assert meta["Path"] == "/smoke/", meta
iam.delete_server_certificate(ServerCertificateName="smoke-new")
# UpdateUser rename keeps tags and access keys (moto: dropped / left on the old name)
iam.create_user(UserName="smoke-old", Tags=[{"Key": "ManagedBy", "Value": "stackctl"}])
key_id = iam.create_access_key(UserName="smoke-old")["AccessKey"]["AccessKeyId"]
iam.update_user(UserName="smoke-old", NewUserName="smoke-new")
assert iam.list_user_tags(UserName="smoke-new")["Tags"] == [{"Key": "ManagedBy", "Value": "stackctl"}]
keys = iam.list_access_keys(UserName="smoke-new")["AccessKeyMetadata"]
assert [k["AccessKeyId"] for k in keys] == [key_id] and keys[0]["UserName"] == "smoke-new", keys
iam.delete_access_key(UserName="smoke-new", AccessKeyId=key_id)
iam.delete_user(UserName="smoke-new")
print("launcher IAM patches: ok")
PY
}
step launcher-checks launcher_checks

# --- Static checks --------------------------------------------------------------------------
step fmt-check terraform fmt -check -recursive "$MODULES_DIR"

# Work on copies: terraform writes .terraform/ and the lock file next to the code.
for m in "${MODULES[@]}"; do
  mkdir -p "$WORK/$m"
  (cd "$MODULES_DIR/$m" && find . -maxdepth 1 -type f -name '*.tf' -exec cp {} "$WORK/$m/" \;)
done

tf() { # tf MODULE ARGS...
  local m=$1
  shift
  timeout "$TF_TIMEOUT" terraform -chdir="$WORK/$m" "$@" -no-color
}

# --- tfvars: common inputs + upstream outputs ------------------------------------------------
# write_tfvars MODULE: $WORK/MODULE.tfvars.json from the outputs of the units applied before.
write_tfvars() {
  local m=$1
  "$PYTHON" - "$WORK" "$m" "$REGION" <<'PY'
import json, os, sys
work, unit, region = sys.argv[1:4]

def out(mod):
    with open(os.path.join(work, f"{mod}.outputs.json")) as f:
        return {k: v["value"] for k, v in json.load(f).items()}

full = os.environ["SMOKE_PROFILE"] == "full"
v = {"project": "bookmark-manager", "environment": "smoke", "unit": unit,
     "aws_region": region, "aws_emulator": True}
app_domain = "app.smoke.bookmark-manager.test"
if unit == "network":
    # The parent zone is seeded before the network apply (seed_parent_zone).
    v.update(dns_zone_name="smoke.bookmark-manager.test", dns_zone_mode="delegated",
             dns_parent_zone_name="bookmark-manager.test", dns_zone_force_destroy=True,
             log_bucket_force_destroy=True, log_bucket_retention_days=31)
    if full:  # prod-like shape so that every resource is exercised
        v.update(nat_gateway_count=2)
elif unit == "database":
    n = out("network")
    v.update(private_subnet_ids=n["private_subnet_ids"],
             database_security_group_id=n["database_security_group_id"],
             backup_bucket_force_destroy=True)
    if full:  # prod sizes, but destroyable (no protection, no final snapshot)
        v.update(instance_count=2, min_capacity=2, max_capacity=16,
                 deletion_protection=False, final_snapshot=False)
elif unit == "service":
    n, d = out("network"), out("database")
    v.update(vpc_id=n["vpc_id"], public_subnet_ids=n["public_subnet_ids"],
             private_subnet_ids=n["private_subnet_ids"],
             alb_security_group_id=n["alb_security_group_id"],
             ecs_security_group_id=n["ecs_security_group_id"],
             dns_zone_id=n["dns_zone_id"],
             database_url_parameter_arn=d["database_url_parameter_arn"],
             ssm_parameter_prefix=d["ssm_parameter_prefix"],
             log_bucket_name=n["log_bucket_name"], database_cluster_id=d["cluster_id"],
             image_tag="smoke", external_secrets={
                 "mongodb_uri": "mongodb+srv://smoke", "datadog_api_key": "smoke-dd",
                 "web_sentry_dsn": "https://web@sentry.invalid/1", "api_sentry_dsn": "https://api@sentry.invalid/2"},
             app_domain=app_domain, ecr_force_delete=True)
    if full:
        v.update(partner_api_domain="partner-api.smoke.bookmark-manager.test",
                 web_min_tasks=2, web_max_tasks=6, api_min_tasks=2, api_max_tasks=6,
                 alarm_email_addresses=["oncall@example.com"])
elif unit == "edge":
    n, s = out("network"), out("service")
    v.update(dns_zone_id=n["dns_zone_id"], alb_dns_name=s["alb_dns_name"],
             alb_zone_id=s["alb_zone_id"], app_domain=s["app_domain"],
             partner_api_domain=s["partner_api_domain"],
             task_role_names=s["task_role_names"], origin_verify_header=s["origin_verify_header"],
             origin_verify_key=s["origin_verify_key"],
             assets_bucket_force_destroy=True)
with open(os.path.join(work, f"{unit}.tfvars.json"), "w") as f:
    json.dump(v, f, indent=2)
PY
}

save_outputs() {
  tf "$1" output -json >"$WORK/$1.outputs.json"
}

# --- The domain's zone, which a team has before its first apply (dev's zone is delegated) ----
step "seed-parent-zone" "$PYTHON" -c 'import boto3; boto3.client("route53").create_hosted_zone(Name="bookmark-manager.test", CallerReference="smoke")'

# --- Apply in dependency order ---------------------------------------------------------------
for m in "${MODULES[@]}"; do
  step "$m-init" tf "$m" init -input=false
  step "$m-validate" tf "$m" validate
  write_tfvars "$m"
  step "$m-apply" tf "$m" apply -auto-approve -input=false -var-file="$WORK/$m.tfvars.json"
  save_outputs "$m"
done

# --- Second plan of every unit must be a no-op ----------------------------------------------
for m in "${MODULES[@]}"; do
  step "$m-plan" tf "$m" plan -detailed-exitcode -input=false -var-file="$WORK/$m.tfvars.json"
done

# --- A few end-to-end facts the no-op plans do not show -------------------------------------
check_applied() {
  "$PYTHON" - "$WORK" <<'PY'
import json, os, sys
import boto3
work = sys.argv[1]
out = lambda m: {k: v["value"] for k, v in json.load(open(os.path.join(work, f"{m}.outputs.json"))).items()}
d, s, e = out("database"), out("service"), out("edge")
ssm = boto3.client("ssm")
p = {x["Name"]: x for x in ssm.get_parameters(
    Names=[d["master_password_parameter_name"], d["database_url_parameter_name"]],
    WithDecryption=True)["Parameters"]}
pw, url = p[d["master_password_parameter_name"]], p[d["database_url_parameter_name"]]
assert pw["Type"] == url["Type"] == "SecureString", "parameters must be SecureString"
assert len(pw["Value"]) >= 32 and pw["Value"] in url["Value"], "DATABASE_URL must carry the master password"
assert d["cluster_endpoint"] in url["Value"], "DATABASE_URL must point at the writer endpoint"
aas = boto3.client("application-autoscaling")
targets = aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
assert len(targets) == 2, targets
for t in targets:
    tags = aas.list_tags_for_resource(ResourceARN=t["ScalableTargetARN"])["Tags"]
    assert tags.get("ManagedBy") == "stackctl" and tags.get("Unit") == "service", tags
cf = boto3.client("cloudfront")
dist = cf.get_distribution(Id=e["cloudfront_distribution_id"])["Distribution"]["DistributionConfig"]
assert dist["WebACLId"] == e["waf_web_acl_arn"], "WAF not attached"
oac = [o.get("OriginAccessControlId") for o in dist["Origins"]["Items"]]
assert e["origin_access_control_id"] in oac, oac
pol = json.loads(boto3.client("s3").get_bucket_policy(Bucket=e["assets_bucket_name"])["Policy"])
assert pol["Statement"][0]["Condition"]["StringEquals"]["AWS:SourceArn"] == e["cloudfront_distribution_arn"]
elb = boto3.client("elbv2")
rules = elb.describe_rules(ListenerArn=s["https_listener_arn"])["Rules"]
partner = bool(s["partner_api_domain"])
assert len(rules) == 3 + partner, f"expected {2 + partner} rules + default, got {len(rules)}"
certs = elb.describe_listener_certificates(ListenerArn=s["https_listener_arn"])["Certificates"]
if partner:
    assert any(c["CertificateArn"] == s["partner_api_certificate_arn"] for c in certs), certs
    zone = boto3.client("route53").list_resource_record_sets(HostedZoneId=out("network")["dns_zone_id"])["ResourceRecordSets"]
    assert any(r["Name"].rstrip(".") == s["partner_api_domain"] and r["Type"] == "A" for r in zone), "partner record"
else:
    assert s["partner_api_certificate_arn"] == "" and e["partner_api_fqdn"] == "", "partner outputs must be empty"
print("applied stack checks: ok")
PY
}
step checks check_applied

# --- Destroy in reverse order ---------------------------------------------------------------------
for ((i = ${#MODULES[@]} - 1; i >= 0; i--)); do
  m=${MODULES[$i]}
  step "$m-destroy" tf "$m" destroy -auto-approve -input=false -var-file="$WORK/$m.tfvars.json"
done

# --- Nothing may be left ----------------------------------------------------------------------------
check_empty() {
  for m in "${MODULES[@]}"; do
    local left
    left=$(tf "$m" state list 2>/dev/null || true)
    if [[ -n "$left" ]]; then
      echo "state of $m not empty: $left"
      return 1
    fi
  done
  "$PYTHON" - "$REGION" <<'PY'
import sys
import boto3
region = sys.argv[1]
left = []
def chk(what, items):
    items = list(items)
    if items:
        left.append(f"{what}: {items}")
for r in sorted({region, "us-east-1"}):
    ec2 = boto3.client("ec2", region_name=r)
    chk(f"{r} vpcs", [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")])
    chk(f"{r} nat gateways", [n["NatGatewayId"] for n in ec2.describe_nat_gateways()["NatGateways"] if n["State"] not in ("deleted", "deleting")])
    chk(f"{r} elastic ips", [a.get("AllocationId") for a in ec2.describe_addresses()["Addresses"]])
    chk(f"{r} vpc endpoints", [e["VpcEndpointId"] for e in ec2.describe_vpc_endpoints()["VpcEndpoints"] if e["State"].lower() not in ("deleted", "deleting")])
    chk(f"{r} security groups", [g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"] if g["GroupName"] != "default"])
    rds = boto3.client("rds", region_name=r)
    chk(f"{r} rds clusters", [c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]])
    chk(f"{r} rds instances", [i["DBInstanceIdentifier"] for i in rds.describe_db_instances()["DBInstances"]])
    chk(f"{r} db subnet groups", [g["DBSubnetGroupName"] for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]])
    chk(f"{r} cluster snapshots", [s["DBClusterSnapshotIdentifier"] for s in rds.describe_db_cluster_snapshots()["DBClusterSnapshots"] if s.get("SnapshotType") != "automated"])
    chk(f"{r} ssm parameters", [p["Name"] for p in boto3.client("ssm", region_name=r).describe_parameters()["Parameters"]])
    ecs = boto3.client("ecs", region_name=r)
    chk(f"{r} ecs clusters", [c["clusterName"] for c in ecs.describe_clusters(clusters=ecs.list_clusters()["clusterArns"])["clusters"] if c["status"] == "ACTIVE"] if ecs.list_clusters()["clusterArns"] else [])
    chk(f"{r} ecs task definitions", ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"])
    chk(f"{r} ecr repositories", [x["repositoryName"] for x in boto3.client("ecr", region_name=r).describe_repositories()["repositories"]])
    elb = boto3.client("elbv2", region_name=r)
    chk(f"{r} load balancers", [x["LoadBalancerName"] for x in elb.describe_load_balancers()["LoadBalancers"]])
    chk(f"{r} target groups", [x["TargetGroupName"] for x in elb.describe_target_groups()["TargetGroups"]])
    chk(f"{r} acm certificates", [x["DomainName"] for x in boto3.client("acm", region_name=r).list_certificates()["CertificateSummaryList"]])
    chk(f"{r} log groups", [x["logGroupName"] for x in boto3.client("logs", region_name=r).describe_log_groups()["logGroups"]])
    chk(f"{r} sns topics", [x["TopicArn"] for x in boto3.client("sns", region_name=r).list_topics()["Topics"]])
    chk(f"{r} alarms", [x["AlarmName"] for x in boto3.client("cloudwatch", region_name=r).describe_alarms()["MetricAlarms"]])
    chk(f"{r} scalable targets", [x["ResourceId"] for x in boto3.client("application-autoscaling", region_name=r).describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]])
chk("iam roles", [x["RoleName"] for x in boto3.client("iam").list_roles()["Roles"] if x["RoleName"].startswith("bookmark-manager-")])
# The domain's zone was seeded (a team's, not the stack's); it must be empty
# again: no delegation left.
r53 = boto3.client("route53")
zones = r53.list_hosted_zones()["HostedZones"]
chk("route53 zones", [z["Name"] for z in zones if z["Name"] != "bookmark-manager.test."])
for z in zones:
    if z["Name"] == "bookmark-manager.test.":
        chk("records in the domain's zone", [r["Name"] + " " + r["Type"] for r in r53.list_resource_record_sets(HostedZoneId=z["Id"])["ResourceRecordSets"] if r["Type"] not in ("SOA", "NS") or r["Name"] != "bookmark-manager.test."])
cf = boto3.client("cloudfront")
chk("cloudfront distributions", [d["Id"] for d in (cf.list_distributions()["DistributionList"].get("Items") or [])])
chk("cloudfront origin access controls", [o["Id"] for o in (cf.list_origin_access_controls()["OriginAccessControlList"].get("Items") or [])])
chk("s3 buckets", [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]])
chk("wafv2 web acls", [a["Name"] for a in boto3.client("wafv2", region_name="us-east-1").list_web_acls(Scope="CLOUDFRONT")["WebACLs"]])
if left:
    print("left behind after destroy:\n  " + "\n  ".join(left))
    sys.exit(1)
print("nothing left behind")
PY
}
step check-empty check_empty

TOTAL_END=$(now)
echo
echo "smoke: timings"
printf '  %s\n' "${TIMINGS[@]}"
printf '  %-22s %7s s\n' total "$(awk -v a="$TOTAL_START" -v b="$TOTAL_END" 'BEGIN { printf "%.1f", b - a }')"
echo "smoke: PASSED"
