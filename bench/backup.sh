#!/usr/bin/env bash
# Benchmark of full base backups and recovery: `pgward backup create` beside `pg_basebackup --compress=client-lz4 -Ft`
# and pgBackRest (installed from Debian's package when missing) in the same run, then `pgward backup recover` and the
# replay to a promoted server.
# One command:  bench/backup.sh
#
# Builds a one-node sandbox and fills a pgbench database of scale PGWARD_BENCH_BACKUP_SCALE (50) whose filler column
# holds md5 text (about 2.5:1 compressible with lz4, like real data; pgbench's blank filler would compress 20:1).
# Starts `pgward backup receive-wal` (the archive recovery replays from), then alternates, PGWARD_BENCH_BACKUP_RUNS
# (3) times each:
#   - pg_basebackup -Ft --compress=client-lz4 -X none --manifest-checksums=CRC32C --checkpoint=fast (what pgward runs);
#   - pgward backup create (the same pg_basebackup, plus finding the primary, backup.info, and the WAL check);
#   - pgbackrest backup --type=full --process-max=2 --compress-type=lz4, as the postgres user, into a repository in the
#     scratch directory. The server does not archive WAL (archive_mode off, as for the two others, which take no WAL
#     either), so the stanza has archive-check=n: pgBackRest then takes an online backup without waiting for WAL in
#     its archive (archive-copy is off by default). start-fast=y is the counterpart of --checkpoint=fast.
# Wall time and MB/s (data directory bytes / wall time), median of the runs; pgward's fixed cost is the difference
# of the medians. Then the files method (backup_method = files: the node's agent reads, compresses with lz4 and sends
# the files, parallel_jobs PGWARD_BENCH_BACKUP_JOBS (2) at once): PGWARD_BENCH_BACKUP_RUNS full ones (with the CPU
# seconds of the node's agent and of `backup create`), then one
# incremental (--incremental) after 30 s of pgbench (-c 2), with the bytes it stored against the full's, and the same
# for pgBackRest --type=incr; then PGWARD_BENCH_BACKUP_SMALL_RUNS (3) incrementals of each after a small change (30 s of
# pgbench at 50 transactions a second), their median against the full, and for each pgward incremental whether the
# archived WAL named its changed table pages (wal_summaries: "wal") or every page was read ("files"); the pgward incremental is block-level: its changed large files are stored as their changed
# 8 KiB blocks (<name>.patch over the full's copies), counted apart. Then, PGWARD_BENCH_BACKUP_RUNS times: `pgward backup recover TAR_ID DEST --target-immediate
# --target-action promote` (unpacking) and pg_ctl start until the server is promoted (replay through wal-restore).
# Environment: PGWARD_BENCH_PORT_BACKUP (5795), PGWARD_BENCH_BACKUP_SCALE (50), PGWARD_BENCH_BACKUP_RUNS (3), PGWARD_BENCH_BACKUP_SMALL_RUNS (3),
# PGWARD_BIN (a pgward executable to use instead of publishing this tree), PGWARD_BENCH_PERF (a file: perf record -g of
# the node's agent during the full files backups), PGWARD_BENCH_PERF_ALL (a file: perf record -a -g of the whole machine
# during them: the agent, `backup create`, PostgreSQL and the kernel, which share the two cores).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${PGWARD_BENCH_PORT_BACKUP:-5795}"
scale="${PGWARD_BENCH_BACKUP_SCALE:-50}"
runs="${PGWARD_BENCH_BACKUP_RUNS:-3}"
small_runs="${PGWARD_BENCH_BACKUP_SMALL_RUNS:-3}"
jobs="${PGWARD_BENCH_BACKUP_JOBS:-2}"
token="bench-backup-token"
bindir=/usr/lib/postgresql/15/bin

work="$(mktemp -d /tmp/pgward-bench-backup.XXXXXX)"
chmod 755 "$work" # the servers run as the postgres user and must reach their data directories
dir="$work/sandbox"
pgward=""
pids=()
restored_pgdata=""

