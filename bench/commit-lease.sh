#!/usr/bin/env bash
# What the commit lease (commit_lease, async mode) costs the primary's commits (see BENCHMARKS.md, docs/failover.md).
# One command:  bench/commit-lease.sh
#
# Builds a 3-node sandbox with automatic failover (async mode), then alternates rounds with the lease on (the
# default: every commit waits for the agent's confirmation) and off (commit_lease = false, agents restarted while the
# cluster is paused, so that node1 stays the primary; synchronous_standby_names reset). Each round runs pgbench's TPC-B-like script on the primary for
# PGWARD_BENCH_LEASE_SECONDS (10) with 1 client (commit latency) and with 8 clients (throughput). The baseline is the
# same cluster without the lease, measured in the same run; the table shows medians and the ratio lease/off, and the
# median of each round's own ratio (the two modes of a round run minutes apart at most: less of the machine's drift).
# Each pgbench run starts right after a CHECKPOINT, so that both modes pay the same full-page images (the first change
# of each page after a checkpoint writes the whole page into the WAL, which the lease's connection reads too; a round
# that happened to start after pgbench's initialisation or a timed checkpoint ran up to a third slower). A warm-up run
# that counts for nothing comes first, and the modes take turns at going first (on, off; off, on; ...), so that a trend
# over the run (the tables warming, autovacuum) weighs on both alike.
# Environment: PGWARD_BENCH_PORT_LEASE (default 5761: PostgreSQL 5761-5763, agents 6761-6763),
# PGWARD_BENCH_LEASE_ROUNDS (4 per mode), PGWARD_BENCH_LEASE_SECONDS (10), PGWARD_BENCH_BINARY (an executable to run
# instead of publishing the tree: a "before" build).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${PGWARD_BENCH_PORT_LEASE:-5761}"
rounds="${PGWARD_BENCH_LEASE_ROUNDS:-4}"
seconds="${PGWARD_BENCH_LEASE_SECONDS:-10}"
nodes=3
token="bench-agent-token-$RANDOM$RANDOM"
pgbench=/usr/lib/postgresql/15/bin/pgbench

work="$(mktemp -d /tmp/pgward-bench-lease.XXXXXX)"
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

psql_node() { # node sql
    psql -X -h 127.0.0.1 -p "$((port + $1 - 1))" -U pgward -d pgward -Atc "$2"
}

lease_is() { # on|off: what node1 shows
    local names attached
    names="$(psql_node 1 "show synchronous_standby_names")"
    attached="$(psql_node 1 "select count(*) from pg_stat_replication where application_name = 'pgward_lease' and sync_state = 'sync'")"
    if [[ "$1" == on ]]; then
        [[ "$names" == pgward_lease && "$attached" == 1 ]]
    else
        [[ -z "$names" && "$attached" == 0 ]]
    fi
}

agents() { # start|stop
    local n
    for ((n = 1; n <= nodes; n++)); do
        run_quiet "$pgward" -f "$dir/node$n/pgward.conf" daemon "$1"
    done
}

# Restarts the agents with the lease on or off and waits until node1 shows it. The cluster is paused meanwhile: an
# agent stopped unpaused hands its primary role over to a standby (a stopped paused one leaves its server writable).
set_lease() { # on|off
    run_quiet "$pgward" -f "$dir/node1/pgward.conf" daemon pause
    agents stop
    local n value
    value="$([[ "$1" == on ]] && echo true || echo false)"
    for ((n = 1; n <= nodes; n++)); do
        sed -i '/^commit_lease/d' "$dir/node$n/pgward.conf"
        echo "commit_lease = $value" >>"$dir/node$n/pgward.conf"
    done
    if [[ "$1" == off ]]; then
        # A stopped agent leaves the setting in place (its primary acknowledges nothing without it).
        psql_node 1 "alter system reset synchronous_standby_names" >/dev/null
        psql_node 1 "select pg_reload_conf()" >/dev/null
    fi
    agents start
    run_quiet "$pgward" -f "$dir/node1/pgward.conf" daemon unpause
    wait_for "commit lease $1 on node1" 60 lease_is "$1"
}

# Context switches (voluntary and not) of all threads of process $1: the thread hand-offs a commit costs the agent.
ctx_switches() {
    cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^(non)?voluntary_ctxt_switches:/ { n += $2 } END { print n + 0 }'
}

# Runs pgbench and appends tps, latency (ms) and the primary's agent's CPU time per 1,000 transactions (ms: what the
# lease costs the host, less sensitive to other work on the machine than tps) to $work/<mode>.<clients>.*.
measure() { # mode clients
    local out="$work/pgbench.$1.$2.out" agent ticks0 switches0
    agent="$(cat "$dir/node1/pgward-daemon.pid")"
    psql_node 1 "checkpoint" >/dev/null
    ticks0="$(cpu_ticks "$agent")"
    switches0="$(ctx_switches "$agent")"
    "$pgbench" -h 127.0.0.1 -p "$port" -U pgward -n -c "$2" -j "$(( $2 < 2 ? 1 : 2 ))" -T "$seconds" bench >"$out" 2>&1 \
        || { cat "$out" >&2; fail "pgbench $1 -c $2"; }
    local switches tps latency transactions cpu
    switches="$(($(ctx_switches "$agent") - switches0))"
    tps="$(awk -F' = ' '/^tps = / { split($2, a, " "); print a[1] }' "$out")"
    latency="$(awk -F' = ' '/^latency average = / { split($2, a, " "); print a[1] }' "$out")"
    transactions="$(awk -F': ' '/^number of transactions actually processed/ { split($2, a, "/"); print a[1] }' "$out")"
    cpu="$(awk -v d="$(($(cpu_ticks "$agent") - ticks0))" -v hz="$(getconf CLK_TCK)" -v n="$transactions" \
        'BEGIN { printf "%.2f", (n > 0 ? 1e6 * d / hz / n : 0) }')"
    echo "$tps" >>"$work/$1.$2.tps"
    echo "$latency" >>"$work/$1.$2.latency"
    echo "$cpu" >>"$work/$1.$2.cpu"
    switches="$(awk -v s="$switches" -v n="$transactions" 'BEGIN { printf "%.1f", (n > 0 ? s / n : 0) }')"
    echo "$switches" >>"$work/$1.$2.switches"
    printf '| %5s | %4s | %7d | %10.1f | %10.3f | %14s | %13s |\n' "$1" "$round" "$2" "$tps" "$latency" "$cpu" "$switches"
}

