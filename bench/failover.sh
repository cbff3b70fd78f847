#!/usr/bin/env bash
# Benchmark of automatic failover after the primary's host dies (issue 4; see BENCHMARKS.md, "Failover (issue 4)").
# One command:  bench/failover.sh [--only all|repmgr|tls|sync|repmgr-defaults|repmgr-tuned|pgward|pgward-sync|pgward-plain] [--rounds N] [--deadline SECONDS]
#
# Configurations (run round by round in turn, so that load from other work falls on all of them alike):
#   pgward          `pgward sandbox up --nodes 3` (primary, 2 standbys, witness, an agent per node) with its defaults:
#                   scram-sha-256 and verify-full TLS for PostgreSQL, HTTPS between the agents;
#   pgward-sync     the same with replication_mode = sync (`--only sync` runs pgward and this: async is its baseline);
#   pgward-plain    the same as pgward without TLS (`sandbox up --tls false`: PostgreSQL without ssl, agents over plain
#                   HTTP on loopback), the baseline that shows what TLS costs (`--only tls` runs pgward and this);
#   repmgr-defaults repmgr 5.3's repmgrd with its defaults (monitor_interval_secs=2, reconnect_attempts=6,
#                   reconnect_interval=10), failover=automatic;
#   repmgr-tuned    the same with monitor_interval_secs=1, reconnect_attempts=2, reconnect_interval=1.
# Each round builds a fresh 3-node cluster on free loopback ports (servers run as the postgres OS user under a
# scratch directory it owns), starts a write client (bench/Pgward.Bench `failover-load`: one INSERT every 5 ms
# through a multi-host connection string with Target Session Attributes=read-write, reconnecting after every
# failure), then kill -9s the primary's postmaster and its daemon (repmgrd or the pgward agent) at once: the
# death of the primary's host. It measures, from the kill:
#   (a) the time until a write is acknowledged by another server (the new primary), as the client sees it;
#   (b) lost writes: acknowledged by the client, missing on the new primary at the end (`verify`);
#   (c) the time until every surviving standby streams from the new primary (pg_stat_wal_receiver on the
#       standby, pg_stat_replication on the new primary), polled about every 0.1 s.
# A round with no write on a new primary within the deadline (default 120 s) counts as "no failover".
# Per round it also prints the client's acknowledged writes, "unknown" ones (the connection broke while the commit
# was in flight), "old after kill" (writes the killed primary acknowledged after the kill's timestamp: answers
# already on their way; "in flight" after the lost count: how many of the lost writes were such) and the new
# primary's port. Then medians with min and max per configuration over the
# rounds that failed over, and pgward's medians as ratios of the repmgr ones.
# Environment: PGWARD_BENCH_PORT_FAILOVER (default 5761: where the search for free ports starts; pgward's agents
# use the ports + 1000), PGWARD_BENCH_WRITE_INTERVAL_MS (5), PGWARD_BENCH_SETTLE_SECONDS (2: time the daemons
# get to monitor a healthy cluster before the kill), PGWARD_BENCH_KEEP=1 keeps the scratch directory (logs),
# PGWARD_BENCH_BINARY (a pgward executable to run instead of publishing the tree).
set -euo pipefail
export LC_ALL=C # decimal points in printf and awk

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
first_port="${PGWARD_BENCH_PORT_FAILOVER:-5761}"
interval_ms="${PGWARD_BENCH_WRITE_INTERVAL_MS:-5}"
settle_seconds="${PGWARD_BENCH_SETTLE_SECONDS:-2}"
pg_bin=/usr/lib/postgresql/15/bin
rounds=5
only=all
deadline=120

usage() {
    sed -n '3p' "$0" | sed 's/^# One command:  /usage: /' >&2
    exit 2
}
while [[ $# -gt 0 ]]; do
    case "$1" in
        --only) only="${2:-}"; shift 2 || usage ;;
        --rounds) rounds="${2:-}"; shift 2 || usage ;;
        --deadline) deadline="${2:-}"; shift 2 || usage ;;
        -h | --help) usage ;;
        *) echo "unknown argument \"$1\"" >&2; usage ;;
    esac
