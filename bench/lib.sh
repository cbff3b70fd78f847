# Shared by the benchmark scripts: source it after setting $work (a scratch directory the script removes).

# Runs a command with its output in $work/last.out; on failure prints that output and exits.
run_quiet() {
    if ! "$@" >"$work/last.out" 2>&1; then
        echo "failed: $*" >&2
        cat "$work/last.out" >&2
        exit 1
    fi
}

# Prints "samples median min max" of the numbers in file $1.
stats() {
    sort -g "$1" | awk '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%d %.1f %.1f %.1f\n", NR, m, v[1], v[NR] }'
}

median() { stats "$1" | awk '{ print $2 }'; }

# Stops a sandbox (its agents first, then its servers) and deletes it: purge_sandbox PGWARD DIR.
# With PGWARD_BENCH_KEEP=1 the logs (agents, dead-man switches, servers) are copied first to a directory named after DIR
# under /tmp, outside the benchmark's scratch directory, which its cleanup deletes.
purge_sandbox() {
    [[ -n "$1" && -d "$2" ]] || return 0
    if [[ "${PGWARD_BENCH_KEEP:-0}" == 1 ]]; then
        "$1" sandbox down --dir "$2" >/dev/null 2>&1 || true
        local kept
        kept="/tmp/pgward-bench-logs$(tr / - <<<"$2")"
        mkdir -p "$kept"
        (cd "$2" && find . -name '*.log' -exec cp --parents {} "$kept/" \;) || true
        echo "logs kept in $kept" >&2
    fi
    "$1" sandbox down --dir "$2" --purge >/dev/null 2>&1 || echo "warning: sandbox down failed for $2" >&2
}

# Gives every sandbox node the same agent token: set_agent_token DIR NODES TOKEN. pgward.conf refuses a key set twice,
# so the token sandbox up wrote is replaced, not added to.
set_agent_token() {
    local n
    for ((n = 1; n <= $2; n++)); do
        sed -i '/^agent_token *=/d' "$1/node$n/pgward.conf"
        echo "agent_token = $3" >>"$1/node$n/pgward.conf"
    done
}

# Builds a .NET project in Release into a directory: build_into PROJECT DIR (the log is shown only on failure). The
# SDK's temporary directories go under the benchmark's own, which it removes (the SDK leaves two empty ones a build).
build_into() {
    mkdir -p "$work/tmp"
    if ! TMPDIR="$work/tmp" dotnet build "$1" -c Release -o "$2" -nologo -v quiet >"$work/build.log" 2>&1; then
        cat "$work/build.log" >&2
        exit 1
    fi
}

# Stops the script with a message: fail WHAT.
fail() {
    echo "failed: $*" >&2
    exit 1
}

# Waits (at most SECONDS) until the command succeeds, polling every 0.1 s; else stops the script: wait_for WHAT SECONDS COMMAND...
wait_for() {
    local what="$1" limit="$2"
    shift 2
    local i
    for ((i = 0; i < limit * 10; i++)); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
    done
    fail "$what (waited $limit s)"
}

# A process's CPU time so far, user plus system, in clock ticks (getconf CLK_TCK a second), from /proc/PID/stat.
cpu_ticks() {
    local stat
    stat="$(cat "/proc/$1/stat")"
    awk '{ print $12 + $13 }' <<<"${stat##*) }"
}

# Microseconds since the epoch.
now_us() { echo "${EPOCHREALTIME/./}"; }

# Sets up pgBackRest for node 1 of the sandbox in DIR on PORT: a repository, log and lock directories in
# $work/pgbackrest, the stanza "bench" created, and pgbackrest_run ARGS... to run it as the postgres user. Installs
# Debian's package first when it is missing (as root, with apt-get). Sets $pgbackrest_version ("" when pgBackRest could
# not be installed: the caller leaves its rows out). archive-check=n: the sandbox archives through pgward, not
# pgBackRest, so its backups do not wait for WAL in its repository.
# Usage: pgbackrest_setup DIR PORT [RETENTION_FULL]
pgbackrest_setup() {
    pgbackrest_version=""
    if ! command -v pgbackrest >/dev/null && [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        echo "== installing pgBackRest (apt-get install pgbackrest), the baseline of this benchmark"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbackrest; } >"$work/apt.log" 2>&1 \
            || echo "   apt-get failed ($(tail -1 "$work/apt.log")): pgBackRest's rows are left out" >&2
    fi
    command -v pgbackrest >/dev/null || return 0
    pgbackrest_version="$(pgbackrest version | cut -d" " -f2)"
    br="$work/pgbackrest"
    mkdir -p "$br/repo" "$br/log" "$br/lock"
    cat >"$br/pgbackrest.conf" <<CONF
[global]
repo1-path=$br/repo
${3:+repo1-retention-full=$3}
log-path=$br/log
lock-path=$br/lock
log-level-console=warn
log-level-file=off
start-fast=y
archive-check=n

[bench]
pg1-path=$1/node1/data
pg1-port=$2
pg1-socket-path=$1/node1
pg1-user=pgward
pg1-database=pgward
CONF
    chown -R postgres: "$br"
    run_quiet pgbackrest_run stanza-create
}

pgbackrest_run() { runuser -u postgres -- pgbackrest --config="$work/pgbackrest/pgbackrest.conf" --stanza=bench "$@"; }
