#!/usr/bin/env bash
# Benchmark of the node agent's idle footprint (see BENCHMARKS.md). One command:  bench/agent-footprint.sh
#
# Builds a 3-node sandbox and starts the three agents with `pgward daemon start` (NativeAOT binary). After a warm-up,
# samples every agent's resident memory (`ps -o rss=`) once a second and its CPU time (utime + stime from
# /proc/PID/stat) at the start and end of the window, in two phases of the same length:
#   idle:           nobody talks to the agents;
#   health checks:  every agent's /primary and /replica endpoints are asked once a second each, as a load balancer
#                   (HAProxy in Patroni's setup) would; each request makes the agent query its server.
# Prints, per agent and phase, the median RSS (min, max), the median PSS (RSS with pages shared with other processes,
# the executable's among them, divided among those processes) and CPU as a percentage of one core; and the same for
# each data node's dead-man switch (a second pgward process beside the agent).
# Environment: PGWARD_BENCH_PORT_FOOTPRINT (default 5751: PostgreSQL 5751-5753, agents 6751-6753),
# PGWARD_BENCH_WARMUP_SECONDS (10), PGWARD_BENCH_SAMPLE_SECONDS (60), PGWARD_BENCH_BINARY (an executable to run instead
# of publishing the tree: a "before" build).
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

agent_pid() { cat "$dir/node$1/pgward-daemon.pid"; }

# The dead-man switch's PID: the 8-byte integer at offset 32 of pgward-deadman.state (DeadManState.SwitchPidOffset).
switch_pid() { od -An -t d8 -j 32 -N 8 "$dir/node$1/pgward-deadman.state" | tr -d ' '; }

# Proportional set size of process $1 in MB.
pss_mb() { awk '/^Pss:/ { printf "%.1f\n", $2 / 1024 }' "/proc/$1/smaps_rollup"; }

health_checks() { # runs until killed: each agent's /primary and /replica once a second (the sandbox's agents speak TLS)
    local n
    while true; do
        for ((n = 1; n <= nodes; n++)); do
            curl -s -o /dev/null -m 1 --cacert "$dir/tls/ca.crt" "https://127.0.0.1:$((port + 1000 + n - 1))/primary" || true
            curl -s -o /dev/null -m 1 --cacert "$dir/tls/ca.crt" "https://127.0.0.1:$((port + 1000 + n - 1))/replica" || true
        done
        sleep 1
    done
}

# Samples phase $1 for $seconds seconds: RSS and PSS once a second into $work/$1.rssN and $work/$1.pssN, CPU % of one
# core into $work/$1.cpuN; N counts the agents 1..nodes, then their switches nodes+1..2*nodes.
sample() {
    local phase="$1" n t0 t1 s
    local -a ticks0
    t0="${EPOCHREALTIME/./}"
    for ((n = 1; n <= 2 * nodes; n++)); do
        ticks0[n]="$(cpu_ticks "${pids[n]}")"
    done
    for ((s = 0; s < seconds; s++)); do
        for ((n = 1; n <= 2 * nodes; n++)); do
            kill -0 "${pids[n]}" 2>/dev/null || { echo "$(label "$n") (PID ${pids[n]}) exited" >&2; exit 1; }
            ps -o rss= -p "${pids[n]}" | awk '{ printf "%.1f\n", $1 / 1024 }' >>"$work/$phase.rss$n"
            pss_mb "${pids[n]}" >>"$work/$phase.pss$n"
        done
        sleep 1
    done
    t1="${EPOCHREALTIME/./}"
    for ((n = 1; n <= 2 * nodes; n++)); do
        awk -v d="$(($(cpu_ticks "${pids[n]}") - ticks0[n]))" -v hz="$clk_tck" -v us="$((t1 - t0))" \
            'BEGIN { printf "%.2f\n", 100 * (d / hz) / (us / 1e6) }' >"$work/$phase.cpu$n"
    done
}

label() { (($1 <= nodes)) && echo "node$1" || echo "node$(($1 - nodes)) switch"; }

if [[ -n "${PGWARD_BENCH_BINARY:-}" ]]; then
    pgward="$PGWARD_BENCH_BINARY" # another build (a "before"), measured the same way
else
    echo "== publishing"
    pgward="$("$repo/scripts/publish" -q)"
fi
echo "native: $pgward"

echo "== sandbox up --nodes $nodes (ports $port..$((port + nodes - 1)), agents $((port + 1000))..$((port + 1000 + nodes - 1)))"
run_quiet "$pgward" sandbox up --dir "$dir" --port "$port" --nodes "$nodes" --witness false --agents false
declare -a pids
set_agent_token "$dir" "$nodes" "$token"
for ((n = 1; n <= nodes; n++)); do
    run_quiet "$pgward" -f "$dir/node$n/pgward.conf" daemon start
    pids[n]="$(agent_pid "$n")"
done
for ((n = 1; n <= nodes; n++)); do
    wait_for "node$n's dead-man switch" 10 test "$(switch_pid "$n")" -gt 0
    pids[nodes + n]="$(switch_pid "$n")"
done
echo "agents and switches: PIDs ${pids[*]}; warm-up $warmup s, then $seconds s idle and $seconds s with health checks"
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
printf '| %-12s | %-13s | %7s | %14s | %11s | %11s | %14s | %14s |\n' "process" "phase" "samples" "median RSS MB" "min RSS MB" "max RSS MB" "median PSS MB" "CPU % of core"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' "--------------" "---------------" "--------:" "---------------:" "------------:" "------------:" "---------------:" "---------------:"
for phase in idle checks; do
    for ((n = 1; n <= 2 * nodes; n++)); do
        read -r k med lo hi < <(stats "$work/$phase.rss$n")
        printf '| %-12s | %-13s | %7s | %14s | %11s | %11s | %14s | %14s |\n' \
            "$(label "$n")" "$([[ $phase == idle ]] && echo idle || echo health checks)" "$k" "$med" "$lo" "$hi" \
            "$(median "$work/$phase.pss$n")" "$(cat "$work/$phase.cpu$n")"
        if ((n <= nodes)); then
            echo "$med" >>"$work/agents.rss"
            [[ $phase == idle ]] && cat "$work/$phase.cpu$n" >>"$work/agents.idle.cpu"
        fi
    done
done
echo
rss_max="$(sort -g "$work/agents.rss" | tail -n 1)"
cpu_max="$(sort -g "$work/agents.idle.cpu" | tail -n 1)"
awk -v r="$rss_max" -v c="$cpu_max" 'BEGIN {
    printf "goal (issue 17): agent RSS <= 35 MB: %s (highest median %.1f MB); idle agent CPU <= 0.5 %% of a core: %s (highest %.2f %%)\n",
        (r <= 35 ? "met" : "NOT met"), r, (c <= 0.5 ? "met" : "NOT met"), c
    printf "for comparison (issue #3, measured on these machines): repmgrd 8.4 MB; Patroni about 60 MB\n"
}'