cleanup() {
    local status=$?
    if [[ -n "$restored_pgdata" && -f "$restored_pgdata/postmaster.pid" ]]; then
        runuser -u postgres -- "$bindir/pg_ctl" -D "$restored_pgdata" -m immediate stop >/dev/null 2>&1 || true
    fi
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

conninfo="host=127.0.0.1 port=$port user=pgward dbname=pgward connect_timeout=2 sslmode=verify-full sslrootcert=$dir/tls/ca.crt passfile=$dir/pgpass"
# The sandbox takes scram-sha-256 over TLS only: psql, pgbench and pgBackRest (libpq) find the password and the CA here.
export PGPASSFILE="$dir/pgpass" PGSSLMODE=verify-full PGSSLROOTCERT="$dir/tls/ca.crt"
psql_primary() { psql -X -h 127.0.0.1 -p "$port" -U pgward -d pgward -Atc "$1"; }
seconds_since() { awk -v us="$(($(now_us) - $1))" 'BEGIN { printf "%.2f\n", us / 1e6 }'; }

if [[ -n "${PGWARD_BIN:-}" ]]; then
    pgward="$PGWARD_BIN"
else
    echo "== publishing"
    pgward="$("$repo/scripts/publish" -q)"
fi
echo "pgward: $pgward"

echo "== sandbox up --nodes 1 (port $port), pgbench scale $scale with md5 filler"
run_quiet "$pgward" sandbox up --dir "$dir" --port "$port" --nodes 1 --witness false --agents false --backup false
run_quiet "$bindir/pgbench" -i -q -I dt -s "$scale" -h 127.0.0.1 -p "$port" -U pgward pgward
run_quiet psql_primary "insert into pgbench_branches select b, 0 from generate_series(1, $scale) b;
    insert into pgbench_tellers select t, (t - 1) / 10 + 1, 0 from generate_series(1, $scale * 10) t;
    insert into pgbench_accounts select a, (a - 1) / 100000 + 1, 0, md5(a::text) from generate_series(1, $scale * 100000) a"
run_quiet "$bindir/pgbench" -i -q -I vp -s "$scale" -h 127.0.0.1 -p "$port" -U pgward pgward
# The node's agent reads the files of a files backup: the agent of node1, with a token the backup server shares.
set_agent_token "$dir" 1 "$token"
"$pgward" -f "$dir/node1/pgward.conf" daemon run >"$work/agent.log" 2>&1 &
pids+=($!)
agent_pid=$!
db_bytes="$(psql_primary "select sum(pg_database_size(oid)) from pg_database")"

cat >"$work/backup.conf" <<CONF
node_id = 100
node_name = 'backup'
conninfo = '$conninfo'
data_directory = '$dir/node1/data'

[backup]
backup_directory = '$work/backup'
conninfo = '$conninfo'
slot_name = 'bench_backup'
CONF

# The same backup directory, taken with the files method: the receiver above archives the WAL of both.
cat >"$work/files.conf" <<CONF
node_id = 100
node_name = 'backup'
conninfo = '$conninfo'
data_directory = '$dir/node1/data'
agent_token = '$token'
agent_tls_ca_file = '$dir/tls/ca.crt'

[backup]
backup_directory = '$work/backup'
conninfo = '$conninfo'
slot_name = 'bench_backup'
backup_method = 'files'
parallel_jobs = $jobs
CONF

echo "== pgward backup receive-wal"
run_quiet "$pgward" -f "$work/backup.conf" backup receive-wal --create-slot
"$pgward" -f "$work/backup.conf" backup receive-wal >"$work/receive-wal.log" 2>&1 &
pids+=($!)
for ((i = 0; i < 300; i++)); do
    [[ "$(psql_primary "select count(*) from pg_stat_replication where state = 'streaming'")" == "1" ]] && break
    sleep 0.1
done
run_quiet "$pgward" -f "$work/backup.conf" backup switch-wal --archive --archive-timeout 120

pgbackrest_setup "$dir" "$port" "$((runs + 1))"
if [[ -n "$pgbackrest_version" ]]; then
    echo "== pgBackRest $pgbackrest_version: stanza created"
else
    echo "== pgBackRest could not be installed (apt-get install pgbackrest): its row is left out"
fi

: >"$work/pgbb.s"
: >"$work/pgward.s"
: >"$work/pgbackrest.s"
for ((r = 1; r <= runs; r++)); do
    echo "== run $r: pg_basebackup"
    t0="$(now_us)"
    run_quiet "$bindir/pg_basebackup" -D "$work/pgbb" -Ft --compress=client-lz4 -X none --manifest-checksums=CRC32C \
        --checkpoint=fast -d "$conninfo" --no-password
    seconds_since "$t0" >>"$work/pgbb.s"
    pgbb_bytes="$(du -sb "$work/pgbb" | cut -f1)"
    rm -rf "$work/pgbb"

    echo "== run $r: pgward backup create"
    t0="$(now_us)"
    run_quiet "$pgward" -f "$work/backup.conf" backup create
    seconds_since "$t0" >>"$work/pgward.s"

    if [[ -n "$pgbackrest_version" ]]; then
        echo "== run $r: pgbackrest backup --type=full --process-max=2 --compress-type=lz4"
        t0="$(now_us)"
        run_quiet pgbackrest_run backup --type=full --process-max=2 --compress-type=lz4
        seconds_since "$t0" >>"$work/pgbackrest.s"
        pgbackrest_bytes="$(du -sb "$(find "$br/repo/backup/bench" -maxdepth 1 -name '*F' | sort | tail -1)" | cut -f1)"
    fi
done
run_quiet "$pgward" -f "$work/backup.conf" backup switch-wal --archive --archive-timeout 120
tar_id="$(basename "$(ls -d "$work"/backup/base/*/ | sort | tail -1)")"

: >"$work/files.s"
: >"$work/files-agent.cpu"
: >"$work/files-server.cpu"
# CPU seconds (user + system) of the node's agent, read from /proc around each backup, and of `backup create` (the
# backup server's side: receiving, TLS, writing): where the cores went, a figure the machine's load disturbs less than
# the wall time.
agent_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$agent_pid/stat"; }
perf_pid=""
if [[ -n "${PGWARD_BENCH_PERF:-}" ]]; then
    # Where the node's agent spends these backups: perf report -i FILE (symbols from pgward.dbg beside the executable).
    perf record -F 999 -g -p "$agent_pid" -o "$PGWARD_BENCH_PERF" >/dev/null 2>&1 &
    perf_pid=$!
    sleep 1
elif [[ -n "${PGWARD_BENCH_PERF_ALL:-}" ]]; then
    # perf report -i FILE --sort comm,dso: which process and library the cores went to.
    perf record -F 999 -a -g -o "$PGWARD_BENCH_PERF_ALL" >/dev/null 2>&1 &
    perf_pid=$!
    sleep 1
fi
for ((r = 1; r <= runs; r++)); do
    echo "== run $r: pgward backup create (backup_method = files, parallel_jobs = $jobs)"
    c0="$(agent_cpu)"
    t0="$(now_us)"
    run_quiet /usr/bin/time -f "%U %S" -o "$work/time.out" "$pgward" -f "$work/files.conf" backup create --full
    seconds_since "$t0" >>"$work/files.s"
    awk -v a="$c0" -v b="$(agent_cpu)" 'BEGIN { printf "%.2f\n", b - a }' >>"$work/files-agent.cpu"
    awk '{ printf "%.2f\n", $1 + $2 }' "$work/time.out" >>"$work/files-server.cpu"
done
if [[ -n "$perf_pid" ]]; then
    kill -INT "$perf_pid" 2>/dev/null || true
    wait "$perf_pid" 2>/dev/null || true
fi
files_full_bytes="$(grep -m1 '^size=' "$(ls -d "$work"/backup/base/*/ | sort | tail -1)/backup.info" | cut -d= -f2)"
run_quiet "$pgward" -f "$work/backup.conf" backup switch-wal --archive --archive-timeout 120
if [[ -n "$pgbackrest_version" ]]; then
    echo "== pgbackrest backup --type=full (the parent of its incremental, after the same pgbench)"
    run_quiet pgbackrest_run backup --type=full --process-max=2 --compress-type=lz4
fi
# How an incremental found its changed table pages, from its INFO lines: "wal" (the archived WAL named them, only those
# were read: wal_summaries) or "files" (every page of a changed table file was read).
read_by() { if grep -q "names the changed blocks" "$1"; then echo wal; else echo files; fi; }
echo "== pgbench -T 30 -c 2, then the incrementals"
run_quiet "$bindir/pgbench" -n -T 30 -c 2 -h 127.0.0.1 -p "$port" -U pgward pgward
run_quiet psql_primary "checkpoint"
t0="$(now_us)"
run_quiet "$pgward" -f "$work/files.conf" backup create --incremental -v
incr_s="$(seconds_since "$t0")"
incr_read="$(read_by "$work/last.out")"
incr_dir="$(ls -d "$work"/backup/base/*/ | sort | tail -1)"
incr_bytes="$(grep -m1 '^size=' "$incr_dir/backup.info" | cut -d= -f2)"
incr_linked="$(grep -m1 '^linked_size=' "$incr_dir/backup.info" | cut -d= -f2)"
grep -q '^parent_backup_id=' "$incr_dir/backup.info" || fail "the incremental has no parent: $(cat "$incr_dir/backup.info")"
# Block-level: the changed files stored as their changed 8 KiB blocks (<name>.patch) over the full's copies.
incr_patches="$(find "$incr_dir/data/pgdata" -name '*.patch' | wc -l)"
incr_patch_bytes="$(find "$incr_dir/data/pgdata" -name '*.patch' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')"
pgbackrest_incr_s=""
if [[ -n "$pgbackrest_version" ]]; then
    t0="$(now_us)"
    run_quiet pgbackrest_run backup --type=incr --process-max=2 --compress-type=lz4
    pgbackrest_incr_s="$(seconds_since "$t0")"
    pgbackrest_incr_bytes="$(du -sb "$(find "$br/repo/backup/bench" -maxdepth 1 -name '*I' | sort | tail -1)" | cut -d"	" -f1)"
fi
# A small change, as a nightly incremental of a mostly idle database sees one: pgbench at 50 transactions a second for
# 30 s (1,500 transactions, a few thousand pages of pgbench_accounts), then an incremental over the last one; repeated.
: >"$work/small.s"
: >"$work/small.read"
: >"$work/small.bytes"
: >"$work/small-pgbackrest.s"
: >"$work/small-pgbackrest.bytes"
for ((r = 1; r <= small_runs; r++)); do
    echo "== run $r: pgbench -T 30 -c 1 -R 50, then the incrementals"
    run_quiet "$pgward" -f "$work/backup.conf" backup switch-wal --archive --archive-timeout 120
    run_quiet "$bindir/pgbench" -n -T 30 -c 1 -R 50 -h 127.0.0.1 -p "$port" -U pgward pgward
    run_quiet psql_primary "checkpoint"
    t0="$(now_us)"
    run_quiet "$pgward" -f "$work/files.conf" backup create --incremental -v
    seconds_since "$t0" >>"$work/small.s"
    read_by "$work/last.out" >>"$work/small.read"
    grep -m1 '^size=' "$(ls -d "$work"/backup/base/*/ | sort | tail -1)/backup.info" | cut -d= -f2 >>"$work/small.bytes"
    if [[ -n "$pgbackrest_version" ]]; then
        t0="$(now_us)"
        run_quiet pgbackrest_run backup --type=incr --process-max=2 --compress-type=lz4
        seconds_since "$t0" >>"$work/small-pgbackrest.s"
        du -sb "$(find "$br/repo/backup/bench" -maxdepth 1 -name '*I' | sort | tail -1)" | cut -d"	" -f1 >>"$work/small-pgbackrest.bytes"
    fi
done
run_quiet "$pgward" -f "$work/backup.conf" backup switch-wal --archive --archive-timeout 120
run_quiet "$pgward" -f "$work/backup.conf" backup list
backup_line="$(head -1 "$work/last.out")"
[[ "$backup_line" != *WAITING* ]] || fail "the last backup is not DONE: $backup_line"
data_bytes="$(grep -m1 '^data_size=' "$work/backup/base/$tar_id/backup.info" | cut -d= -f2)"
size_bytes="$(grep -m1 '^size=' "$work/backup/base/$tar_id/backup.info" | cut -d= -f2)"

: >"$work/unpack.s"
: >"$work/replay.s"
: >"$work/recover.s"
for ((r = 1; r <= runs; r++)); do
    echo "== run $r: pgward backup recover $tar_id (the last tar backup) --target-immediate, start until promoted"
    restored_pgdata="$work/restored/data"
    rm -rf "$work/restored"
    mkdir -p "$work/restored" && chown postgres: "$work/restored"
    t0="$(now_us)"
    run_quiet "$pgward" -f "$work/backup.conf" backup recover "$tar_id" "$restored_pgdata" --target-immediate --target-action promote
    unpack="$(seconds_since "$t0")"
    # Its own port and socket, beside the sandbox's primary.
    cat >>"$restored_pgdata/postgresql.auto.conf" <<CONF
port = $((port + 50))
unix_socket_directories = '$work/restored'
CONF
    t1="$(now_us)"
    run_quiet runuser -u postgres -- "$bindir/pg_ctl" -D "$restored_pgdata" -l "$work/restored/server.log" -w -t 300 start
    for ((i = 0; i < 3000; i++)); do
        [[ "$(psql -X -h 127.0.0.1 -p $((port + 50)) -U pgward -d pgward -Atc 'select pg_is_in_recovery()' 2>/dev/null)" == f ]] && break
        sleep 0.1
    done
    replay="$(seconds_since "$t1")"
    run_quiet runuser -u postgres -- "$bindir/pg_ctl" -D "$restored_pgdata" -m immediate stop
    echo "$unpack" >>"$work/unpack.s"
    echo "$replay" >>"$work/replay.s"
    awk -v a="$unpack" -v b="$replay" 'BEGIN { printf "%.2f\n", a + b }' >>"$work/recover.s"
done

# stats with two decimals (lib.sh's keeps one): "samples median min max".
stats2() {
    sort -g "$1" | awk '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%d %.2f %.2f %.2f\n", NR, m, v[1], v[NR] }'
}
mb() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1e6 }'; }
rate() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", b / 1e6 / s }'; }
pgbb_med="$(stats2 "$work/pgbb.s" | cut -d" " -f2)"
pgward_med="$(stats2 "$work/pgward.s" | cut -d" " -f2)"
echo
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem/ { print $2 }') GB, $(uname -r); pgbench scale $scale, md5 filler;" \
    "databases $(mb "$db_bytes") MB, data directory in the backup $(mb "$data_bytes") MB, compressed $(mb "$size_bytes") MB"
