#!/usr/bin/env bash
# Benchmark of the agents' /metrics (issue 18, see BENCHMARKS.md). One command:  bench/metrics.sh
#
# Builds a 3-node sandbox (NativeAOT binary) and runs its agents twice, in this order, each time for the same window:
#   metrics off:  `metrics = off` in every pgward.conf (no route, nothing of the metrics kept), /node asked once a second
#                 per agent (what a scrape reads, without the metrics);
#   metrics on:   /metrics scraped once a second per agent (Prometheus' default is 15 s: this is 15 times harsher).
# Prints the agents' median resident memory (ps -o rss=, once a second) in each run and the difference, and the latency
# of `curl .../metrics` (median, min, max of 20 in a row per agent after the window, each on a new TLS connection, and 20 on one kept-alive
# connection as Prometheus scrapes) against `curl .../node` (the same
# probe cache behind it) as the baseline of the same run.
# Environment: PGWARD_BENCH_PORT_METRICS (default 5931: PostgreSQL 5931-5933, agents 6931-6933),
# PGWARD_BENCH_WARMUP_SECONDS (10), PGWARD_BENCH_SAMPLE_SECONDS (40), PGWARD_BENCH_PGWARD (an executable to use instead of
# scripts/publish's, e.g. artifacts/bin/pgward when only a commit changed since it was built).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${PGWARD_BENCH_PORT_METRICS:-5931}"
warmup="${PGWARD_BENCH_WARMUP_SECONDS:-10}"
seconds="${PGWARD_BENCH_SAMPLE_SECONDS:-40}"
nodes=3
token="bench-metrics-token-$RANDOM$RANDOM"

work="$(mktemp -d /tmp/pgward-bench-metrics.XXXXXX)"
chmod 755 "$work" # the servers run as the postgres user and must reach their data directories
dir="$work/sandbox"
pgward=""
asker=""

