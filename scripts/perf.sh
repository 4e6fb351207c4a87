#!/usr/bin/env bash
# One command for this machine's performance figures (docs/performance.md):
#
#   1. apply of UNITS terraform_data units, every unit changed, at
#      PARALLELISM, against the floor: the sum of bare
#      `terraform apply -auto-approve` times of the same units in the same
#      working folders, divided by PARALLELISM;
#   2. cold init (no working folders, no caches) against the sum of bare
#      `terraform init` times / PARALLELISM;
#   3. no-op plan against the sum of bare `terraform plan` times /
#      PARALLELISM;
#   3b. cold apply (no caches, every unit changed) against the bare init
#      and apply sums; each figure also against bare terraform's CPU time
#      divided by the CPUs;
#   4. `stackctl graph` time and peak RSS (/usr/bin/time) on generated trees
#      of GRAPH_UNITS units, next to the peak RSS of `stackctl --version`
#      (the baseline: the binary and the Go runtime, before any tree).
#
# Every figure is the median of RUNS runs. Quick run: RUNS=1 make perf.
#
#   scripts/perf.sh                     # RUNS=5 UNITS=20 PARALLELISM=4 GRAPH_UNITS="1000 10000"
#   RUNS=3 GRAPH_UNITS=1000 scripts/perf.sh
#
# Terraform runs offline: only terraform_data (built in, nothing to
# download), CHECKPOINT_DISABLE=1, and TF_CLI_CONFIG_FILE pointing at the
# CLI configuration stackctl generated for the tree. Nothing is sent
# anywhere; state is local, in a temporary folder removed at the end.
set -euo pipefail
runs=${RUNS:-5}
units=${UNITS:-20}
par=${PARALLELISM:-4}
graph_units=${GRAPH_UNITS:-1000 10000}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command -v terraform >/dev/null || { echo "perf: terraform is not on PATH" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "perf: /usr/bin/time is missing (Debian: apt-get install time)" >&2; exit 1; }
# Nothing from the caller's shell may change what terraform does.
unset TF_CLI_CONFIG_FILE TF_PLUGIN_CACHE_DIR TF_CLI_ARGS TF_CLI_ARGS_plan TF_CLI_ARGS_apply TF_CLI_ARGS_init TF_LOG TF_DATA_DIR TF_WORKSPACE
export CHECKPOINT_DISABLE=1 STACKCTL_OFFLINE=1 CI=

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# children_cpu VAR: the user+sys milliseconds of every child this shell
# has waited for so far (bash's `times`, second line), into VAR. `times`
# runs in this shell, not in $(...): a subshell has children of its own.
children_cpu() {
  times >"$work/times"
  printf -v "$1" '%s' "$(tail -1 "$work/times" | awk '{t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); t += a[1] * 60000 + a[2] * 1000 }; printf "%d\n", t}')"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { awk "BEGIN {printf \"%.2f\", $1 / $2}"; }
sc="$work/stackctl"

cd "$repo"
go build -o "$sc" ./cmd/stackctl
cpus=$(nproc)
echo "perf: $cpus CPUs, $(terraform version 2>/dev/null | head -1), runs=$runs units=$units parallelism=$par; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# --- 20 units: apply, no-op plan, cold init -------------------------------
go run ./internal/treegen/cmd/treegen -units "$units" -width 5 -out "$work/tree"
cd "$work/tree"
STACKCTL_PERF_REVISION=warm "$sc" apply bench --auto-approve -p "$par" --stream >/dev/null
export TF_CLI_CONFIG_FILE="$work/tree/.stackctl/cache/terraform.tfrc"
[ -f "$TF_CLI_CONFIG_FILE" ] || { echo "perf: stackctl wrote no $TF_CLI_CONFIG_FILE" >&2; exit 1; }
mapfile -t dirs < <(ls -d .stackctl/cache/bench/*/*/src)
[ "${#dirs[@]}" -eq "$units" ] || { echo "perf: ${#dirs[@]} working folders, want $units" >&2; exit 1; }

# bare VERB ARGS...: the summed time of terraform VERB in every working
# folder, one after another, in $sum. (Not run in $(...), where a failing
# terraform would go unnoticed.)
# Its CPU time (user+sys of the terraform processes) goes in $cpu.
bare() {
  local total=0 t0 d c0 c1
  children_cpu c0
  for d in "${dirs[@]}"; do
    t0=$(date +%s%N)
    (cd "$d" && terraform "$@" >/dev/null) || { echo "perf: terraform $1 failed in $d" >&2; exit 1; }
    total=$(( total + $(ms "$t0") ))
  done
  sum=$total
  children_cpu c1
  cpu=$(( c1 - c0 ))
}
# bare_parallel VERB ARGS...: bare terraform VERB in every working folder,
# PARALLELISM at a time with no regard to dependencies (xargs -P): the
# wall time in $pwall. What running that many terraform processes at once
# costs on this machine, which no orchestrator beats.
bare_parallel() {
  local t0
  t0=$(date +%s%N)
  # shellcheck disable=SC2016 # $1 and $@ are the inner shell's
  printf '%s\n' "${dirs[@]}" | xargs -P "$par" -I{} sh -c 'cd "$1" && shift && terraform "$@" >/dev/null' sh {} "$@" ||
    { echo "perf: terraform $1 failed (in parallel)" >&2; exit 1; }
  pwall=$(ms "$t0")
}
# timed CMD...: run stackctl, its wall time in $wall and the CPU time of it
# and its terraform processes in $cpu.
timed() {
  local t0 c0 c1 rc=0
  children_cpu c0
  t0=$(date +%s%N)
  "$@" >/dev/null || rc=$?
  wall=$(ms "$t0")
  children_cpu c1
  cpu=$(( c1 - c0 ))
  return "$rc"
}

apply_sc=() apply_bare=() apply_sc_cpu=() apply_bare_cpu=() apply_par=()
for i in $(seq "$runs"); do
  STACKCTL_PERF_REVISION="stackctl-$i" timed "$sc" apply bench --auto-approve -p "$par" --stream
  apply_sc+=("$wall") apply_sc_cpu+=("$cpu")
  # The same change for bare terraform: -var wins over the tfvars stackctl
  # wrote, so every unit changes again.
  bare apply -auto-approve -input=false -var "revision=bare-$i"
  apply_bare+=("$sum") apply_bare_cpu+=("$cpu")
  bare_parallel apply -auto-approve -input=false -var "revision=barep-$i"
  apply_par+=("$pwall")
done

# No-op: stackctl applies one revision, then neither it nor bare terraform
# (which reads stackctl's tfvars) has anything to change.
STACKCTL_PERF_REVISION=noop "$sc" apply bench --auto-approve -p "$par" --stream >/dev/null
plan_sc=() plan_bare=() plan_sc_cpu=() plan_bare_cpu=() plan_par=()
for _ in $(seq "$runs"); do
  STACKCTL_PERF_REVISION=noop timed "$sc" plan bench --detailed-exitcode -p "$par" --stream ||
    { echo "perf: the no-op plan was not a no-op (exit $?)" >&2; exit 1; }
  plan_sc+=("$wall") plan_sc_cpu+=("$cpu")
  bare plan -input=false -detailed-exitcode
  plan_bare+=("$sum") plan_bare_cpu+=("$cpu")
  bare_parallel plan -input=false -detailed-exitcode
  plan_par+=("$pwall")
done

# Cold: no working folders, no plugin or terraform caches (state, outside
# the caches, stays). Bare terraform init runs in the folders stackctl just
# prepared, with its .terraform and lock file removed first.
init_sc=() init_bare=() init_sc_cpu=() init_bare_cpu=() init_par=()
for _ in $(seq "$runs"); do
  rm -rf .stackctl/cache .stackctl/plugins
  timed "$sc" init bench -p "$par" --stream
  init_sc+=("$wall") init_sc_cpu+=("$cpu")
  for d in "${dirs[@]}"; do rm -rf "$d/.terraform" "$d/.terraform.lock.hcl"; done
  bare init -input=false
  init_bare+=("$sum") init_bare_cpu+=("$cpu")
  for d in "${dirs[@]}"; do rm -rf "$d/.terraform" "$d/.terraform.lock.hcl"; done
  bare_parallel init -input=false
  init_par+=("$pwall")
done

# Cold apply: no working folders and no caches, every unit changed: init
# of the units that wait for their dependencies runs meanwhile (issue 14
# item 2). Its floor is the bare init and apply sums together.
coldapply_sc=() coldapply_bare=() coldapply_sc_cpu=() coldapply_bare_cpu=() coldapply_par=()
for i in $(seq "$runs"); do
  rm -rf .stackctl/cache .stackctl/plugins
  STACKCTL_PERF_REVISION="cold-$i" timed "$sc" apply bench --auto-approve -p "$par" --stream
  coldapply_sc+=("$wall") coldapply_sc_cpu+=("$cpu")
  for d in "${dirs[@]}"; do rm -rf "$d/.terraform" "$d/.terraform.lock.hcl"; done
  bare init -input=false
  s1=$sum c1=$cpu
  bare apply -auto-approve -input=false -var "revision=bare-cold-$i"
  coldapply_bare+=("$(( s1 + sum ))") coldapply_bare_cpu+=("$(( c1 + cpu ))")
  for d in "${dirs[@]}"; do rm -rf "$d/.terraform" "$d/.terraform.lock.hcl"; done
  bare_parallel init -input=false
  p1=$pwall
  bare_parallel apply -auto-approve -input=false -var "revision=barep-cold-$i"
  coldapply_par+=("$(( p1 + pwall ))")
done

# Two floors: the sum divided by PARALLELISM, and by the parallelism the
# machine offers (no more terraform processes at once than CPUs: plans and
# applies of terraform_data are CPU-bound).
offered=$(( par < cpus ? par : cpus ))
# A third floor: bare terraform's CPU time / CPUs. terraform itself uses
# more than one core now and then (its collector), so the same work on
# two cores cannot end before its CPU time / 2, whatever sum/2 says.
report() { # name, the variables' prefix: stackctl times, bare sums, their CPU times
  local name=$1
  local -n s=${2}_sc b=${2}_bare sc_cpu=${2}_sc_cpu b_cpu=${2}_bare_cpu
  local sm bm scm bcm
  sm=$(printf '%s\n' "${s[@]}" | median)
  bm=$(printf '%s\n' "${b[@]}" | median)
  scm=$(printf '%s\n' "${sc_cpu[@]}" | median)
  bcm=$(printf '%s\n' "${b_cpu[@]}" | median)
  printf '%-10s stackctl %6d ms | bare summed %6d ms | floor sum/%d %6d ms, ratio %s | floor sum/%d %6d ms, ratio %s | CPU: stackctl %d ms, bare %d ms, floor cpu/%d %d ms, ratio %s' \
    "$name" "$sm" "$bm" "$par" $(( bm / par )) "$(ratio "$sm" $(( bm / par )))" "$offered" $(( bm / offered )) "$(ratio "$sm" $(( bm / offered )))" \
    "$scm" "$bcm" "$cpus" $(( bcm / cpus )) "$(ratio "$sm" $(( bcm / cpus )))"
  local -n p=${2}_par
  if [ "${#p[@]}" -gt 0 ]; then
    local pm
    pm=$(printf '%s\n' "${p[@]}" | median)
    printf ' | bare %d at a time %d ms, ratio %s' "$par" "$pm" "$(ratio "$sm" "$pm")"
  fi
  printf '   (stackctl runs: %s; bare sums: %s)\n' "${s[*]}" "${b[*]}"
}
echo
echo "medians of $runs; floors: the bare sum / PARALLELISM ($par), / the CPUs it can use ($offered), and bare CPU time / CPUs ($cpus)"
report apply apply
report "cold init" init
report "cold apply" coldapply
report "no-op plan" plan

# --- graph of large trees: time and peak memory ----------------------------
peak() { # one run of the command: its wall time in $tm (ms), peak RSS in $kb
  local t0
  t0=$(date +%s%N)
  /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null
  tm=$(ms "$t0")
  kb=$(tail -1 "$work/rss")
}
base=()
for _ in $(seq "$runs"); do
  peak "$sc" --version
  base+=("$kb")
done
base_kb=$(printf '%s\n' "${base[@]}" | median)
echo
echo "baseline: stackctl --version peak RSS $((base_kb / 1024)) MiB (median; runs ${base[*]} KB)"
for n in $graph_units; do
  cd "$repo"
  go run ./internal/treegen/cmd/treegen -units "$n" -width 10 -out "$work/g$n"
  cd "$work/g$n"
  t=() m=()
  for _ in $(seq "$runs"); do
    peak "$sc" graph bench
    t+=("$tm") m+=("$kb")
  done
  tm=$(printf '%s\n' "${t[@]}" | median)
  kb=$(printf '%s\n' "${m[@]}" | median)
  printf 'graph %6d units: %6d ms, peak RSS %4d MiB, %s KiB per unit over the baseline   (runs: %s ms; %s KB)\n' \
    "$n" "$tm" "$((kb / 1024))" "$(awk "BEGIN {printf \"%.1f\", ($kb - $base_kb) / $n}")" "${t[*]}" "${m[*]}"
  rm -rf "$work/g$n"
done
