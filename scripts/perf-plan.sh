#!/usr/bin/env bash
# Whole-command performance: `stackctl plan` on an N-unit no-op tree of
# terraform_data modules against the floor, the sum of bare `terraform plan`
# times in the same (initialised) working folders divided by the parallelism
# the machine offers (its CPU count).
#
#   scripts/perf-plan.sh [UNITS] [RUNS]        # defaults: 20 units, 5 runs
set -euo pipefail
units=${1:-20}
runs=${2:-5}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CHECKPOINT_DISABLE=1 STACKCTL_OFFLINE=1

cd "$repo"
go build -o "$work/stackctl" ./cmd/stackctl
go run ./internal/treegen/cmd/treegen -units "$units" -width 5 -out "$work/tree"
cd "$work/tree"
"$work/stackctl" apply bench --auto-approve --stream >/dev/null

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

cpus=$(nproc)
stackctl_times=()
for _ in $(seq "$runs"); do
  t0=$(date +%s%N)
  "$work/stackctl" plan bench --detailed-exitcode --stream >/dev/null
  stackctl_times+=("$(ms "$t0")")
done

floor_times=()
for _ in $(seq "$runs"); do
  total=0
  for dir in .stackctl/cache/bench/*/*/src; do
    t0=$(date +%s%N)
    (cd "$dir" && TF_CLI_CONFIG_FILE="$work/tree/.stackctl/cache/terraform.tfrc" terraform plan -input=false -detailed-exitcode -lock=true >/dev/null)
    total=$(( total + $(ms "$t0") ))
  done
  floor_times+=("$total")
done

# The same plan at each parallelism, and one unit against bare terraform:
# where the gap to the floor comes from.
sweep=()
for p in 1 2 3 4 6; do
  ts=()
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N)
    "$work/stackctl" plan bench -p "$p" --stream >/dev/null
    ts+=("$(ms "$t0")")
  done
  sweep+=("p=$p: $(printf '%s\n' "${ts[@]}" | median) ms")
done
one=()
for _ in $(seq "$runs"); do
  t0=$(date +%s%N)
  "$work/stackctl" plan bench --unit layer00/unit000 --stream >/dev/null
  one+=("$(ms "$t0")")
done
start=()
for _ in $(seq "$runs"); do
  t0=$(date +%s%N)
  "$work/stackctl" --version >/dev/null
  start+=("$(ms "$t0")")
done

sc=$(printf '%s\n' "${stackctl_times[@]}" | median)
sum=$(printf '%s\n' "${floor_times[@]}" | median)
floor=$(( sum / cpus ))
echo "units=$units runs=$runs cpus=$cpus"
echo "stackctl plan (no-op, default parallelism): median ${sc} ms  (runs: ${stackctl_times[*]})"
echo "bare terraform plan, summed:                median ${sum} ms  (runs: ${floor_times[*]})"
echo "floor = sum / cpus:                         ${floor} ms"
echo "stackctl / floor:                           $(awk "BEGIN {printf \"%.2f\", $sc / $floor}")"
echo "stackctl plan by --parallelism (median):    ${sweep[*]}"
echo "stackctl plan of one unit:                  median $(printf '%s\n' "${one[@]}" | median) ms"
echo "bare terraform plan of one unit:            median $(( sum / units )) ms (the summed median / $units)"
echo "stackctl --version (process start):         median $(printf '%s\n' "${start[@]}" | median) ms"