cleanup() {
    local status=$?
    [[ -n "$asker" ]] && kill "$asker" 2>/dev/null
    purge_sandbox "$pgward" "$dir"
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

# The sandbox's agents speak TLS with certificates from its own CA.
agent_url() { echo "https://127.0.0.1:$((port + 1000 + $1 - 1))"; }
ca() { echo "$dir/tls/ca.crt"; }
agent_pid() { cat "$dir/node$1/pgward-daemon.pid"; }

# Sets `metrics = $1` in every node's pgward.conf (a key set twice is refused: the old line goes).
set_metrics() {
    local n
    for ((n = 1; n <= nodes; n++)); do
        sed -i '/^metrics *=/d' "$dir/node$n/pgward.conf"
        echo "metrics = $1" >>"$dir/node$n/pgward.conf"
    done
}

start_agents() {
    local n
    for ((n = 1; n <= nodes; n++)); do
        run_quiet "$pgward" -f "$dir/node$n/pgward.conf" daemon start
        pids[n]="$(agent_pid "$n")"
        wait_for "node$n's agent" 20 curl -sf -o /dev/null --cacert "$(ca)" "$(agent_url "$n")/node"
    done
}

stop_agents() {
    local n
    for ((n = 1; n <= nodes; n++)); do
        run_quiet "$pgward" -f "$dir/node$n/pgward.conf" daemon stop
    done
}

ask_every_second() { # path: runs until killed
    local n
    while true; do
        for ((n = 1; n <= nodes; n++)); do
            curl -s -o /dev/null -m 1 --cacert "$(ca)" -H "Authorization: Bearer $token" "$(agent_url "$n")$1" || true
        done
        sleep 1
    done
}

# Samples every agent's RSS (MB) once a second for $seconds seconds into $work/$1.rss.
sample_rss() {
    local s n
    for ((s = 0; s < seconds; s++)); do
        for ((n = 1; n <= nodes; n++)); do
            ps -o rss= -p "${pids[n]}" | awk '{ printf "%.1f\n", $1 / 1024 }' >>"$work/$1.rss"
        done
        sleep 1
    done
}

# 20 requests in a row to path $2 of every agent, each on a new connection (a TLS handshake each, as curl alone does):
# their times in ms into $work/$1.ms; and 20 more on one kept-alive connection per agent (as Prometheus scrapes; the
# first, which carries the handshake, left out) into $work/$1.kept.ms.
latency() {
    local n i
    local -a urls
    for ((n = 1; n <= nodes; n++)); do
        urls=()
        for ((i = 0; i < 21; i++)); do
            curl -s -o /dev/null -w '%{time_total}\n' --cacert "$(ca)" -H "Authorization: Bearer $token" "$(agent_url "$n")$2" |
                awk '{ printf "%.2f\n", $1 * 1000 }' >>"$work/$1.ms"
            urls+=(-o /dev/null "$(agent_url "$n")$2")
        done
        curl -s -w '%{time_total}\n' --cacert "$(ca)" -H "Authorization: Bearer $token" "${urls[@]}" |
            tail -n +2 | awk '{ printf "%.2f\n", $1 * 1000 }' >>"$work/$1.kept.ms"
    done
}

run_phase() { # name metrics-setting path-asked
    set_metrics "$2"
    start_agents
    sleep "$warmup"
    ask_every_second "$3" &
    asker=$!
    sample_rss "$1"
    kill "$asker"
    wait "$asker" 2>/dev/null || true
    asker=""
}

echo "== publishing"
pgward="${PGWARD_BENCH_PGWARD:-$("$repo/scripts/publish" -q)}"
echo "native: $pgward"
echo "== sandbox up --nodes $nodes (ports $port..$((port + nodes - 1)), agents $((port + 1000))..$((port + 1000 + nodes - 1)))"
run_quiet "$pgward" sandbox up --dir "$dir" --port "$port" --nodes "$nodes" --witness false --agents false
declare -a pids
set_agent_token "$dir" "$nodes" "$token"

echo "== metrics off: $warmup s warm-up, $seconds s with /node asked once a second per agent"
run_phase off off /node
latency node /node
stop_agents
echo "== metrics on: $warmup s warm-up, $seconds s with /metrics scraped once a second per agent"
run_phase on on /metrics
latency metrics /metrics
latency node-on /node
curl -sf --cacert "$(ca)" -H "Authorization: Bearer $token" "$(agent_url 1)/metrics" >"$work/sample.txt" || fail "node1's /metrics"
grep -q '^pgward_node_role{' "$work/sample.txt" || fail "node1's /metrics has no pgward_node_role: $(head -5 "$work/sample.txt")"
stop_agents

read -r _ off_med off_lo off_hi < <(stats "$work/off.rss")
read -r _ on_med on_lo on_hi < <(stats "$work/on.rss")
read -r k m_med m_lo m_hi < <(stats "$work/metrics.ms")
read -r _ n_med n_lo n_hi < <(stats "$work/node-on.ms")
read -r kk mk_med mk_lo mk_hi < <(stats "$work/metrics.kept.ms")
read -r _ nk_med nk_lo nk_hi < <(stats "$work/node-on.kept.ms")
echo
echo "machine: $(nproc) cores, $(uname -r), load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "series per scrape of node1: $(grep -vc '^#' "$work/sample.txt"), $(wc -c <"$work/sample.txt") bytes"
echo
printf '| %-34s | %8s | %8s | %8s |\n' "measure" "median" "min" "max"
printf '|%s|%s|%s|%s|\n' "------------------------------------" "---------:" "---------:" "---------:"
printf '| %-34s | %8s | %8s | %8s |\n' "agent RSS MB, metrics off" "$off_med" "$off_lo" "$off_hi"
printf '| %-34s | %8s | %8s | %8s |\n' "agent RSS MB, metrics on, scraped" "$on_med" "$on_lo" "$on_hi"
printf '| %-34s | %8s | %8s | %8s |\n' "curl /metrics ms ($k)" "$m_med" "$m_lo" "$m_hi"
printf '| %-34s | %8s | %8s | %8s |\n' "curl /node ms, same agents" "$n_med" "$n_lo" "$n_hi"
printf '| %-34s | %8s | %8s | %8s |\n' "/metrics ms, kept alive ($kk)" "$mk_med" "$mk_lo" "$mk_hi"
printf '| %-34s | %8s | %8s | %8s |\n' "/node ms, kept alive" "$nk_med" "$nk_lo" "$nk_hi"
echo
awk -v off="$off_med" -v on="$on_med" -v m="$m_med" -v n="$n_med" 'BEGIN {
    printf "RSS with metrics - without: %+.1f MB (goal, issue 18: within 5 MB): %s\n", on - off, (on - off <= 5 ? "met" : "NOT met")
    printf "curl /metrics median %.2f ms (goal: < 20 ms): %s; /metrics / /node = %.2f\n", m, (m < 20 ? "met" : "NOT met"), m / n
}'
awk -v m="$mk_med" -v n="$nk_med" 'BEGIN { printf "kept alive: /metrics median %.2f ms (goal: < 20 ms): %s; /metrics / /node = %.2f\n", m, (m < 20 ? "met" : "NOT met"), m / n }'