done
case "$only" in
    all) configs=(pgward pgward-sync repmgr-defaults repmgr-tuned) ;;
    repmgr) configs=(repmgr-defaults repmgr-tuned) ;;
    tls) configs=(pgward pgward-plain) ;;
    sync) configs=(pgward pgward-sync) ;;
    pgward | pgward-sync | pgward-plain | repmgr-defaults | repmgr-tuned) configs=("$only") ;;
    *) echo "--only must be all, repmgr, tls, sync, repmgr-defaults, repmgr-tuned, pgward, pgward-sync or pgward-plain, not \"$only\"" >&2; exit 2 ;;
esac
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds must be a positive number, not \"$rounds\"" >&2; exit 2; }
[[ "$deadline" =~ ^[1-9][0-9]*$ ]] || { echo "--deadline must be a positive number of seconds, not \"$deadline\"" >&2; exit 2; }

work="$(mktemp -d /tmp/pgward-bench-failover.XXXXXX)"
chmod 755 "$work" # the servers run as the postgres user and must reach their data directories
pgward=""
load_pid=""
teardown="" # the command that stops the current round's cluster
round_dir=""

cleanup() {
    local status=$?
    if [[ -n "$load_pid" ]] && kill -0 "$load_pid" 2>/dev/null; then
        kill -TERM "$load_pid" 2>/dev/null || true
        wait "$load_pid" 2>/dev/null || true
    fi
    if [[ -n "$teardown" ]]; then
        $teardown || true
    fi
    if [[ "${PGWARD_BENCH_KEEP:-0}" == 1 ]]; then
        echo "kept $work" >&2
    else
        rm -rf "$work"
        [[ "$status" -eq 0 ]] || echo "(PGWARD_BENCH_KEEP=1 keeps the servers' and daemons' logs)" >&2
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

# Runs a command as the postgres OS user, bounded in time (a daemon it starts in the background stays).
as_postgres() { timeout 300 runuser -u postgres -- "$@"; }


port_free() { [[ -z "$(ss -Htln "sport = :$1")" ]]; }

# Sets $base to the first port from $first_port on where $1 consecutive ports, and the same ports + 1000, are free.
find_ports() {
    local count="$1" p i ok
    for ((p = first_port; p < first_port + 200; p++)); do
        ok=true
        for ((i = 0; i < count; i++)); do
            if ! port_free "$((p + i))" || ! port_free "$((p + i + 1000))"; then
                ok=false
                break
            fi
        done
        if $ok; then
            base="$p"
            return 0
        fi
    done
    fail "no $count free consecutive ports (and the same + 1000) on 127.0.0.1 from $first_port on"
}

# The PID of a data directory's postmaster, if it runs.
postmaster_pid() {
    local pid
    pid="$(head -1 "$1/postmaster.pid" 2>/dev/null)" || return 1
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# libpq environment and Npgsql keywords of the cluster under test (set by its setup_*): how to authenticate.
pg_env=() npgsql_security=""

psql_at() { # port sql
    env "${pg_env[@]}" PGCONNECT_TIMEOUT=1 PGOPTIONS="-c statement_timeout=2000" psql -X -h 127.0.0.1 -p "$1" -U "$db_user" -d "$db_name" -Atc "$2"
}

# True when exactly one of the given ports is a primary, every other streams from it (its WAL receiver) and the
# primary sees them all streaming (pg_stat_replication).
streaming_from_one_primary() {
    local p out recovery sender primary="" senders=()
    for p in "$@"; do
        out="$(psql_at "$p" "select pg_is_in_recovery(), coalesce((select sender_port from pg_stat_wal_receiver where status = 'streaming'), 0)" 2>/dev/null)" || return 1
        IFS='|' read -r recovery sender <<<"$out"
        if [[ "$recovery" == f ]]; then
            [[ -z "$primary" ]] || return 1
            primary="$p"
        else
            senders+=("$sender")
        fi
    done
    [[ -n "$primary" ]] || return 1
    for sender in "${senders[@]}"; do
        [[ "$sender" == "$primary" ]] || return 1
    done
    [[ "$(psql_at "$primary" "select count(*) from pg_stat_replication where state = 'streaming'" 2>/dev/null)" -ge "${#senders[@]}" ]]
}

# ---------------------------------------------------------------------------------------------------------------
# repmgr: a cluster built with repmgr itself, repmgrd on every node.

repmgr_conf() { echo "$round_dir/node$1/repmgr.conf"; }

# Writes node N's repmgr.conf: repmgr_write_conf N PORT TUNED.
repmgr_write_conf() {
    local n="$1" port="$2" tuned="$3" conf
    conf="$(repmgr_conf "$n")"
    cat >"$conf" <<EOF
node_id=$n
node_name='node$n'
conninfo='host=127.0.0.1 port=$port user=repmgr dbname=repmgr connect_timeout=2'
data_directory='$round_dir/node$n/data'
pg_bindir='$pg_bin'
use_replication_slots=true
failover=automatic
promote_command='$pg_bin/repmgr standby promote -f $conf --log-to-file'
follow_command='$pg_bin/repmgr standby follow -f $conf --log-to-file --upstream-node-id=%n'
log_file='$round_dir/node$n/repmgr.log'
repmgrd_pid_file='$round_dir/node$n/repmgrd.pid'
EOF
    if [[ "$tuned" == true ]]; then
        printf '%s\n' "monitor_interval_secs=1" "reconnect_attempts=2" "reconnect_interval=1" >>"$conf"
    fi
    chown postgres: "$conf"
}

# The settings that differ between nodes, in a file of their own: a clone copies the primary's postgresql.conf.
repmgr_node_settings() { # n port
    printf '%s\n' "port = $2" "unix_socket_directories = ''" "cluster_name = 'node$1'" >"$round_dir/node$1/data/node.conf"
    chown postgres: "$round_dir/node$1/data/node.conf"
}

repmgr_start_server() { # n
    run_quiet as_postgres "$pg_bin/pg_ctl" -D "$round_dir/node$1/data" -l "$round_dir/node$1/postgresql.log" -w -t 60 start
}

# Builds the cluster of a round: node1 primary (initdb, primary register), node2 and node3 cloned from it
# (standby clone, standby register), then repmgrd on every node. Same server settings as pgward's sandbox.
setup_repmgr() { # tuned
    local tuned="$1" n port
    find_ports 3
    ports=("$base" "$((base + 1))" "$((base + 2))")
    db_user=repmgr db_name=repmgr
    pg_env=() npgsql_security=""
    teardown=teardown_repmgr
    for n in 1 2 3; do
        mkdir -p "$round_dir/node$n"
        chown postgres: "$round_dir/node$n"
        repmgr_write_conf "$n" "${ports[n - 1]}" "$tuned"
    done
    run_quiet as_postgres "$pg_bin/initdb" -D "$round_dir/node1/data" -U repmgr --auth=trust --data-checksums --encoding=UTF8 --locale=C
    cat >>"$round_dir/node1/data/postgresql.conf" <<EOF

# bench/failover.sh: the settings of pgward's sandbox, and repmgr's library
listen_addresses = '127.0.0.1'
max_connections = 50
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
wal_log_hints = on
shared_buffers = 32MB
shared_preload_libraries = 'repmgr'
include_if_exists = 'node.conf'
EOF
    repmgr_node_settings 1 "${ports[0]}"
    repmgr_start_server 1
    run_quiet as_postgres "$pg_bin/createdb" -h 127.0.0.1 -p "${ports[0]}" -U repmgr repmgr
    run_quiet as_postgres "$pg_bin/repmgr" -f "$(repmgr_conf 1)" primary register
    for n in 2 3; do
        run_quiet as_postgres "$pg_bin/repmgr" -h 127.0.0.1 -p "${ports[0]}" -U repmgr -d repmgr -f "$(repmgr_conf "$n")" \
            standby clone --fast-checkpoint
        repmgr_node_settings "$n" "${ports[n - 1]}"
        repmgr_start_server "$n"
        run_quiet as_postgres "$pg_bin/repmgr" -f "$(repmgr_conf "$n")" standby register
    done
    wait_for "standbys streaming from node1" 60 streaming_from_one_primary "${ports[@]}"
    for n in 1 2 3; do
        run_quiet as_postgres "$pg_bin/repmgrd" -f "$(repmgr_conf "$n")"
    done
    for n in 2 3; do
        wait_for "repmgrd on node$n monitoring its upstream" 30 grep -q 'monitoring connection to upstream node' "$round_dir/node$n/repmgr.log"
    done
    victims=("$(postmaster_pid "$round_dir/node1/data")" "$(cat "$round_dir/node1/repmgrd.pid")")
}

# Stops the round's repmgrds (after their promote or follow commands are done), then its servers.
teardown_repmgr() {
    local n pid i daemons=()
    for n in 1 2 3; do
        pid="$(cat "$round_dir/node$n/repmgrd.pid" 2>/dev/null)" && kill -0 "$pid" 2>/dev/null && daemons+=("$pid")
    done
    # A follow_command still confirming its new upstream would be left running without its repmgrd.
    for ((i = 0; i < 600; i++)); do
        [[ ${#daemons[@]} -gt 0 && -n "$(descendants "${daemons[@]}")" ]] || break
        sleep 0.1
    done
    mapfile -t -O "${#orphans[@]}" orphans < <(descendants "${daemons[@]}")
    for pid in "${daemons[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for n in 1 2 3; do
        pid="$(cat "$round_dir/node$n/repmgrd.pid" 2>/dev/null)" || continue
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    done
    for n in 1 2 3; do
        if postmaster_pid "$round_dir/node$n/data" >/dev/null; then
            as_postgres "$pg_bin/pg_ctl" -D "$round_dir/node$n/data" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
                echo "warning: could not stop node$n of $round_dir" >&2
        fi
    done
    kill_orphans
}

# ---------------------------------------------------------------------------------------------------------------
# pgward: `pgward sandbox up --nodes 3` (primary, two standbys, a witness and their agents), pgward's defaults.

# setup_pgward async|sync [plain]: the sandbox's defaults; in sync mode each pgward.conf also gets replication_mode = sync
# before the agents start (standbys and witness first, the primary's last, as sandbox up does); plain: without TLS.
setup_pgward() {
    local n conf tls=true
    find_ports 4 # three data nodes and the witness; their agents listen on the ports + 1000
    ports=("$base" "$((base + 1))" "$((base + 2))")
    db_user=pgward db_name=pgward
    if [[ "${2:-}" == plain ]]; then
        tls=false
        pg_env=(PGPASSFILE="$round_dir/sandbox/pgpass" PGSSLMODE=disable)
        npgsql_security=";SSL Mode=Disable;Passfile=$round_dir/sandbox/pgpass"
    else
        # The sandbox takes scram-sha-256 over TLS only, with its password file and CA.
        pg_env=(PGPASSFILE="$round_dir/sandbox/pgpass" PGSSLMODE=verify-full PGSSLROOTCERT="$round_dir/sandbox/tls/ca.crt")
        npgsql_security=";SSL Mode=VerifyFull;Root Certificate=$round_dir/sandbox/tls/ca.crt;Passfile=$round_dir/sandbox/pgpass"
    fi
    teardown=teardown_pgward
    if [[ "$1" == sync ]]; then
        run_quiet timeout 300 "$pgward" sandbox up --dir "$round_dir/sandbox" --port "$base" --nodes 3 --agents false --tls "$tls"
        for conf in witness node3 node2 node1; do
            echo "replication_mode = sync" >>"$round_dir/sandbox/$conf/pgward.conf"
        done
        for conf in witness node3 node2 node1; do
            run_quiet "$pgward" -f "$round_dir/sandbox/$conf/pgward.conf" daemon start
        done
        wait_for "synchronous_standby_names set on node1" 30 sync_names_set "${ports[0]}"
    else
        run_quiet timeout 300 "$pgward" sandbox up --dir "$round_dir/sandbox" --port "$base" --nodes 3 --tls "$tls"
    fi
    wait_for "standbys streaming from node1" 60 streaming_from_one_primary "${ports[@]}"
    wait_for "every agent answering (pgward daemon status)" 30 "$pgward" -f "$round_dir/sandbox/node1/pgward.conf" daemon status
    for n in 1 2 3; do
        [[ -s "$round_dir/sandbox/node$n/pgward-daemon.pid" ]] || fail "no agent PID file for node$n in $round_dir/sandbox"
    done
    victims=("$(postmaster_pid "$round_dir/sandbox/node1/data")" "$(cat "$round_dir/sandbox/node1/pgward-daemon.pid")")
}

sync_names_set() {
    [[ "$(psql_at "$1" "SHOW synchronous_standby_names")" == ANY* ]]
}

teardown_pgward() {
    local n pid agents=()
    for n in 1 2 3 4; do
        pid="$(cat "$round_dir/sandbox/node$n/pgward-daemon.pid" 2>/dev/null)" && kill -0 "$pid" 2>/dev/null && agents+=("$pid")
    done
    pid="$(cat "$round_dir/sandbox/witness/pgward-daemon.pid" 2>/dev/null)" && kill -0 "$pid" 2>/dev/null && agents+=("$pid")
    mapfile -t -O "${#orphans[@]}" orphans < <(descendants "${agents[@]}")
    if [[ "${PGWARD_BENCH_KEEP:-0}" == 1 ]]; then
        "$pgward" sandbox down --dir "$round_dir/sandbox" >/dev/null 2>&1 || echo "warning: sandbox down failed for $round_dir/sandbox" >&2
    else
        purge_sandbox "$pgward" "$round_dir/sandbox"
    fi
    kill_orphans
}

# Every process below the given PIDs, children first (by parent PID; none if no PID is given).
descendants() {
    local pid child
    for pid in "$@"; do
        for child in $(ps -o pid= --ppid "$pid"); do
            descendants "$child"
            echo "$child"
        done
    done
}

# The killed postmaster's children exit by themselves when they notice it is gone, and daemons' commands are done
# before the daemons stop; any still there at teardown are killed by the PIDs recorded before.
kill_orphans() {
    local pid
    for pid in "${orphans[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    orphans=()
}

# ---------------------------------------------------------------------------------------------------------------

# A scratch directory for a round, owned by the postgres user: new_round CONFIG ROUND.
new_round() {
    round_dir="$work/$1.$2"
    mkdir -p "$round_dir"
    chown postgres: "$round_dir"
    orphans=()
}

# A pgward case: run_pgward_round async|sync ROUND [plain].
run_pgward_round() {
    local config="pgward$([[ "$1" == sync ]] && echo -sync)$([[ "${3:-}" == plain ]] && echo -plain)"
    new_round "$config" "$2"
    setup_pgward "$1" "${3:-}"
    measure_round "$config" "$2"
}

# A repmgrd case: run_repmgr_round defaults|tuned ROUND.
run_repmgr_round() {
    new_round "repmgr-$1" "$2"
    setup_repmgr "$([[ "$1" == tuned ]] && echo true || echo false)"
    measure_round "repmgr-$1" "$2"
}

# With the round's cluster running: load, kill, measure, tear down. Appends to $work/CONFIG.{write,lost,stream,failovers}.
measure_round() {
    local config="$1" round="$2" t0 t1 stream_s="" load_status=0 write_ms new_port lost="-" in_flight="" write_s="" result verify_status
    [[ -n "${victims[0]}" && -n "${victims[1]}" ]] || fail "$config round $round: no PID for node1's postmaster or daemon"

    local hosts connection
    hosts="$(printf '127.0.0.1:%d,' "${ports[@]}")"
    connection="Host=${hosts%,};Username=$db_user;Database=$db_name;Target Session Attributes=read-write;Host Recheck Seconds=0;Timeout=2;Pooling=false$npgsql_security"
    "${bench[@]}" failover-load --connection "$connection" --interval-ms "$interval_ms" --kill-file "$round_dir/kill" \
        --ready-file "$round_dir/ready" --ready-after 100 --tail 100 --deadline-seconds "$deadline" \
        --max-seconds "$((deadline + 120))" --ids-out "$round_dir/ids" >"$round_dir/load.json" 2>"$round_dir/load.err" &
    load_pid=$!
    wait_for "write load ready (log $round_dir/load.err)" 30 test -f "$round_dir/ready"
    sleep "$settle_seconds"

    mapfile -t orphans < <(descendants "${victims[0]}")
    t0="$(now_us)"
    kill -KILL "${victims[@]}"
    echo "$t0" >"$round_dir/kill.tmp"
    mv "$round_dir/kill.tmp" "$round_dir/kill"

    while (($(now_us) - t0 < deadline * 1000000)); do
        if streaming_from_one_primary "${ports[@]:1}"; then
            t1="$(now_us)"
            stream_s="$(awk -v us="$((t1 - t0))" 'BEGIN { printf "%.2f", us / 1e6 }')"
            break
        fi
        sleep 0.05
    done
    wait "$load_pid" || load_status=$?
    load_pid=""
    [[ "$load_status" -eq 0 || "$load_status" -eq 4 ]] || { cat "$round_dir/load.err" >&2; fail "$config round $round: write load exited with $load_status"; }

    result="$round_dir/load.json"
    write_ms="$(jq -r '.kill_to_first_write_ms // empty' "$result")"
    new_port="$(jq -r '.new_port // empty' "$result")"
    if [[ -n "$new_port" ]]; then
        verify_status=0
        "${bench[@]}" verify --connection "Host=127.0.0.1;Port=$new_port;Username=$db_user;Database=$db_name;Pooling=false;Timeout=5$npgsql_security" \
            --ids "$round_dir/ids" >"$round_dir/verify.json" 2>"$round_dir/verify.err" || verify_status=$?
        [[ "$verify_status" -le 1 ]] || { cat "$round_dir/verify.err" >&2; fail "$config round $round: verify exited with $verify_status"; }
        lost="$(jq -r .missing "$round_dir/verify.json")"
        in_flight="$(jq -s '.[0].old_primary_after_kill as $o | [.[1].missing_ids[] as $m | select($o | any(.[]; . == $m))] | length' \
            "$result" "$round_dir/verify.json")"
        echo "$in_flight" >>"$work/$config.inflight"
        write_s="$(awk -v ms="$write_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
        echo "$write_s" >>"$work/$config.write"
        echo "$lost" >>"$work/$config.lost"
        [[ -n "$stream_s" ]] && echo "$stream_s" >>"$work/$config.stream"
        echo 1 >>"$work/$config.failovers"
    else
        echo 0 >>"$work/$config.failovers"
    fi

    printf '| %-15s | %5d | %14s | %16s | %11s | %12s | %7s | %14s | %8s |\n' "$config" "$round" \
        "$(if [[ -n "$write_s" ]]; then printf '%.2f' "$write_s"; else echo "no failover"; fi)" \
        "$lost${in_flight:+ ($in_flight)}" "${stream_s:-none}" "$(jq -r .acknowledged "$result")" "$(jq -r .unknown "$result")" \
        "$(jq -r '.old_primary_after_kill | length' "$result")" "${new_port:--}"

    $teardown
    teardown=""
}

# ---------------------------------------------------------------------------------------------------------------

for config in "${configs[@]}"; do
    if [[ "$config" == repmgr-* ]]; then
        [[ -x "$pg_bin/repmgr" && -x "$pg_bin/repmgrd" ]] ||
            fail "repmgr 5.3 is not installed: apt-get install -y repmgr postgresql-15-repmgr (or run with --only pgward)"
    fi
done
if [[ " ${configs[*]} " == *" pgward"* ]]; then
    if [[ -n "${PGWARD_BENCH_BINARY:-}" ]]; then
        pgward="$PGWARD_BENCH_BINARY" # another build, measured the same way
    else
        echo "== publishing"
        pgward="$("$repo/scripts/publish" -q)"
    fi
    echo "native: $pgward"
fi
bench_dir="$repo/artifacts/bench"
build_into "$repo/bench/Pgward.Bench" "$bench_dir"
bench=(dotnet "$bench_dir/pgward-bench.dll")

echo "== ${configs[*]}: $rounds round(s) each, deadline $deadline s, a write every $interval_ms ms"
printf '\n| %-15s | %5s | %14s | %16s | %11s | %12s | %7s | %14s | %8s |\n' \
    "configuration" "round" "first write, s" "lost (in flight)" "standbys, s" "acknowledged" "unknown" "old after kill" "new port"
printf '|-----------------|------:|---------------:|-----------------:|------------:|-------------:|--------:|---------------:|---------:|\n'
for ((round = 1; round <= rounds; round++)); do
    for config in "${configs[@]}"; do
        case "$config" in
            pgward) run_pgward_round async "$round" ;;
            pgward-sync) run_pgward_round sync "$round" ;;
            pgward-plain) run_pgward_round async "$round" plain ;;
            repmgr-*) run_repmgr_round "${config#repmgr-}" "$round" ;;
        esac
    done
done

# Prints "median min max" of the numbers in a file, or "- - -" if it is empty or missing.
summary() {
    [[ -s "$1" ]] || { echo "- - -"; return; }
    sort -g "$1" | awk '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.2f %.2f %.2f\n", m, v[1], v[NR] }'
}

# "median (min-max)" in a printf format, or "-" when there were no samples: range MEDIAN MIN MAX FORMAT.
range() {
    awk -v m="$1" -v l="$2" -v h="$3" -v f="$4" 'BEGIN { if (m == "-") print "-"; else printf f " (" f "-" f ")", m, l, h }'
}

# ", N in all (M in flight)": the sums of the numbers in two files, if any: total LOST IN_FLIGHT.
total() {
    [[ -s "$1" ]] && awk -v f="$(awk '{ s += $1 } END { print s + 0 }' "$2")" '{ s += $1 } END { printf ", %d in all (%d in flight)", s, f }' "$1"
}

echo
echo "machine: $(nproc) cores, $(uname -r), load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-15s | %9s | %-29s | %-38s | %-29s |\n' "configuration" "failovers" "first write, s: med (min-max)" "lost: med (min-max), in all" "standbys, s: med (min-max)"
printf '|-----------------|----------:|-------------------------------|----------------------------------------|-------------------------------|\n'
for config in "${configs[@]}"; do
    read -r wm wl wh < <(summary "$work/$config.write")
    read -r lm ll lh < <(summary "$work/$config.lost")
    read -r sm sl sh < <(summary "$work/$config.stream")
    done_count="$(awk '{ s += $1 } END { print s + 0 }' "$work/$config.failovers")"
    printf '| %-15s | %4d of %2d | %-29s | %-38s | %-29s |\n' "$config" "$done_count" "$rounds" \
        "$(range "$wm" "$wl" "$wh" %.2f)" "$(range "$lm" "$ll" "$lh" %d)$(total "$work/$config.lost" "$work/$config.inflight")" "$(range "$sm" "$sl" "$sh" %.2f)"
done

# Ratios of pgward's medians against each baseline that ran (below 1: pgward is faster; against pgward-plain, what TLS
# costs: above 1 is slower with TLS).
if [[ " ${configs[*]} " == *" pgward "* ]]; then
    echo
    for baseline in repmgr-defaults repmgr-tuned pgward-plain; do
        [[ " ${configs[*]} " == *" $baseline "* ]] || continue
        for what in write stream; do
            p="$(summary "$work/pgward.$what" | cut -d' ' -f1)"
            b="$(summary "$work/$baseline.$what" | cut -d' ' -f1)"
            label="$([[ "$what" == write ]] && echo "first write" || echo "standbys streaming")"
            if [[ "$p" == - || "$b" == - ]]; then
                echo "pgward / $baseline, $label: n/a (no failover in one of them)"
            else
                awk -v p="$p" -v b="$b" -v l="$label" -v n="$baseline" 'BEGIN { printf "pgward / %s, %s: %.2f (%.2f s against %.2f s)\n", n, l, p / b, p, b }'
            fi
        done
    done
fi