if [[ -n "${PGWARD_BENCH_BINARY:-}" ]]; then
    pgward="$PGWARD_BENCH_BINARY" # another build (a "before"), measured the same way
else
    echo "== publishing"
    pgward="$("$repo/scripts/publish" -q)"
fi
echo "native: $pgward"

echo "== sandbox up --nodes $nodes (ports $port..$((port + nodes - 1)), agents $((port + 1000))..$((port + 1000 + nodes - 1)))"
run_quiet "$pgward" sandbox up --dir "$dir" --port "$port" --nodes "$nodes" --witness false --agents false
# The sandbox's servers take scram over TLS only (psql and pgbench alike; both modes pay it the same).
export PGPASSFILE="$dir/pgpass" PGSSLMODE=verify-full PGSSLROOTCERT="$dir/tls/ca.crt"
set_agent_token "$dir" "$nodes" "$token"
agents start
wait_for "commit lease on node1" 60 lease_is on
psql_node 1 "create database bench" >/dev/null
run_quiet "$pgbench" -h 127.0.0.1 -p "$port" -U pgward -i -s 10 -q bench
psql_node 1 "checkpoint" >/dev/null
echo "== warm-up: pgbench -c 8 for $seconds s, not counted"
run_quiet "$pgbench" -h 127.0.0.1 -p "$port" -U pgward -n -c 8 -j 2 -T "$seconds" bench

printf '\n| %5s | %4s | %7s | %10s | %10s | %14s | %13s |\n' "lease" "run" "clients" "tps" "latency ms" "agent ms/1000tx" "agent cs/tx"
printf '|-------|------|--------:|-----------:|-----------:|---------------:|--------------:|\n'
for ((round = 1; round <= rounds; round++)); do
    order="on off"
    ((round % 2)) || order="off on"
    for mode in $order; do
        set_lease "$mode"
        measure "$mode" 1
        measure "$mode" 8
    done
done

echo
echo "machine: $(nproc) cores, $(uname -r), load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-34s | %12s | %12s | %10s |\n' "measurement (median of $rounds)" "lease on" "lease off" "on / off"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..36})" "-------------:" "-------------:" "-----------:"
compare() { # label file-suffix
    local on off
    on="$(median "$work/on.$2")"
    off="$(median "$work/off.$2")"
    awk -v l="$1" -v a="$on" -v b="$off" 'BEGIN { printf "| %-34s | %12.1f | %12.1f | %10.2f |\n", l, a, b, a / b }'
}
exact_median() { # file (lib.sh's median rounds to one decimal)
    sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
compare_ms() { # label file-suffix (latency: three decimals)
    local on off
    on="$(exact_median "$work/on.$2")"
    off="$(exact_median "$work/off.$2")"
    awk -v l="$1" -v a="$on" -v b="$off" 'BEGIN { printf "| %-34s | %12.3f | %12.3f | %10.2f |\n", l, a, b, a / b }'
}
paired() { # clients: the median of the rounds' own ratios, lease on / off
    paste "$work/on.$1.tps" "$work/off.$1.tps" | awk '{ printf "%.4f\n", $1 / $2 }' >"$work/pairs.$1"
    exact_median "$work/pairs.$1"
}
compare "tps, 1 client" "1.tps"
compare_ms "latency average ms, 1 client" "1.latency"
compare "tps, 8 clients" "8.tps"
compare_ms "latency average ms, 8 clients" "8.latency"
echo
echo "the primary's agent's CPU per 1,000 transactions, ms (median): lease on $(exact_median "$work/on.1.cpu") (1 client), $(exact_median "$work/on.8.cpu") (8 clients); off $(exact_median "$work/off.1.cpu"), $(exact_median "$work/off.8.cpu")"
echo "the primary's agent's context switches per transaction, all threads (median): lease on $(exact_median "$work/on.1.switches") (1 client), $(exact_median "$work/on.8.switches") (8 clients); off $(exact_median "$work/off.1.switches"), $(exact_median "$work/off.8.switches")"
echo "tps lease on / off, the median of the rounds' own ratios: $(printf '%.2f' "$(paired 1)") (1 client), $(printf '%.2f' "$(paired 8)") (8 clients)"
echo
awk -v a="$(median "$work/on.1.tps")" -v b="$(median "$work/off.1.tps")" -v c="$(median "$work/on.8.tps")" -v d="$(median "$work/off.8.tps")" 'BEGIN {
    printf "goal (issue 17): tps lease on / off >= 0.95: 1 client %s (%.2f), 8 clients %s (%.2f)\n",
        (a / b >= 0.95 ? "met" : "NOT met"), a / b, (c / d >= 0.95 ? "met" : "NOT met"), c / d
}'
