#!/usr/bin/env bash
# Benchmark of `pgward standby switchover --siblings-follow` under a write load (see BENCHMARKS.md).
# One command:  bench/switchover.sh [--tls both|on|off]
#
# Two series in the same run (--tls both, the default): the sandbox as it comes (scram-sha-256 and verify-full TLS
# for PostgreSQL, HTTPS between the agents and the CLI), then the same without TLS (`sandbox up --tls false`), the
# baseline that shows what TLS costs. Each series builds a 3-node sandbox, starts the three agents with
# `daemon start`, then runs N switchovers alternating node2 -> node1 -> node2 ... For each, a write load (bench/Pgward.Bench `write-load`: one INSERT every 5 ms through a
# multi-host connection string with Target Session Attributes=read-write, reconnecting after every failure) runs
# from before the command until 100 writes were acknowledged after it returned, and the script records:
#   - the command's wall time,
#   - the longest gap between two acknowledged writes (the write outage), and the acknowledged writes,
#   - lost writes: acknowledged ids missing on the new primary afterwards (`verify`; must be 0),
#   - the exit status of `cluster show` afterwards (must be 0).
# Before the next switchover it waits until both standbys stream from the new primary.
# Environment: PGWARD_BENCH_PORT_SWITCHOVER (default 5741: PostgreSQL 5741-5743, agents 6741-6743; the plain series
# uses the ports + 10),
# PGWARD_BENCH_SWITCHOVER_RUNS (5), PGWARD_BENCH_WRITE_INTERVAL_MS (5), PGWARD_BENCH_KEEP=1 keeps the scratch
# directory with the sandbox's logs (DIR/sandbox.logs), PGWARD_BENCH_BINARY (an executable to run instead of
# publishing the tree: a "before" build, run beside the "after").
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${PGWARD_BENCH_PORT_SWITCHOVER:-5741}"
runs="${PGWARD_BENCH_SWITCHOVER_RUNS:-5}"
interval_ms="${PGWARD_BENCH_WRITE_INTERVAL_MS:-5}"
nodes=3
token="bench-agent-token-$RANDOM$RANDOM"
tls_modes=(on off)
case "${1:-}" in
    "") ;;
    --tls)
        case "${2:-}" in
            both) ;;
            on | off) tls_modes=("$2") ;;
            *) echo "--tls must be both, on or off, not \"${2:-}\"" >&2; exit 2 ;;
        esac ;;
    *) echo "usage: bench/switchover.sh [--tls both|on|off]" >&2; exit 2 ;;
esac
base_port="$port"

work="$(mktemp -d /tmp/pgward-bench-switchover.XXXXXX)"
chmod 755 "$work" # the servers run as the postgres user and must reach their data directories
dir="$work/sandbox" # the current series' sandbox
pgward=""
load_pid=""