echo
printf '| %-46s | %5s | %8s | %8s | %8s | %6s |\n' "full backup (median of $runs)" "runs" "median s" "min s" "max s" "MB/s"
printf '|%s|%s|%s|%s|%s|%s|\n' "------------------------------------------------" "------:" "---------:" "---------:" "---------:" "-------:"
read -r n med min max < <(stats2 "$work/pgbb.s")
printf '| %-46s | %5s | %8s | %8s | %8s | %6s |\n' "pg_basebackup -Ft --compress=client-lz4" "$n" "$med" "$min" "$max" "$(rate "$data_bytes" "$med")"
read -r n med min max < <(stats2 "$work/pgward.s")
printf '| %-46s | %5s | %8s | %8s | %8s | %6s |\n' "pgward backup create" "$n" "$med" "$min" "$max" "$(rate "$data_bytes" "$med")"
if [[ -n "$pgbackrest_version" ]]; then
    read -r n med min max < <(stats2 "$work/pgbackrest.s")
    printf '| %-46s | %5s | %8s | %8s | %8s | %6s |\n' "pgBackRest $pgbackrest_version lz4, --process-max=2" "$n" "$med" "$min" "$max" "$(rate "$data_bytes" "$med")"
fi
read -r n med min max < <(stats2 "$work/files.s")
files_med="$med"
printf '| %-46s | %5s | %8s | %8s | %8s | %6s |\n' "pgward files, lz4, parallel_jobs = $jobs" "$n" "$med" "$min" "$max" "$(rate "$data_bytes" "$med")"
echo "files backup CPU, median: the node's agent $(stats2 "$work/files-agent.cpu" | cut -d" " -f2) s, backup create" \
    "$(stats2 "$work/files-server.cpu" | cut -d" " -f2) s (load average now $(cut -d" " -f1-3 /proc/loadavg))"
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf '| %-46s | %8s | %10s | %10s | %7s | %9s |\n' "incremental after 30 s of pgbench" "s" "stored MB" "linked MB" "s/full" "MB/full"
printf '|%s|%s|%s|%s|%s|%s|\n' "------------------------------------------------" "---------:" "-----------:" "-----------:" "--------:" "----------:"
printf '| %-46s | %8s | %10s | %10s | %7s | %9s |\n' "pgward files full (median above)" "$files_med" "$(mb "$files_full_bytes")" "0" "1.00" "1.00"
printf '| %-46s | %8s | %10s | %10s | %7s | %9s |\n' "pgward --incremental (block-level)" "$incr_s" "$(mb "$incr_bytes")" "$(mb "$incr_linked")" \
    "$(ratio "$incr_s" "$files_med")" "$(ratio "$incr_bytes" "$files_full_bytes")"
