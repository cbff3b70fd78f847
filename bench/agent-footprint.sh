#!/usr/bin/env bash
# Benchmark of the node agent's idle footprint (see BENCHMARKS.md). One command:  bench/agent-footprint.sh
#
# Builds a 3-node sandbox and starts the three agents with `pgward daemon start` (NativeAOT binary). After a warm-up,
# samples every agent's resident memory (`ps -o rss=`) once a second and its CPU time (utime + stime from
# /proc/PID/stat) at the start and end of the window, in two phases of the same length:
#   idle:           nobody talks to the agents;
#   health checks:  every agent's /primary and /replica endpoints are asked once a second each, as a load balancer
#                   (HAProxy in Patroni's setup) would; each request makes the agent query its server.
# Prints, per agent and phase, the median RSS (min, max) and CPU as a percentage of one core.
# Environment: PGWARD_BENCH_PORT_FOOTPRINT (default 5751: PostgreSQL 5751-5753, agents 6751-6753),
# PGWARD_BENCH_WARMUP_SECONDS (10), PGWARD_BENCH_SAMPLE_SECONDS (60).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${PGWARD_BENCH_PORT_FOOTPRINT:-5751}"
warmup="${PGWARD_BENCH_WARMUP_SECONDS:-10}"
seconds="${PGWARD_BENCH_SAMPLE_SECONDS:-60}"
nodes=3
token="bench-agent-token-$RANDOM$RANDOM"
clk_tck="$(getconf CLK_TCK)"

work="$(mktemp -d /tmp/pgward-bench-footprint.XXXXXX)"
chmod 755 "$work" # the servers run as the postgres user and must reach their data directories
dir="$work/sandbox"
pgward=""

cleanup() {
    local status=$?
    purge_sandbox "$pgward" "$dir"
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"



# utime + stime of process $1, in clock ticks. The fields are counted after the ")" that ends the command name,
# which may itself contain spaces.
cpu_ticks() {
    local stat
    stat="$(cat "/proc/$1/stat")"
    awk '{ print $12 + $13 }' <<<"${stat##*) }"
}

agent_pid() { cat "$dir/node$1/pgward-daemon.pid"; }

health_checks() { # runs until killed: each agent's /primary and /replica once a second
    local n
    while true; do
        for ((n = 1; n <= nodes; n++)); do
            curl -s -o /dev/null -m 1 "http://127.0.0.1:$((port + 1000 + n - 1))/primary" || true
            curl -s -o /dev/null -m 1 "http://127.0.0.1:$((port + 1000 + n - 1))/replica" || true
        done
        sleep 1
    done
}

# Samples phase $1 for $seconds seconds: RSS once a second into $work/$1.rssN, CPU % of one core into $work/$1.cpuN.
sample() {
    local phase="$1" n t0 t1 s
    local -a ticks0
    t0="${EPOCHREALTIME/./}"
    for ((n = 1; n <= nodes; n++)); do
        ticks0[n]="$(cpu_ticks "${pids[n]}")"
    done
    for ((s = 0; s < seconds; s++)); do
        for ((n = 1; n <= nodes; n++)); do
            kill -0 "${pids[n]}" 2>/dev/null || { echo "the agent of node$n (PID ${pids[n]}) exited" >&2; exit 1; }
            ps -o rss= -p "${pids[n]}" | awk '{ printf "%.1f\n", $1 / 1024 }' >>"$work/$phase.rss$n"
        done
        sleep 1
    done
    t1="${EPOCHREALTIME/./}"
    for ((n = 1; n <= nodes; n++)); do
        awk -v d="$(($(cpu_ticks "${pids[n]}") - ticks0[n]))" -v hz="$clk_tck" -v us="$((t1 - t0))" \
            'BEGIN { printf "%.2f\n", 100 * (d / hz) / (us / 1e6) }' >"$work/$phase.cpu$n"
    done
}

echo "== publishing"
pgward="$("$repo/scripts/publish" -q)"
echo "native: $pgward"

echo "== sandbox up --nodes $nodes (ports $port..$((port + nodes - 1)), agents $((port + 1000))..$((port + 1000 + nodes - 1)))"
run_quiet "$pgward" sandbox up --dir "$dir" --port "$port" --nodes "$nodes" --witness false --agents false
declare -a pids
set_agent_token "$dir" "$nodes" "$token"
for ((n = 1; n <= nodes; n++)); do
    run_quiet "$pgward" -f "$dir/node$n/pgward.conf" daemon start
    pids[n]="$(agent_pid "$n")"
done
echo "agents: PIDs ${pids[*]}; warm-up $warmup s, then $seconds s idle and $seconds s with health checks"
sleep "$warmup"
sample idle
health_checks &
checker=$!
sample checks
kill "$checker"
wait "$checker" 2>/dev/null || true

echo
echo "machine: $(nproc) cores, $(uname -r), load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-5s | %-13s | %7s | %14s | %11s | %11s | %14s |\n' "agent" "phase" "samples" "median RSS MB" "min RSS MB" "max RSS MB" "CPU % of core"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "-------" "---------------" "--------:" "---------------:" "------------:" "------------:" "---------------:"
for phase in idle checks; do
    for ((n = 1; n <= nodes; n++)); do
        read -r k med lo hi < <(stats "$work/$phase.rss$n")
        printf '| %-5s | %-13s | %7s | %14s | %11s | %11s | %14s |\n' \
            "node$n" "$([[ $phase == idle ]] && echo idle || echo health checks)" "$k" "$med" "$lo" "$hi" "$(cat "$work/$phase.cpu$n")"
        echo "$med" >>"$work/all.rss"
        cat "$work/$phase.cpu$n" >>"$work/all.cpu"
    done
done
echo
rss_max="$(sort -g "$work/all.rss" | tail -n 1)"
cpu_max="$(sort -g "$work/all.cpu" | tail -n 1)"
awk -v r="$rss_max" -v c="$cpu_max" 'BEGIN {
    printf "target: RSS < 40 MB per agent: %s (highest median %.1f MB); CPU < 1 %% of a core: %s (highest %.2f %%)\n",
        (r < 40 ? "met" : "NOT met"), r, (c < 1 ? "met" : "NOT met"), c
    printf "for comparison (issue #3, measured on these machines): repmgrd 8.4 MB; Patroni about 60 MB\n"
}'
