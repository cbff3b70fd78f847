#!/usr/bin/env bash
# Benchmark of restores onto a node through its agent, pulled from the backup server's HTTPS endpoint (no SSH):
#   - `backup recover B --node node2 --delta` onto node2 stopped as it streamed, nothing written since the backup (its
#     pages came by replay); then node2 back to a streaming standby (start, stop, node rejoin, as the README says);
#   - `backup recover B --node node2 --delta` over node2's data directory after 30 s of pgbench on the primary
#     (node2 streamed them as a standby, then was stopped);
#   - the same again over the now identical directory (pgBackRest's delta restore of an unchanged directory: ~1 s
#     at scale 100 here);
#   - a full `backup recover B --node node2 --target-immediate` (every file fetched);
#   - `standby clone --from-backup` against `standby clone` (pg_basebackup from the primary), both without starting
#     the standby (the catch-up from the archive that follows is not timed);
#   - with pgBackRest (installed from Debian's package when missing), in the same run: its full backup of the same primary at the
#     same moment (lz4, --process-max=2), then `pgbackrest restore --delta --process-max=2` over a copy of node2's
#     directory as pgbench left it, and again over the now identical copy: the same two delta restores.
# Each: wall time, and bytes fetched against the backup's total as the command reports them. Ratios in the same run.
# One command:  bench/remote-restore.sh
# Environment: PGWARD_BENCH_PORT_RESTORE (5895), PGWARD_BENCH_RESTORE_SCALE (20, pgbench scale with md5 filler),
# PGWARD_BENCH_PGBENCH_SECONDS (30), PGWARD_BENCH_RESTORE_METHOD (tar: pg_basebackup's archives, or files: read by
# node1's agent, stored per file as lz4 blocks with block maps, which the endpoint sends as they are and --delta
# compares page by page), PGWARD_BIN (a pgward executable to use instead of publishing this tree).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${PGWARD_BENCH_PORT_RESTORE:-5895}"
scale="${PGWARD_BENCH_RESTORE_SCALE:-20}"
pgbench_seconds="${PGWARD_BENCH_PGBENCH_SECONDS:-30}"
method="${PGWARD_BENCH_RESTORE_METHOD:-tar}"
bindir=/usr/lib/postgresql/15/bin