if [[ -n "$pgbackrest_incr_s" ]]; then
    printf '| %-46s | %8s | %10s | %10s | %7s | %9s |\n' "pgBackRest --type=incr --process-max=2" "$pgbackrest_incr_s" "$(mb "$pgbackrest_incr_bytes")" "-" \
        "$(ratio "$pgbackrest_incr_s" "$files_med")" "$(ratio "$pgbackrest_incr_bytes" "$files_full_bytes")"
fi
echo "pgward's incremental: $incr_patches files stored as block patches, $(mb "$incr_patch_bytes") MB of changed blocks (lz4); table pages found by: $incr_read"
echo
printf '| %-46s | %8s | %10s | %7s | %9s |\n' "incremental after 30 s at 50 tps (median of $small_runs)" "s" "stored MB" "s/full" "MB/full"
printf '|%s|%s|%s|%s|%s|\n' "------------------------------------------------" "---------:" "-----------:" "--------:" "----------:"
small_s="$(stats2 "$work/small.s" | cut -d" " -f2)"
small_bytes="$(stats2 "$work/small.bytes" | cut -d" " -f2)"
printf '| %-46s | %8s | %10s | %7s | %9s |\n' "pgward --incremental (runs: $(sort -g "$work/small.s" | tr '\n' ' '))" "$small_s" "$(mb "$small_bytes")" \
    "$(ratio "$small_s" "$files_med")" "$(ratio "$small_bytes" "$files_full_bytes")"