cleanup() {
    local status=$?
    if [[ -n "$load_pid" ]] && kill -0 "$load_pid" 2>/dev/null; then
        kill -TERM "$load_pid" 2>/dev/null || true
        wait "$load_pid" 2>/dev/null || true
    fi
    purge_sandbox "$pgward" "$dir"
    if [[ "${PGWARD_BENCH_KEEP:-0}" == 1 ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

# Runs a command with output discarded; on failure shows its output and stops the benchmark.

psql_node() { # node sql: with the sandbox's password file, and its CA when it has TLS
    PGPASSFILE="$dir/pgpass" PGSSLMODE="$pg_sslmode" PGSSLROOTCERT="$dir/tls/ca.crt" \
        psql -X -h 127.0.0.1 -p "$((port + $1 - 1))" -U pgward -d pgward -Atc "$2"
}

standbys_stream_from() { # primary
    local n
    for ((n = 1; n <= nodes; n++)); do
        [[ "$n" -eq "$1" ]] && continue
        [[ "$(psql_node "$n" "select count(*) from pg_stat_wal_receiver where status = 'streaming' and sender_port = $((port + $1 - 1))")" == "1" ]] || return 1
    done
}

if [[ -n "${PGWARD_BENCH_BINARY:-}" ]]; then
    pgward="$PGWARD_BENCH_BINARY" # another build (a "before"), measured the same way
else
    echo "== publishing"
    pgward="$("$repo/scripts/publish" -q)"
fi
echo "native: $pgward"
bench_dir="$repo/artifacts/bench"
build_into "$repo/bench/Pgward.Bench" "$bench_dir"
bench=(dotnet "$bench_dir/pgward-bench.dll")

# One series: run_series on|off. Results in $work/MODE/{cmd.ms,gap.ms,acked,lost,show.status}.
run_series() {
    local mode="$1" status tls n i target source load_status show_status cmd_ms gap_ms acked unknown failed lost t0 t1 hosts connection
    tls="$([[ "$mode" == on ]] && echo true || echo false)"
    dir="$work/sandbox-$mode"
    port="$([[ "$mode" == on ]] && echo "$base_port" || echo "$((base_port + 10))")"
    if [[ "$mode" == on ]]; then
        pg_sslmode=verify-full
        npgsql_security=";SSL Mode=VerifyFull;Root Certificate=$dir/tls/ca.crt;Passfile=$dir/pgpass"
    else
        pg_sslmode=disable
        npgsql_security=";SSL Mode=Disable;Passfile=$dir/pgpass"
    fi
    mkdir -p "$work/$mode"
    echo "== TLS $mode"
    echo "== sandbox up --nodes $nodes (ports $port..$((port + nodes - 1)), agents $((port + 1000))..$((port + 1000 + nodes - 1)))"
    run_quiet "$pgward" sandbox up --dir "$dir" --port "$port" --nodes "$nodes" --witness false --agents false --tls "$tls"
    set_agent_token "$dir" "$nodes" "$token"
    for ((n = 1; n <= nodes; n++)); do
        run_quiet "$pgward" -f "$dir/node$n/pgward.conf" daemon start
    done
    wait_for "standbys streaming from node1" 60 standbys_stream_from 1

    hosts="$(for ((n = 0; n < nodes; n++)); do printf '127.0.0.1:%d,' "$((port + n))"; done)"
    connection="Host=${hosts%,};Username=pgward;Database=pgward;Target Session Attributes=read-write;Host Recheck Seconds=0;Timeout=2;Pooling=false$npgsql_security"

    printf '\n| %3s | %-13s | %10s | %13s | %12s | %6s | %7s | %6s | %12s |\n' \
        "run" "switchover" "command ms" "longest gap ms" "acknowledged" "lost" "unknown" "failed" "cluster show"
    printf '|-----|---------------|-----------:|---------------:|-------------:|-------:|--------:|-------:|--------------|\n'
    for ((i = 1; i <= runs; i++)); do
        target=$((i % 2 == 1 ? 2 : 1))
        source=$((3 - target))
        rm -f "$work/$mode/stop" "$work/$mode/ready"
        "${bench[@]}" write-load --connection "$connection" --interval-ms "$interval_ms" --max-seconds 120 \
            --stop-file "$work/$mode/stop" --ready-file "$work/$mode/ready" --ready-after 100 --tail 100 \
            --ids-out "$work/$mode/ids.$i" >"$work/$mode/load.$i.json" 2>"$work/$mode/load.$i.err" &
        load_pid=$!
        wait_for "write load ready (log $work/load.$i.err)" 30 test -f "$work/$mode/ready"

        t0="${EPOCHREALTIME/./}"
        # Each line of the command's output stamped with the time it arrived (µs since the epoch), to time its phases
        # against the agents' logs; the first line is the start.
        echo "$t0 (started)" >"$work/$mode/switchover.$i.log"
        set +e
        "$pgward" -f "$dir/node$target/pgward.conf" standby switchover --siblings-follow 2>&1 \
            | while IFS= read -r line; do echo "${EPOCHREALTIME/./} $line"; done >>"$work/$mode/switchover.$i.log"
        status="${PIPESTATUS[0]}"
        set -e
        t1="${EPOCHREALTIME/./}"
        if [[ "$status" -ne 0 ]]; then
            cat "$work/$mode/switchover.$i.log" >&2
            fail "switchover $i to node$target"
        fi
        touch "$work/$mode/stop"
        load_status=0
        wait "$load_pid" || load_status=$?
        load_pid=""
        if [[ "$load_status" -ne 0 ]]; then
            cat "$work/$mode/load.$i.json" "$work/$mode/load.$i.err" >&2
            fail "write load $i exited with $load_status (writes did not resume within its tail timeout?)"
        fi

        [[ "$(psql_node "$target" 'select pg_is_in_recovery()')" == "f" ]] || fail "node$target is not the primary after switchover $i"
        "${bench[@]}" verify --connection "Host=127.0.0.1;Port=$((port + target - 1));Username=pgward;Database=pgward;Pooling=false$npgsql_security" \
            --ids "$work/$mode/ids.$i" >"$work/$mode/verify.$i.json" || true
        show_status=0
        "$pgward" -f "$dir/node1/pgward.conf" cluster show >"$work/$mode/show.$i.out" 2>&1 || show_status=$?

        cmd_ms="$(awk -v us="$((t1 - t0))" 'BEGIN { printf "%.1f", us / 1000 }')"
        gap_ms="$(printf '%.1f' "$(jq -r .longest_gap_ms "$work/$mode/load.$i.json")")"
        acked="$(jq -r .acknowledged "$work/$mode/load.$i.json")"
        unknown="$(jq -r .unknown "$work/$mode/load.$i.json")"
        failed="$(jq -r .failed "$work/$mode/load.$i.json")"
        lost="$(jq -r .missing "$work/$mode/verify.$i.json")"
        echo "$cmd_ms" >>"$work/$mode/cmd.ms"
        echo "$gap_ms" >>"$work/$mode/gap.ms"
        echo "$acked" >>"$work/$mode/acked"
        echo "$lost" >>"$work/$mode/lost"
        echo "$show_status" >>"$work/$mode/show.status"
        printf '| %3d | %-13s | %10s | %13s | %12s | %6s | %7s | %6s | %12s |\n' \
            "$i" "node$source->node$target" "$cmd_ms" "$gap_ms" "$acked" "$lost" "$unknown" "$failed" "exit $show_status"
        if [[ "$show_status" -ne 0 ]]; then
            cat "$work/$mode/show.$i.out" >&2
        fi
        wait_for "standbys streaming from node$target after switchover $i" 60 standbys_stream_from "$target"
    done
    purge_sandbox "$pgward" "$dir"
}

for mode in "${tls_modes[@]}"; do
    run_series "$mode"
done

echo
echo "machine: $(nproc) cores, $(uname -r), load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
row() {
    read -r n med lo hi < <(stats "$2")
    printf '| %-46s | %4s | %10s | %10s | %10s |\n' "$1" "$n" "$med" "$lo" "$hi"
}
all_ok=1
for mode in "${tls_modes[@]}"; do
    r="$work/$mode"
    echo
    echo "TLS $mode:"
    printf '| %-46s | %4s | %10s | %10s | %10s |\n' "measurement" "runs" "median" "min" "max"
    printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..48})" "------" "-----------:" "-----------:" "-----------:"
    row "switchover command wall time, ms" "$r/cmd.ms"
    row "longest gap between acknowledged writes, ms" "$r/gap.ms"
    row "acknowledged writes per run" "$r/acked"
    row "lost writes (acknowledged, missing afterwards)" "$r/lost"
    echo
    cmd_ms="$(median "$r/cmd.ms")"
    gap_ms="$(median "$r/gap.ms")"
    lost_total="$(awk '{ s += $1 } END { print s + 0 }' "$r/lost")"
    show_failures="$(awk '$1 != 0 { c++ } END { print c + 0 }' "$r/show.status")"
    awk -v c="$cmd_ms" -v g="$gap_ms" -v l="$lost_total" -v s="$show_failures" -v r="$runs" 'BEGIN {
        printf "cluster show after each switchover: %d of %d exited 0\n", r - s, r
        printf "target: write gap < 500 ms: %s (median %.1f ms); command < 3000 ms: %s (median %.1f ms); zero lost rows: %s (%d lost)\n",
            (g < 500 ? "met" : "NOT met"), g, (c < 3000 ? "met" : "NOT met"), c, (l == 0 ? "met" : "NOT met"), l
    }'
    [[ "$lost_total" -eq 0 && "$show_failures" -eq 0 ]] || all_ok=0
done
if [[ ${#tls_modes[@]} -eq 2 ]]; then
    echo
    for what in cmd gap; do
        awk -v a="$(median "$work/on/$what.ms")" -v b="$(median "$work/off/$what.ms")" -v w="$what" 'BEGIN {
            printf "with TLS / without, %s: %.2f (%.1f ms against %.1f ms)\n", (w == "cmd" ? "command wall time" : "longest write gap"), a / b, a, b }'
    done
fi
echo "for comparison (issue #3, measured on these machines): repmgr 5.3 switchover: gap 390 ms, command 4000-5600 ms (over SSH);" \
    "Patroni 3.0: gap 1310 ms, command 2500 ms"
[[ "$all_ok" -eq 1 ]]
