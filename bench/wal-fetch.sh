#!/usr/bin/env bash
# Benchmark of `pgward backup wal-fetch` (a node's restore_command on the backup server's HTTPS endpoint): the time to
# give recovery N consecutive archived segments, one restore_command call per segment as PostgreSQL makes them,
# without prefetch (wal_fetch_parallel = 0: one round trip per segment) and with it (wal_fetch_parallel =
# PGWARD_BENCH_WAL_FETCH_PARALLEL, 8: one batch of parallel fetches, then the spool), and beside them `backup
# wal-restore` on the backup server's own archive (no network, the floor). Ratios in the same run.
# One command:  bench/wal-fetch.sh
#
# Builds a one-node sandbox with its backup server (TLS endpoint, the sandbox's token), writes N segments of real WAL
# (an insert, then pg_switch_wal, N times), waits until the backup server archived them, then runs the three loops
# PGWARD_BENCH_WAL_FETCH_RUNS (3) times each, alternating, and prints the median wall time of each loop, ms per
# segment, MB/s of WAL given to recovery, and the ratios. Every restored file is compared with the original once.
# On loopback a round trip costs little: over a real network prefetch gains more, not less.
# Environment: PGWARD_BENCH_PORT_WAL_FETCH (5815), PGWARD_BENCH_WAL_FETCH_SEGMENTS (32), PGWARD_BENCH_WAL_FETCH_PARALLEL
# (8), PGWARD_BENCH_WAL_FETCH_RUNS (3), PGWARD_BIN (a pgward executable to use instead of publishing this tree).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${PGWARD_BENCH_PORT_WAL_FETCH:-5815}"
segments="${PGWARD_BENCH_WAL_FETCH_SEGMENTS:-32}"
parallel="${PGWARD_BENCH_WAL_FETCH_PARALLEL:-8}"
runs="${PGWARD_BENCH_WAL_FETCH_RUNS:-3}"

work="$(mktemp -d /tmp/pgward-bench-wal-fetch.XXXXXX)"
chmod 755 "$work"
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

export PGPASSFILE="$dir/pgpass" PGSSLMODE=verify-full PGSSLROOTCERT="$dir/tls/ca.crt"
psql_primary() { psql -X -h 127.0.0.1 -p "$port" -U pgward -d pgward -Atc "$1"; }

if [[ -n "${PGWARD_BIN:-}" ]]; then
    pgward="$PGWARD_BIN"
else
    echo "== publishing"
    pgward="$("$repo/scripts/publish" -q)"
fi
echo "pgward: $pgward"

echo "== sandbox up --nodes 1 --backup true (port $port), $segments segments of WAL"
PGWARD_EXECUTABLE="$pgward" run_quiet "$pgward" sandbox up --dir "$dir" --port "$port" --nodes 1 --witness false --agents false --backup true
run_quiet psql_primary "create table filler (id bigint, payload text)"
names=()
for ((i = 0; i < segments; i++)); do
    run_quiet psql_primary "insert into filler select g, md5(g::text) from generate_series(1, 60000) g"
    names+=("$(psql_primary "select pg_walfile_name(pg_switch_wal())")")
done
run_quiet "$pgward" -f "$dir/backup/pgward.conf" backup switch-wal --archive --archive-timeout 120
url="$(psql_primary "select endpoint from pgward.backup_servers")"
segment_bytes="$(psql_primary "select setting::bigint * 1 from pg_settings where name = 'wal_segment_size'")"
echo "endpoint: $url; segments ${names[0]} .. ${names[-1]} ($((segment_bytes / 1024 / 1024)) MB each)"

# The node's pgward.conf with the prefetch settings first (root keys).
node_conf() { # node_conf NAME PARALLEL
    { echo "wal_fetch_parallel = $2"; echo "wal_fetch_spool_directory = '$work/spool-$1'"; cat "$dir/node1/pgward.conf"; } >"$work/$1.conf"
    chmod 600 "$work/$1.conf"
}
node_conf serial 0
node_conf prefetch "$parallel"
dest="$work/pg_wal"
mkdir -p "$dest"

# One loop: every segment in order, as recovery asks for them; prints the wall time in ms.
loop() { # loop KIND
    local start i
    rm -rf "$work/spool-$1"
    start=$(now_us)
    for i in "${names[@]}"; do
        case "$1" in
            local) "$pgward" -f "$dir/backup/pgward.conf" backup wal-restore "$i" "$dest/RECOVERYXLOG" ;;
            *) "$pgward" -f "$work/$1.conf" backup wal-fetch --server "$url" "$i" "$dest/RECOVERYXLOG" ;;
        esac
    done
    echo $((($(now_us) - start) / 1000))
}

echo "== check: every restored segment equals pg_wal's"
for kind in serial prefetch; do
    rm -rf "$work/spool-$kind"
    for i in "${names[@]}"; do
        "$pgward" -f "$work/$kind.conf" backup wal-fetch --server "$url" "$i" "$dest/$i" || fail "wal-fetch $i ($kind)"
        if [[ -f "$dir/node1/data/pg_wal/$i" ]]; then
            cmp -s "$dest/$i" "$dir/node1/data/pg_wal/$i" || fail "$i differs from pg_wal's ($kind)"
        fi
        rm -f "$dest/$i"
    done
done

echo "== $runs runs of each loop ($segments calls)"
for kind in local serial prefetch; do : >"$work/$kind.ms"; done
for ((r = 1; r <= runs; r++)); do
    for kind in local serial prefetch; do
        loop "$kind" >>"$work/$kind.ms"
    done
done

printf '%-34s %10s %12s %10s\n' "loop of $segments calls (median of $runs)" "wall ms" "ms/segment" "MB/s"
for kind in local serial prefetch; do
    ms="$(median "$work/$kind.ms")"
    label="$kind"
    [[ "$kind" == local ]] && label="wal-restore on the backup server"
    [[ "$kind" == serial ]] && label="wal-fetch, wal_fetch_parallel=0"
    [[ "$kind" == prefetch ]] && label="wal-fetch, wal_fetch_parallel=$parallel"
    awk -v l="$label" -v ms="$ms" -v n="$segments" -v b="$segment_bytes" \
        'BEGIN { printf "%-34s %10.0f %12.1f %10.0f\n", l, ms, ms / n, n * b / 1048576 / (ms / 1000) }'
done
awk -v s="$(median "$work/serial.ms")" -v p="$(median "$work/prefetch.ms")" -v l="$(median "$work/local.ms")" \
    'BEGIN { printf "prefetch speed-up: %.2fx (serial / prefetch); wal-fetch with prefetch vs local wal-restore: %.2fx the time\n", s / p, p / l }'
