#!/usr/bin/env bash
# Benchmark of pgward's cluster core (see BENCHMARKS.md). One command:  bench/cluster-core.sh
#
#   (a) wall time of `pgward sandbox up --nodes 3` from nothing (directory removed before each run,
#       `sandbox down --purge` after each);
#   (b) wall time of `pgward -f node1/pgward.conf cluster show` against a running 3-node sandbox,
#       for the NativeAOT binary and for the JIT build (`dotnet pgward.dll`), next to a baseline:
#       psql connecting to the three nodes one after the other and running one query each.
#
# (b) interleaves the three commands run by run, so that load from other work on a shared machine falls on
# all of them alike. Every figure is a median with min and max over a fixed number of runs.
# Environment: PGWARD_BENCH_PORT_UP (default 5711) and PGWARD_BENCH_PORT_SHOW (default 5721) are the first
# ports of the two sandboxes (three consecutive ports each); PGWARD_BENCH_UP_RUNS (5), PGWARD_BENCH_SHOW_RUNS (20).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port_up="${PGWARD_BENCH_PORT_UP:-5711}"
port_show="${PGWARD_BENCH_PORT_SHOW:-5721}"
up_runs="${PGWARD_BENCH_UP_RUNS:-5}"
show_runs="${PGWARD_BENCH_SHOW_RUNS:-20}"
show_warmup=3
nodes=3

work="$(mktemp -d /tmp/pgward-bench.XXXXXX)"
chmod 755 "$work" # the servers run as the postgres user and must reach their data directories
up_dir="$work/up"
show_dir="$work/show"
pgward=""

cleanup() {
    local status=$?
    if [[ -n "$pgward" ]]; then
        for dir in "$up_dir" "$show_dir"; do
            if [[ -d "$dir" ]]; then
                "$pgward" sandbox down --dir "$dir" --purge >/dev/null 2>&1 || echo "warning: sandbox down failed for $dir" >&2
            fi
        done
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"


# Times one run of a command, appending milliseconds to file $1. EPOCHREALTIME is a bash builtin: no fork.
time_into() {
    local file="$1"
    shift
    local t0 t1
    t0="${EPOCHREALTIME/./}"
    run_quiet "$@"
    t1="${EPOCHREALTIME/./}"
    awk -v us="$((t1 - t0))" 'BEGIN { printf "%.1f\n", us / 1000 }' >>"$file"
}



reset_up_dir() {
    if [[ -d "$up_dir" ]]; then
        run_quiet "$pgward" sandbox down --dir "$up_dir" --purge
    fi
    rm -rf "$up_dir"
}

baseline() {
    local port
    for ((port = port_show; port < port_show + nodes; port++)); do
        psql -X -h 127.0.0.1 -p "$port" -U pgward -d pgward -Atc 'select pg_is_in_recovery()'
    done
}

# The same queries at once, as pgward's probes run: the floor for a tool that connects in parallel.
baseline_parallel() {
    local port pid pids=() status=0
    for ((port = port_show; port < port_show + nodes; port++)); do
        psql -X -h 127.0.0.1 -p "$port" -U pgward -d pgward -Atc 'select pg_is_in_recovery()' &
        pids+=("$!")
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || status=1
    done
    return "$status"
}

echo "== publishing"
pgward="$("$repo/scripts/publish" -q)"
echo "native: $pgward"
jit_dir="$repo/artifacts/jit"
build_into "$repo/src/Pgward.Cli" "$jit_dir"
jit=(dotnet "$jit_dir/pgward.dll")
echo "jit:    ${jit[*]}"

echo "== (a) sandbox up --nodes $nodes, $up_runs runs (ports $port_up..$((port_up + nodes - 1)))"
for ((i = 1; i <= up_runs; i++)); do
    reset_up_dir
    time_into "$work/up.ms" "$pgward" sandbox up --dir "$up_dir" --port "$port_up" --nodes "$nodes" --witness false --agents false
    echo "   run $i: $(tail -n 1 "$work/up.ms") ms"
done
reset_up_dir

echo "== (b) cluster show against a running $nodes-node sandbox (ports $port_show..$((port_show + nodes - 1)))"
run_quiet "$pgward" sandbox up --dir "$show_dir" --port "$port_show" --nodes "$nodes" --witness false --agents false
# The sandbox takes scram-sha-256 over TLS only: the psql baseline finds the password and the CA here, as pgward does.
export PGPASSFILE="$show_dir/pgpass" PGSSLMODE=verify-full PGSSLROOTCERT="$show_dir/tls/ca.crt"
conf="$show_dir/node1/pgward.conf"
# Sanity before timing: every node up, and the baseline sees one primary and the standbys.
running="$("$pgward" -f "$conf" cluster show | grep -c 'running' || true)"
if [[ "$running" -ne "$nodes" ]]; then
    echo "cluster show does not show $nodes running nodes:" >&2
    "$pgward" -f "$conf" cluster show >&2 || true
    exit 1
fi
if [[ "$(baseline | tr '\n' ' ')" != "f t t " ]]; then
    echo "baseline psql did not see one primary and two standbys" >&2
    exit 1
fi
for ((i = 1; i <= show_warmup; i++)); do
    run_quiet "$pgward" -f "$conf" cluster show
    run_quiet "${jit[@]}" -f "$conf" cluster show
    run_quiet baseline
    run_quiet baseline_parallel
done
for ((i = 1; i <= show_runs; i++)); do
    time_into "$work/show-native.ms" "$pgward" -f "$conf" cluster show
    time_into "$work/show-jit.ms" "${jit[@]}" -f "$conf" cluster show
    time_into "$work/baseline.ms" baseline
    time_into "$work/baseline-parallel.ms" baseline_parallel
done

native_ms="$(median "$work/show-native.ms")"
jit_ms="$(median "$work/show-jit.ms")"
base_ms="$(median "$work/baseline.ms")"

echo
echo "machine: $(nproc) cores, $(uname -r), load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-54s | %4s | %10s | %10s | %10s |\n' "measurement" "runs" "median ms" "min ms" "max ms"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..56})" "------" "-----------:" "-----------:" "-----------:"
row() {
    read -r n med lo hi < <(stats "$2")
    printf '| %-54s | %4s | %10s | %10s | %10s |\n' "$1" "$n" "$med" "$lo" "$hi"
}
row "(a) pgward sandbox up --nodes $nodes (native)" "$work/up.ms"
row "(b) pgward cluster show, NativeAOT" "$work/show-native.ms"
row "(b) pgward cluster show, JIT (dotnet pgward.dll)" "$work/show-jit.ms"
row "(b) baseline: psql x$nodes in sequence, one query each" "$work/baseline.ms"
row "(b) for reference: the same $nodes psql at once" "$work/baseline-parallel.ms"
echo
awk -v n="$native_ms" -v j="$jit_ms" -v b="$base_ms" 'BEGIN {
    printf "ratio cluster show NativeAOT / baseline: %.2f\n", n / b
    printf "ratio cluster show JIT / NativeAOT:      %.2f\n", j / n
    printf "target: NativeAOT cluster show under 60 ms (repmgr cluster show: 31 ms): %s (median %.1f ms)\n",
        (n < 60 ? "met" : "NOT met"), n
}'
