#!/usr/bin/env bash
# make demo / make demo-down: the production stack's dev environment on a
# private AWS emulator (moto, with infra/emulator/moto_launcher.py) on
# 127.0.0.1 and a free port. Nothing leaves the machine.
#
#   scripts/demo.sh up      start the emulator, bootstrap state, apply dev, show outputs and graph
#   scripts/demo.sh down    destroy dev and stop the emulator
#   scripts/demo.sh env     print the exports that point a shell at the running emulator
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
stackctl="$repo/bin/stackctl"
run="$repo/.stackctl/demo"
mkdir -p "$run"

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "demo: $1 is missing: $2" >&2; exit 1; }
}

emulator_running() {
  [ -f "$run/emulator.pid" ] && kill -0 "$(cat "$run/emulator.pid")" 2>/dev/null
}

use_emulator() {
  local port
  port=$(cat "$run/emulator.port")
  export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
  export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=ap-northeast-1 AWS_DEFAULT_REGION=ap-northeast-1
  # No instance metadata, no shared profile: only the emulator is ever asked.
  export AWS_EC2_METADATA_DISABLED=true AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null
  export CHECKPOINT_DISABLE=1
}

start_emulator() {
  if emulator_running; then
    echo "demo: emulator already running on port $(cat "$run/emulator.port")"
    return
  fi
  need python3 "install Python 3"
  python3 -c 'import moto' 2>/dev/null || { echo "demo: moto is missing: pip install 'moto[server]==5.2.1'" >&2; exit 1; }
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  setsid python3 infra/emulator/moto_launcher.py -H 127.0.0.1 -p "$port" >"$run/emulator.log" 2>&1 < /dev/null &
  echo $! >"$run/emulator.pid"
  echo "$port" >"$run/emulator.port"
  for _ in $(seq 120); do
    if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/')" 2>/dev/null; then
      echo "demo: AWS emulator on http://127.0.0.1:$port (log: .stackctl/demo/emulator.log)"
      return
    fi
    emulator_running || { echo "demo: the emulator exited:" >&2; tail -20 "$run/emulator.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "demo: the emulator did not answer within 60s" >&2
  exit 1
}

# What README's "Before the first apply" asks of a team, done on the
# emulator: the domain's public zone exists (dev's zone is delegated from
# it), and the external services' secrets are in SSM (made-up values here).
seed_emulator() {
  python3 - <<'PY'
import os
import boto3
from botocore.exceptions import ClientError

ep = os.environ["AWS_ENDPOINT_URL"]
r53 = boto3.client("route53", endpoint_url=ep, region_name="us-east-1")
if not any(z["Name"] == "bookmark-manager.test." for z in r53.list_hosted_zones()["HostedZones"]):
    r53.create_hosted_zone(Name="bookmark-manager.test", CallerReference="demo")
ssm = boto3.client("ssm", endpoint_url=ep, region_name=os.environ["AWS_REGION"])
for name in ["MONGODB_URI", "DATADOG_API_KEY", "WEB_SENTRY_DSN", "API_SENTRY_DSN"]:
    try:
        ssm.put_parameter(Name="/bookmark-manager/dev/inputs/" + name, Type="SecureString",
                          Value="demo-" + name.lower(), Overwrite=False)
    except ClientError as e:
        if e.response["Error"]["Code"] != "ParameterAlreadyExists":
            raise
print("demo: seeded the domain's zone bookmark-manager.test and dev's external secrets in SSM")
PY
}

stop_emulator() {
  if emulator_running; then
    local pid
    pid=$(cat "$run/emulator.pid")
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
  fi
  rm -f "$run/emulator.pid" "$run/emulator.port"
}

case "${1:-up}" in
up)
  need terraform "install terraform 1.11 (https://developer.hashicorp.com/terraform/install)"
  [ -x "$stackctl" ] || { echo "demo: $stackctl is missing: make build" >&2; exit 1; }
  # stackctl.hcl installs hashicorp/aws from this mirror only; without it
  # the apply would fail minutes in, after the emulator and bootstrap.
  mirror=${STACKCTL_PROVIDER_MIRROR:-/opt/tf-plugins}
  [ -d "$mirror/registry.terraform.io/hashicorp/aws" ] || {
    echo "demo: no hashicorp/aws in the provider mirror $mirror: fill it on a machine with internet access (terraform -chdir=infra/modules/network providers mirror $mirror) or set STACKCTL_PROVIDER_MIRROR" >&2
    exit 1
  }
  start_emulator
  use_emulator
  seed_emulator
  echo
  echo "== stackctl bootstrap dev"
  "$stackctl" bootstrap dev
  echo
  echo "== stackctl apply dev --auto-approve   (a few minutes: the AWS provider waits on RDS, the ALB, Route53)"
  "$stackctl" apply dev --auto-approve
  echo
  echo "== stackctl output dev"
  "$stackctl" output dev
  echo
  echo "== stackctl verify dev   (the post-deploy checks; on the emulator, the asserts on what the ALB routes and serves)"
  "$stackctl" verify dev

  echo "== stackctl diff-env staging prod   (only the differences stackctl.hcl declares)"
  "$stackctl" diff-env staging prod > "$run/diff-env.txt"
  head -1 "$run/diff-env.txt"

  echo "== stackctl graph dev --format mermaid"
  "$stackctl" graph dev --format mermaid
  echo
  echo "The emulator keeps running. Try, after: eval \"\$(scripts/demo.sh env)\""
  echo "  bin/stackctl plan dev --detailed-exitcode     # a no-op"
  echo "  bin/stackctl render dev --unit service"
  echo "Tear down with: make demo-down"
  ;;
down)
  if emulator_running; then
    use_emulator
    echo "== stackctl destroy dev --auto-approve"
    "$stackctl" destroy dev --auto-approve || echo "demo: destroy failed; stopping the emulator anyway (it keeps nothing)" >&2
  fi
  stop_emulator
  echo "demo: emulator stopped"
  ;;
env)
  emulator_running || { echo "demo: no emulator running: make demo" >&2; exit 1; }
  port=$(cat "$run/emulator.port")
  echo "export AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=ap-northeast-1 AWS_DEFAULT_REGION=ap-northeast-1 AWS_EC2_METADATA_DISABLED=true AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1"
  ;;
*)
  echo "usage: scripts/demo.sh up|down|env" >&2
  exit 2
  ;;
esac