work="$(mktemp -d /tmp/pgward-bench-restore.XXXXXX)"
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
psql_node() { psql -X -h 127.0.0.1 -p "$1" -U pgward -d pgward -Atc "$2"; }
seconds_since() { awk -v us="$(($(now_us) - $1))" 'BEGIN { printf "%.2f\n", us / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

if [[ -n "${PGWARD_BIN:-}" ]]; then
    pgward="$PGWARD_BIN"
else
    echo "== publishing"
    pgward="$("$repo/scripts/publish" -q)"
fi
echo "pgward: $pgward"

echo "== sandbox up --nodes 2 (port $port, agents and backup server), pgbench scale $scale with md5 filler"
run_quiet "$pgward" sandbox up --dir "$dir" --port "$port" --nodes 2 --witness false
run_quiet "$bindir/pgbench" -i -q -I dt -s "$scale" -h 127.0.0.1 -p "$port" -U pgward pgward
run_quiet psql_node "$port" "insert into pgbench_branches select b, 0 from generate_series(1, $scale) b;
    insert into pgbench_tellers select t, (t - 1) / 10 + 1, 0 from generate_series(1, $scale * 10) t;
    insert into pgbench_accounts select a, (a - 1) / 100000 + 1, 0, md5(a::text) from generate_series(1, $scale * 100000) a"
run_quiet "$bindir/pgbench" -i -q -I vp -s "$scale" -h 127.0.0.1 -p "$port" -U pgward pgward
db_bytes="$(psql_node "$port" "select sum(pg_database_size(oid)) from pg_database")"

backup_conf="$dir/backup/pgward.conf"
[[ "$method" == files ]] && printf '\nbackup_method = files\n' >>"$backup_conf"
echo "== backup create (backup_method = $method)"
run_quiet "$pgward" -f "$backup_conf" backup create
backup="$("$pgward" -f "$backup_conf" backup list | awk 'NR == 1 { print $1 }')"
[[ -n "$backup" ]] || fail "no DONE backup: $("$pgward" -f "$backup_conf" backup list)"
echo "backup $backup"

pgbackrest_setup "$dir" "$port"
if [[ -n "$pgbackrest_version" ]]; then
    echo "== pgBackRest $pgbackrest_version: backup --type=full (the same moment as $backup)"
    run_quiet pgbackrest_run backup --type=full --process-max=2 --compress-type=lz4
else
    echo "== pgBackRest could not be installed (apt-get install pgbackrest): its rows are left out"
fi

# "node node2: X of Y written (Z sent)" from the command's report.
recover() {
    local name="$1"
    shift
    local t0
    t0="$(now_us)"
    run_quiet "$pgward" -f "$backup_conf" backup recover "$backup" --node node2 --target-immediate "$@"
    local s
    s="$(seconds_since "$t0")"
    local written
    written="$(grep -o 'node node2: .* removed' "$work/last.out" | head -n 1)"
    printf '| %-44s | %7s | %s\n' "$name" "$s" "${written#node node2: }" >>"$work/rows"
    echo "$s" >"$work/$name.s"
}

# The standby as it streamed, nothing written since the backup: its table pages came by replay, not byte for byte
# the primary's (see PageMask). Then back to a streaming standby as the README says: start (recovery pauses once
# consistent), stop, node rejoin.
echo "== delta onto node2 as it streamed the backup's state; node2 rejoins as a standby"
run_quiet "$pgward" -f "$dir/node2/pgward.conf" node service --action=stop
recover "delta onto the standby as it streamed" --delta
run_quiet "$pgward" -f "$dir/node2/pgward.conf" node service --action=start
wait_for "node2 paused at consistency" 120 test "$(psql_node "$((port + 1))" "select pg_is_wal_replay_paused()")" = t
run_quiet "$pgward" -f "$dir/node2/pgward.conf" node service --action=stop
run_quiet "$pgward" -f "$dir/node2/pgward.conf" node rejoin -d "host=127.0.0.1 port=$port user=pgward dbname=pgward"
wait_for "node2 streaming again" 120 test "$(psql_node "$((port + 1))" "select count(*) from pg_stat_wal_receiver where status = 'streaming'")" = 1

echo "== pgbench -T $pgbench_seconds on the primary, node2 streaming"
run_quiet "$bindir/pgbench" -T "$pgbench_seconds" -c 2 -h 127.0.0.1 -p "$port" -U pgward pgward
primary_lsn="$(psql_node "$port" "select pg_current_wal_lsn()")"
wait_for "node2 replaying $primary_lsn" 120 test "$(psql_node "$((port + 1))" "select pg_last_wal_replay_lsn() >= '$primary_lsn'")" = t
run_quiet "$pgward" -f "$dir/node2/pgward.conf" node service --action=stop
# pgBackRest restores over a copy of node2's directory as pgbench left it, so both tools start from the same files.
[[ -n "$pgbackrest_version" ]] && cp -a "$dir/node2/data" "$work/pgbackrest-target"

recover "delta after ${pgbench_seconds}s of pgbench" --delta
recover "delta over an identical directory" --delta
recover "full recover --node"
full="$(cat "$work/full recover --node.s")"

echo
printf '| %-44s | %7s | %s\n' "restore onto node2 (scale $scale, $((db_bytes / 1000000)) MB)" "s" "fetched"
cat "$work/rows"

# pgbackrest restore --delta over the copy: its checksums decide which files it fetches (as --delta does for pgward).
pgbackrest_delta() {
    local name="$1" t0 s
    t0="$(now_us)"
    run_quiet pgbackrest_run restore --delta --process-max=2 --pg1-path="$work/pgbackrest-target" --type=immediate
    s="$(seconds_since "$t0")"
    printf '| %-44s | %7s |\n' "$name" "$s"
    echo "$s" >"$work/$name.s"
}
if [[ -n "$pgbackrest_version" ]]; then
    pgbackrest_delta "pgBackRest delta after ${pgbench_seconds}s of pgbench"
    pgbackrest_delta "pgBackRest delta over an identical directory"
fi

t0="$(now_us)"
run_quiet "$pgward" -f "$dir/node2/pgward.conf" standby clone -h 127.0.0.1 -p "$port" --force --fast-checkpoint
basebackup="$(seconds_since "$t0")"
t0="$(now_us)"
run_quiet "$pgward" -f "$dir/node2/pgward.conf" standby clone -h 127.0.0.1 -p "$port" --force --from-backup
from_backup="$(seconds_since "$t0")"
printf '| %-44s | %7s |\n' "standby clone (pg_basebackup)" "$basebackup"
printf '| %-44s | %7s |\n' "standby clone --from-backup" "$from_backup"
echo
echo "ratios: delta after pgbench / full = $(ratio "$(cat "$work/delta after ${pgbench_seconds}s of pgbench.s")" "$full");" \
    "delta identical / full = $(ratio "$(cat "$work/delta over an identical directory.s")" "$full");" \
    "clone --from-backup / standby clone = $(ratio "$from_backup" "$basebackup")"
if [[ -n "$pgbackrest_version" ]]; then
    echo "pgward / pgBackRest $pgbackrest_version: delta after pgbench" \
        "$(ratio "$(cat "$work/delta after ${pgbench_seconds}s of pgbench.s")" "$(cat "$work/pgBackRest delta after ${pgbench_seconds}s of pgbench.s")");" \
        "delta identical $(ratio "$(cat "$work/delta over an identical directory.s")" "$(cat "$work/pgBackRest delta over an identical directory.s")")"
fi
