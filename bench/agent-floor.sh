#!/usr/bin/env bash
# The floor under the agent's memory (issue 17, see BENCHMARKS.md). One command:  bench/agent-floor.sh
#
# Builds bench/agent-floor (NativeAOT: Kestrel over HTTPS and one Npgsql connection over TLS queried ten times a
# second, the agent's GC settings, nothing of pgward's) in a directory of its own, starts a 1-node TLS sandbox with its
# agent, runs the floor program against the same server with the node's certificate, and samples both processes' RSS,
# PSS, anonymous and file-backed resident memory once a second. Prints the medians and agent / floor.
# Environment: PGWARD_BENCH_PORT_FLOOR (default 5771: PostgreSQL 5771, agent 6771, floor 5779),
# PGWARD_BENCH_WARMUP_SECONDS (10), PGWARD_BENCH_SAMPLE_SECONDS (30), PGWARD_BENCH_BINARY (an executable to run
# instead of publishing the tree).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${PGWARD_BENCH_PORT_FLOOR:-5771}"
warmup="${PGWARD_BENCH_WARMUP_SECONDS:-10}"
seconds="${PGWARD_BENCH_SAMPLE_SECONDS:-30}"
work="$(mktemp -d /tmp/pgward-bench-floor.XXXXXX)"
chmod 755 "$work" # the server runs as the postgres user and must reach its data directory
dir="$work/sandbox"
pgward=""
floor_pid=""

cleanup() {
    local status=$?
    [[ -n "$floor_pid" ]] && kill "$floor_pid" 2>/dev/null && wait "$floor_pid" 2>/dev/null
    purge_sandbox "$pgward" "$dir"
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

if [[ -n "${PGWARD_BENCH_BINARY:-}" ]]; then
    pgward="$PGWARD_BENCH_BINARY"
else
    echo "== publishing"
    pgward="$("$repo/scripts/publish" -q)"
fi
echo "native: $pgward"

echo "== building the floor program (NativeAOT)"
cp "$repo/bench/agent-floor/Program.cs" "$work/"
npgsql="$(sed -n 's/.*Include="Npgsql" Version="\([^"]*\)".*/\1/p' "$repo/Directory.Packages.props")"
sed "s/NPGSQL_VERSION/$npgsql/" "$repo/bench/agent-floor/floor.csproj" >"$work/floor.csproj"
run_quiet dotnet publish "$work/floor.csproj" -c Release -r linux-x64 -o "$work/out" -nologo

echo "== sandbox up --nodes 1 (port $port, agent $((port + 1000)))"
run_quiet "$pgward" sandbox up --dir "$dir" --port "$port" --nodes 1 --witness false --backup false --agents true
"$work/out/floor" "$dir/node1/tls/node.crt" "$dir/node1/tls/node.key" "$((port + 8))" \
    "Host=127.0.0.1;Port=$port;Username=pgward;Database=pgward;Passfile=$dir/pgpass;SSL Mode=VerifyFull;Root Certificate=$dir/tls/ca.crt" \
    >"$work/floor.log" 2>&1 &
floor_pid=$!
agent="$(cat "$dir/node1/pgward-daemon.pid")"
wait_for "the floor program's HTTPS" 20 curl -sf -o /dev/null --cacert "$dir/tls/ca.crt" "https://localhost:$((port + 8))/health"
echo "agent PID $agent, floor PID $floor_pid; warm-up $warmup s, then $seconds s"
sleep "$warmup"

# One sample of process $1: RSS, PSS, anonymous and file-backed resident MB.
memory() {
    awk '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 } END { printf "%.1f %.1f ", r / 1024, p / 1024 }' "/proc/$1/smaps_rollup"
    awk '/^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 } END { printf "%.1f %.1f\n", a / 1024, f / 1024 }' "/proc/$1/status"
}
for ((s = 0; s < seconds; s++)); do
    kill -0 "$floor_pid" 2>/dev/null || fail "the floor program exited: $(tail -n 5 "$work/floor.log")"
    memory "$agent" >>"$work/agent"
    memory "$floor_pid" >>"$work/floor"
    curl -s -o /dev/null --cacert "$dir/tls/ca.crt" "https://localhost:$((port + 8))/health" || true
    sleep 1
done

column_median() { awk -v c="$2" '{ print $c }' "$1" >"$work/column"; median "$work/column"; }
echo
echo "machine: $(nproc) cores, $(uname -r), load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "executables: pgward $(du -m "$pgward" | cut -f1) MB, floor $(du -m "$work/out/floor" | cut -f1) MB"
echo
printf '| %-28s | %10s | %10s | %14s | %16s |\n' "process, median of $seconds" "RSS MB" "PSS MB" "anonymous MB" "file-backed MB"
printf '|%s|%s|%s|%s|%s|\n' "------------------------------" "-----------:" "-----------:" "---------------:" "-----------------:"
for who in agent floor; do
    printf '| %-28s | %10s | %10s | %14s | %16s |\n' \
        "$([[ $who == agent ]] && echo "pgward agent (1 node, TLS)" || echo "floor: Kestrel + Npgsql, TLS")" \
        "$(column_median "$work/$who" 1)" "$(column_median "$work/$who" 2)" "$(column_median "$work/$who" 3)" "$(column_median "$work/$who" 4)"
done
awk -v a="$(column_median "$work/agent" 1)" -v f="$(column_median "$work/floor" 1)" 'BEGIN {
    printf "\nagent / floor, RSS: %.2f; the floor alone is %s the goal of 35 MB (%.1f MB)\n", a / f, (f <= 35 ? "within" : "above"), f
}'
