#!/usr/bin/env bash
# Benchmark of the web dashboard's cost on the agent that serves it (see BENCHMARKS.md). One command:  bench/dashboard.sh
#
# Builds a 3-node sandbox (NativeAOT binary, TLS as the sandbox sets it up) and starts the three agents. After a
# warm-up, samples node1's agent once a second in three phases of the same length:
#   idle:       nobody looks at the dashboard;
#   dashboard:  one open page, as the browser polls it: GET /dashboard/state with the token once a second;
#   two pages:  two such pages at once.
# Prints per phase the agent's median RSS (min, max) and CPU as a percentage of one core, the PostgreSQL connections
# opened per second on the three servers together (pg_stat_database's sessions counter, summed over every database,
# read at the phase's start and end; the readings' own connections are taken off: by every agent, the dashboard's and
# the agents' own probes), and the median and 90th percentile of the state requests' time (curl's time_total: TLS
# handshake included, as a browser's first request).
# Environment: PGWARD_BENCH_PORT_DASHBOARD (default 5971: PostgreSQL 5971-5973, agents 6971-6973),
# PGWARD_BENCH_WARMUP_SECONDS (10), PGWARD_BENCH_SAMPLE_SECONDS (30), PGWARD_BENCH_BINARY (a pgward executable to run
# instead of this tree's, published first: e.g. main's, whose agent has no dashboard, for its idle figure).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${PGWARD_BENCH_PORT_DASHBOARD:-5971}"
warmup="${PGWARD_BENCH_WARMUP_SECONDS:-10}"
seconds="${PGWARD_BENCH_SAMPLE_SECONDS:-30}"
nodes=3
token="bench-agent-token-$RANDOM$RANDOM"
clk_tck="$(getconf CLK_TCK)"

work="$(mktemp -d /tmp/pgward-bench-dashboard.XXXXXX)"
chmod 755 "$work"
dir="$work/sandbox"
pgward=""
pollers=()

cleanup() {
    local status=$?
    for p in "${pollers[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; done
    purge_sandbox "$pgward" "$dir"
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

url="https://127.0.0.1:$((port + 1000))"

poll_dashboard() { # runs until killed: one open page
    while true; do
        curl -s -o /dev/null --cacert "$dir/tls/ca.crt" -H "Authorization: Bearer $token" -w '%{time_total}\n' -m 5 \
            "$url/dashboard/state" >>"$work/state.seconds" || true
        sleep 1
    done
}

# Sessions ever opened on the three servers (every database): one connection to each to read it.
sessions() {
    local n total=0
    for ((n = 1; n <= nodes; n++)); do
        total=$((total + $(/usr/lib/postgresql/15/bin/psql -Atq -c 'SELECT sum(sessions) FROM pg_stat_database' \
            "host=127.0.0.1 port=$((port + n - 1)) user=pgward dbname=pgward sslmode=verify-full sslrootcert=$dir/tls/ca.crt passfile=$dir/pgpass")))
    done
    echo "$total"
}

# Samples phase $1 for $seconds seconds: node1's agent's RSS into $work/$1.rss, its CPU % of one core into $work/$1.cpu,
# the connections opened per second on the servers into $work/$1.conn.
sample() {
    local phase="$1" t0 t1 ticks0 s sessions0
    sessions0="$(sessions)"
    t0="${EPOCHREALTIME/./}"
    ticks0="$(cpu_ticks "$pid")"
    for ((s = 0; s < seconds; s++)); do
        ps -o rss= -p "$pid" | awk '{ printf "%.1f\n", $1 / 1024 }' >>"$work/$phase.rss"
        sleep 1
    done
    t1="${EPOCHREALTIME/./}"
    awk -v d="$(($(cpu_ticks "$pid") - ticks0))" -v hz="$clk_tck" -v us="$((t1 - t0))" \
        'BEGIN { printf "%.2f\n", 100 * (d / hz) / (us / 1e6) }' >"$work/$phase.cpu"
    # The first reading's own sessions (one a server) are counted between the two readings.
    awk -v d="$(($(sessions) - sessions0 - nodes))" -v us="$((t1 - t0))" 'BEGIN { printf "%.2f\n", d / (us / 1e6) }' >"$work/$phase.conn"
}

if [[ -n "${PGWARD_BENCH_BINARY:-}" ]]; then
    pgward="$PGWARD_BENCH_BINARY"
else
    echo "== publishing"
    pgward="$("$repo/scripts/publish" -q)"
fi
echo "native: $pgward"
echo "== sandbox up --nodes $nodes (ports $port..$((port + nodes - 1)), agents $((port + 1000))..$((port + 1000 + nodes - 1)))"
run_quiet "$pgward" sandbox up --dir "$dir" --port "$port" --nodes "$nodes" --witness false --agents false
set_agent_token "$dir" "$nodes" "$token"
for ((n = 1; n <= nodes; n++)); do
    run_quiet "$pgward" -f "$dir/node$n/pgward.conf" daemon start
done
pid="$(cat "$dir/node1/pgward-daemon.pid")"
echo "node1's agent: PID $pid; warm-up $warmup s, then $seconds s idle, with one page open, with two pages open"
sleep "$warmup"
sample idle
poll_dashboard &
pollers+=($!)
sample dashboard
poll_dashboard &
pollers+=($!)
sample two-pages
for p in "${pollers[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done
pollers=()

echo
echo "machine: $(nproc) cores, $(uname -r), load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-10s | %7s | %14s | %11s | %11s | %14s | %22s |\n' "phase" "samples" "median RSS MB" "min RSS MB" "max RSS MB" "CPU % of core" "connections/s (3 servers)"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "------------" "--------:" "---------------:" "------------:" "------------:" "---------------:" "------------------------:"
for phase in idle dashboard two-pages; do
    read -r k med lo hi < <(stats "$work/$phase.rss")
    printf '| %-10s | %7s | %14s | %11s | %11s | %14s | %22s |\n' "$phase" "$k" "$med" "$lo" "$hi" "$(cat "$work/$phase.cpu")" "$(cat "$work/$phase.conn")"
done
echo
sort -g "$work/state.seconds" | awk '{ v[NR] = $1 * 1000 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "GET /dashboard/state: %d requests, median %.1f ms, 90th percentile %.1f ms, max %.1f ms\n", NR, m, v[int(NR * 0.9 + 0.5)], v[NR] }'
