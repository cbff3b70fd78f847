#!/usr/bin/env bash
# Benchmark of WAL streaming lag: `pgward backup receive-wal` beside pg_receivewal, under a pgbench write load.
# One command:  bench/wal-streaming.sh
#
# Builds a one-node sandbox (its primary has pgward's metadata, so the receiver finds it the way it would in a
# cluster), initializes pgbench (scale PGWARD_BENCH_WAL_SCALE, 10), then starts three receivers, each through its
# own physical replication slot, and runs `pgbench -T PGWARD_BENCH_WAL_SECONDS (30) -c 4 -j 2`:
#   - pgward:                  `pgward backup receive-wal` (native): fsync + flush report as soon as WAL is written
#                              (WAL arriving during an fsync waits for the next, at most one per 10 ms), zstd per segment;
#   - pg_receivewal:           default (fsyncs, and reports a flush position, when a segment is complete);
#   - pg_receivewal --synchronous: fsyncs and reports after every write.
# Every 0.5 s it samples pg_stat_replication on the primary: bytes behind = pg_current_wal_lsn() - flush_lsn, and
# flush_lag (seconds between the primary's own flush and the receiver's report of it). Before the load it closes the
# current segment (switch-wal) and waits until every receiver has flushed it. After pgbench ends it times
# how long each receiver takes to report everything the primary wrote as flushed (catch-up).
# Environment: PGWARD_BENCH_PORT_WAL (default 5791), PGWARD_BENCH_WAL_SECONDS (30), PGWARD_BENCH_WAL_SCALE (10).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${PGWARD_BENCH_PORT_WAL:-5791}"
seconds="${PGWARD_BENCH_WAL_SECONDS:-30}"
scale="${PGWARD_BENCH_WAL_SCALE:-10}"
bindir=/usr/lib/postgresql/15/bin

work="$(mktemp -d /tmp/pgward-bench-wal.XXXXXX)"
chmod 755 "$work" # the server runs as the postgres user and must reach its data directory
dir="$work/sandbox"
pgward=""
pids=()

