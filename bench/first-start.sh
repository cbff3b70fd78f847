#!/usr/bin/env bash
# Benchmark of the first `scripts/sandbox up` on a fresh clone, build included (issue 17; see BENCHMARKS.md).
# One command:  bench/first-start.sh
#
# Each run clones this repository twice (`git clone`: a tree without bin/ or obj/), once at the commit before issue 17
# (PGWARD_BENCH_FIRST_START_BEFORE) and once at HEAD, and times in each, one after the other:
#   before: what that commit's scripts/sandbox ran: scripts/install-deps --native, scripts/publish (the NativeAOT
#           build), then `pgward sandbox up`;
#   after:  scripts/sandbox up (a JIT build, then the sandbox), then how long until the native executable that it
#           builds in the background is there (scripts/publish --check; waited for before the next step, so it does
#           not fall on the next measure).
# Then, in each clone, the warm start: `sandbox down --purge` and scripts/sandbox up again (the build done).
# Every sandbox is removed (`sandbox down --purge`) and every clone deleted.
# NuGet's global package cache stays as it is (warm, as on a machine that restored once), and so does the compiler
# server when another build left one running: both clones see the same.
# Prints the phases of each run and the medians (deps, build, cluster up, total) with the ratio after / before.
# Environment: PGWARD_BENCH_PORT_FIRST_START (default 7621: PostgreSQL 7621-7624, agents 8621-8624, backup 8671),
# PGWARD_BENCH_FIRST_START_RUNS (3), PGWARD_BENCH_FIRST_START_BEFORE (c49aa4e: the commit before issue 17's change).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${PGWARD_BENCH_PORT_FIRST_START:-7621}"
runs="${PGWARD_BENCH_FIRST_START_RUNS:-3}"
before="${PGWARD_BENCH_FIRST_START_BEFORE:-c49aa4e}"
native_limit=3600 # the background build runs at nice 19: on a loaded machine it waits

work="$(mktemp -d /tmp/pgward-bench.XXXXXX)"
chmod 755 "$work" # the servers run as the postgres user and must reach their data directories
sandbox="$work/sandbox"
clone=""

cleanup() {
    local status=$?
    if [[ -n "$clone" && -d "$sandbox" ]]; then
        PGWARD_SANDBOX_NATIVE=no "$clone/scripts/sandbox" down --dir "$sandbox" --purge >/dev/null 2>&1 \
            || echo "warning: sandbox down failed for $sandbox" >&2
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

now() { echo "${EPOCHREALTIME}"; }
# Seconds from $1 to $2.
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", b - a }'; }

# A fresh clone at commit $1 into $work/clone.
fresh_clone() {
    clone="$work/clone"
    rm -rf "$clone"
    git clone -q "$repo" "$clone"
    git -C "$clone" checkout -q "$1"
}

remove_clone() {
    PGWARD_SANDBOX_NATIVE=no run_quiet "$clone/scripts/sandbox" down --dir "$sandbox" --purge
    rm -rf "$clone"
    clone=""
}

# The warm start in the current clone, into file $1: the sandbox removed, then scripts/sandbox up again.
warm_start() {
    local t0
    run_quiet "$clone/scripts/sandbox" down --dir "$sandbox" --purge
    t0=$(now)
    run_quiet "$clone/scripts/sandbox" up --port "$port" --dir "$sandbox"
    seconds "$t0" "$(now)" >>"$1"
}

for f in deps build up total warm; do : >"$work/before.$f"; : >"$work/after.$f"; done
: >"$work/after.native"
for ((run = 1; run <= runs; run++)); do
    fresh_clone "$before"
    t0=$(now)
    run_quiet "$clone/scripts/install-deps" --native
    t1=$(now)
    run_quiet "$clone/scripts/publish" -q
    t2=$(now)
    run_quiet "$clone/artifacts/bin/pgward" sandbox up --port "$port" --dir "$sandbox"
    t3=$(now)
    seconds "$t0" "$t1" >>"$work/before.deps"
    seconds "$t1" "$t2" >>"$work/before.build"
    seconds "$t2" "$t3" >>"$work/before.up"
    seconds "$t0" "$t3" >>"$work/before.total"
    warm_start "$work/before.warm"
    echo "run $run before: deps $(tail -1 "$work/before.deps") s, build $(tail -1 "$work/before.build") s," \
        "cluster up $(tail -1 "$work/before.up") s, total $(tail -1 "$work/before.total") s;" \
        "warm $(tail -1 "$work/before.warm") s (load $(cut -d' ' -f1 /proc/loadavg))"
    remove_clone

    fresh_clone HEAD
    : >"$work/phases"
    t0=$(now)
    PGWARD_SANDBOX_TIMES="$work/phases" run_quiet "$clone/scripts/sandbox" up --port "$port" --dir "$sandbox"
    t3=$(now)
    awk '$1 == "deps" { print $2 }' "$work/phases" >>"$work/after.deps"
    awk '$1 == "build" { print $2 }' "$work/phases" >>"$work/after.build"
    awk '$1 == "sandbox" { print $2 }' "$work/phases" >>"$work/after.up"
    seconds "$t0" "$t3" >>"$work/after.total"
    [[ ! -x "$clone/artifacts/bin/pgward" ]] || fail "the fresh clone had a native executable before its first start"
    until "$clone/scripts/publish" --check >/dev/null 2>&1; do
        if [[ $(seconds "$t0" "$(now)" | cut -d. -f1) -gt $native_limit ]]; then
            cat "$clone/artifacts/publish.log" >&2
            fail "the native executable was not built in the background within $native_limit s"
        fi
        sleep 1
    done
    seconds "$t0" "$(now)" >>"$work/after.native"
    warm_start "$work/after.warm"
    echo "run $run after:  deps $(tail -1 "$work/after.deps") s, build $(tail -1 "$work/after.build") s," \
        "cluster up $(tail -1 "$work/after.up") s, total $(tail -1 "$work/after.total") s;" \
        "native ready $(tail -1 "$work/after.native") s after the start; warm $(tail -1 "$work/after.warm") s" \
        "(load $(cut -d' ' -f1 /proc/loadavg))"
    remove_clone
done

echo
echo "first scripts/sandbox up on a fresh clone, $runs runs, seconds: median (min-max)"
printf '%-12s %-22s %-22s %s\n' phase before after after/before
for f in deps build up total warm; do
    read -r _ bm bmin bmax <<<"$(stats "$work/before.$f")"
    read -r _ am amin amax <<<"$(stats "$work/after.$f")"
    printf '%-12s %-22s %-22s %s\n' "$f" "$bm ($bmin-$bmax)" "$am ($amin-$amax)" \
        "$(awk -v a="$am" -v b="$bm" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
done
read -r _ nm nmin nmax <<<"$(stats "$work/after.native")"
echo "after: the native executable was ready $nm ($nmin-$nmax) s after the start (built in the background)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