if [[ -s "$work/small-pgbackrest.s" ]]; then
    small_br_s="$(stats2 "$work/small-pgbackrest.s" | cut -d" " -f2)"
    small_br_bytes="$(stats2 "$work/small-pgbackrest.bytes" | cut -d" " -f2)"
    printf '| %-46s | %8s | %10s | %7s | %9s |\n' "pgBackRest --type=incr --process-max=2" "$small_br_s" "$(mb "$small_br_bytes")" \
        "$(ratio "$small_br_s" "$files_med")" "$(ratio "$small_br_bytes" "$files_full_bytes")"
fi
echo "pgward's incrementals after a small change: table pages found by: $(tr '\n' ' ' <"$work/small.read")"

echo
awk -v a="$pgward_med" -v b="$pgbb_med" 'BEGIN { printf "pgward - pg_basebackup: %+.2f s (%+.0f %%); pgward / pg_basebackup: %.2f\n", a - b, (a - b) / b * 100, a / b }'
if [[ -n "$pgbackrest_version" ]]; then
    pgbackrest_med="$(stats2 "$work/pgbackrest.s" | cut -d" " -f2)"
    awk -v a="$pgbackrest_med" -v b="$pgbb_med" -v w="$pgward_med" -v size="$(mb "$pgbackrest_bytes")" 'BEGIN {
        printf "pgBackRest / pg_basebackup: %.2f; pgBackRest / pgward: %.2f; pgBackRest backup on disk %s MB\n", a / b, a / w, size }'
fi
echo
printf '| %-46s | %5s | %8s | %8s | %8s |\n' "recovery (median of $runs)" "runs" "median s" "min s" "max s"
printf '|%s|%s|%s|%s|%s|\n' "------------------------------------------------" "------:" "---------:" "---------:" "---------:"
for what in unpack replay recover; do
    read -r n med min max < <(stats2 "$work/$what.s")
    case "$what" in
        unpack) label="backup recover (unpack lz4 tar, configure)" ;;
        replay) label="pg_ctl start until promoted (WAL replay)" ;;
        recover) label="total" ;;
    esac
    printf '| %-46s | %5s | %8s | %8s | %8s |\n' "$label" "$n" "$med" "$min" "$max"
done