cleanup() {
    local status=$?
    if [[ -n "$pgward" && -f "$work/backup.conf" ]]; then
        "$pgward" -f "$work/backup.conf" backup receive-wal --stop >/dev/null 2>&1 || true
    fi
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    purge_sandbox "$pgward" "$dir"
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

# stats with three decimals (lib.sh's keeps one): "samples median min max".
stats3() {
    sort -g "$1" | awk '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%d %.3f %.3f %.3f\n", NR, m, v[1], v[NR] }'
}

psql_primary() {
    psql -X -h 127.0.0.1 -p "$port" -U pgward -d pgward -Atc "$1"
}

streaming() { # application_name
    [[ "$(psql_primary "select count(*) from pg_stat_replication where application_name = '$1' and state = 'streaming'")" == "1" ]]
}

echo "== publishing"
pgward="$("$repo/scripts/publish" -q)"
echo "native: $pgward"

echo "== sandbox up --nodes 1 (port $port), pgbench -i -s $scale"
run_quiet "$pgward" sandbox up --dir "$dir" --port "$port" --nodes 1 --witness false --agents false
# The sandbox takes scram-sha-256 over TLS only: psql, pgbench and pg_receivewal find the password and the CA here.
export PGPASSFILE="$dir/pgpass" PGSSLMODE=verify-full PGSSLROOTCERT="$dir/tls/ca.crt"
run_quiet "$bindir/pgbench" -i -q -s "$scale" -h 127.0.0.1 -p "$port" -U pgward pgward

cat >"$work/backup.conf" <<CONF
[backup]
backup_directory = '$work/backup'
conninfo = 'host=127.0.0.1 port=$port user=pgward dbname=pgward connect_timeout=2 sslmode=verify-full sslrootcert=$dir/tls/ca.crt passfile=$dir/pgpass'
slot_name = 'bench_pgward'
CONF

echo "== starting the receivers"
"$pgward" -f "$work/backup.conf" backup receive-wal >"$work/pgward.log" 2>&1 &
pids+=($!)
for mode in default synchronous; do
    slot="bench_receivewal_$mode"
    mkdir -p "$work/pg_receivewal_$mode"
    run_quiet "$bindir/pg_receivewal" -h 127.0.0.1 -p "$port" -U pgward -S "$slot" --create-slot
    extra=()
    [[ "$mode" == synchronous ]] && extra=(--synchronous)
    PGAPPNAME="pg_receivewal_$mode" "$bindir/pg_receivewal" -h 127.0.0.1 -p "$port" -U pgward -S "$slot" -D "$work/pg_receivewal_$mode" \
        --no-loop "${extra[@]}" >"$work/pg_receivewal_$mode.log" 2>&1 &
    pids+=($!)
done
for app in pgward_receive_wal pg_receivewal_default pg_receivewal_synchronous; do
    wait_for "$app streaming (logs in $work)" 30 streaming "$app"
done

# Start from a quiet, fully archived state: the backlog (pgbench -i's WAL before the slots) is not what is measured.
run_quiet "$pgward" -f "$work/backup.conf" backup switch-wal --archive --archive-timeout 120
start_lsn="$(psql_primary "select pg_current_wal_lsn()")"
all_flushed() {
    [[ "$(psql_primary "select count(*) from pg_stat_replication where flush_lsn >= '$1'")" == "3" ]]
}
wait_for "every receiver flushed $start_lsn" 120 all_flushed "$start_lsn"

echo "== pgbench -T $seconds -c 4 -j 2, sampling pg_stat_replication every 0.5 s"
"$bindir/pgbench" -T "$seconds" -c 4 -j 2 -h 127.0.0.1 -p "$port" -U pgward pgward >"$work/pgbench.out" 2>&1 &
bench_pid=$!
pids+=("$bench_pid")
while kill -0 "$bench_pid" 2>/dev/null; do
    psql_primary "select application_name, pg_current_wal_lsn() - flush_lsn, coalesce(extract(epoch from flush_lag), 0)
                    from pg_stat_replication" >>"$work/samples" || true
    sleep 0.5
done
wait "$bench_pid" || fail "pgbench: $(cat "$work/pgbench.out")"
end_lsn="$(psql_primary "select pg_current_wal_lsn()")"
t0="${EPOCHREALTIME/./}"
declare -A caught_up=()
caught=0
for ((i = 0; i < 600 && caught < 3; i++)); do
    while IFS='|' read -r app done_; do
        if [[ "$done_" == t && -z "${caught_up[$app]:-}" ]]; then
            caught_up[$app]="$(awk -v us="$((${EPOCHREALTIME/./} - t0))" 'BEGIN { printf "%.2f", us / 1e6 }')"
            caught=$((caught + 1))
        fi
    done < <(psql_primary "select application_name, flush_lsn >= '$end_lsn' from pg_stat_replication")
    sleep 0.05
done
wal_bytes="$(psql_primary "select pg_current_wal_lsn() - '0/0'")"
tps="$(awk '/^tps/ { printf "%.0f", $3 }' "$work/pgbench.out")"

echo
echo "machine: $(nproc) cores, $(uname -r); pgbench scale $scale, $seconds s, $tps tps; WAL written in total: $((wal_bytes / 1048576)) MiB"
echo
printf '| %-26s | %7s | %14s | %14s | %14s | %13s | %10s |\n' "receiver" "samples" "median behind" "max behind" "median lag s" "max lag s" "catch-up s"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..28})" "--------:" "---------------:" "---------------:" "---------------:" "--------------:" "-----------:"
for app in pgward_receive_wal pg_receivewal_default pg_receivewal_synchronous; do
    awk -F'|' -v a="$app" '$1 == a { print $2 }' "$work/samples" >"$work/bytes.$app"
    awk -F'|' -v a="$app" '$1 == a { print $3 }' "$work/samples" >"$work/lag.$app"
    read -r n bmed _ bmax < <(stats "$work/bytes.$app")
    read -r _ lmed _ lmax < <(stats3 "$work/lag.$app")
    printf '| %-26s | %7s | %10.0f KiB | %10.0f KiB | %14.3f | %13.3f | %10s |\n' "$app" "$n" "$(echo "$bmed / 1024" | bc -l)" \
        "$(echo "$bmax / 1024" | bc -l)" "$lmed" "$lmax" "${caught_up[$app]:-none}"
done
echo
echo "archived by pgward: $(find "$work/backup/wals" -name '*.zst' | wc -l) segments, $(du -sm "$work/backup/wals" | cut -f1) MiB compressed;" \
    "pg_receivewal: $(find "$work/pg_receivewal_default" -name '0*' ! -name '*.partial' | wc -l) segments, $(du -sm "$work/pg_receivewal_default" | cut -f1) MiB"
grep -E 'ERROR|WARNING' "$work/pgward.log" || true
