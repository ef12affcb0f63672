#!/usr/bin/env bash
# Exhaustive SPIN verification of queue.pml over a small grid of bounds.
#
# Usage: verification/spin/run.sh            (outputs under verification/spin/out/)
#        OUT=/some/dir verification/spin/run.sh
#
# Prints one line per configuration:
#   <protocol> W=<w> J=<j> C=<c> <mode>: no errors (<n> states stored)
#   <protocol> W=<w> J=<j> C=<c> <mode>: violated: <pan error> [trail: <file>]
# For every violation the guided simulation (spin -t -p) is written to the
# trail file named on that line.
#
# Exit 0 iff every SENTINEL configuration (including the seed-sized extra
# row) has no errors AND EMPTY_POLL has an assertion violation at W=1 J=1
# C=1.  The other "extra" rows (empty-check, seed criterion, exit hang with
# assertions ignored) are informative and only reported.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODEL="$HERE/queue.pml"
OUT="${OUT:-$HERE/out}"

if ! command -v spin >/dev/null 2>&1; then
    echo "spin not found; installing it with apt-get" >&2
    (apt-get update && apt-get install -y spin) >&2 || { echo "cannot install spin" >&2; exit 2; }
fi
command -v gcc >/dev/null 2>&1 || { echo "gcc is required" >&2; exit 2; }

rm -rf "$OUT"
mkdir -p "$OUT"
echo "$(spin -V)"
echo "outputs: $OUT"

status=0
T0=$(date +%s.%N)

# check LABEL PROTOCOL W J C [pan-flags] [extra -D flags]
# sets VERDICT ("no errors ..." or "violated: ...") and ERRTYPE.
check() {
    local label=$1 proto=$2 w=$3 j=$4 c=$5 panflags=${6:-} dflags=${7:-}
    local name="${label}_W${w}_J${j}_C${c}${panflags:+_noassert}"
    local dir="$OUT/$name"
    mkdir -p "$dir"
    cp "$MODEL" "$dir/queue.pml"
    local defs="-DPROTOCOL=$proto -DW=$w -DJ=$j -DC=$c $dflags"
    local t0=$(date +%s.%N)
    (
        cd "$dir" &&
        spin -a $defs queue.pml >spin-a.log 2>&1 &&
        gcc -O2 -DSAFETY -o pan pan.c >gcc.log 2>&1 &&
        # -m: max search depth (far above any depth reached here);
        # default mode checks assertions AND invalid end states (hangs).
        timeout 120 ./pan -m1000000 $panflags >pan.log 2>&1
    )
    local rc=$?
    local secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')
    local log="$dir/pan.log"
    local states=$(awk '/states, stored/{print $1; exit}' "$log" 2>/dev/null)
    local errs=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$log" 2>/dev/null | head -1)
    ERRTYPE=""
    if [ -z "$errs" ]; then
        VERDICT="ERROR: spin/gcc/pan failed (rc=$rc), see $dir"
        ERRTYPE="tool-failure"
    elif grep -q "max search depth too small" "$log"; then
        VERDICT="INCOMPLETE: max search depth too small ($states states)"
        ERRTYPE="incomplete"
    elif [ "$errs" = 0 ]; then
        VERDICT="no errors ($states states stored)"
    else
        ERRTYPE=$(sed -n 's/^pan:1: \(.*\) (at depth.*/\1/p' "$log" | head -1)
        (cd "$dir" && spin -t -p $defs queue.pml >trail.txt 2>&1)
        VERDICT="violated: $ERRTYPE [trail: $dir/trail.txt]"
    fi
    rm -f "$dir"/pan "$dir"/pan.[bchmpt] "$dir"/_spin_nvr.tmp
    local mode=${panflags:-default}
    printf '%-12s W=%s J=%s C=%s %-8s %6.2fs  %s\n' \
        "$label" "$w" "$j" "$c" "$mode" "$secs" "$VERDICT"
}

proto_label() { case $1 in EMPTY_POLL) echo empty-poll;; SENTINEL) echo sentinel;; EMPTY_CHECK) echo empty-check;; esac; }

echo "== main grid (property: every job received exactly once; no invalid end state)"
GRID="1,1,1 1,1,2 1,2,1 1,2,2 2,1,1 2,1,2 2,2,1 2,2,2 2,3,1"
for P in SENTINEL EMPTY_POLL; do
    for cfg in $GRID; do
        IFS=, read -r w j c <<<"$cfg"
        check "$(proto_label $P)" "$P" "$w" "$j" "$c"
        if [ "$P" = SENTINEL ] && [ -n "$ERRTYPE" ]; then
            status=1
        fi
        if [ "$P" = EMPTY_POLL ] && [ "$cfg" = 1,1,1 ]; then
            case $ERRTYPE in
                "assertion violated"*) ;;
                *) echo "  ^ expected an assertion violation (lost job) here" >&2; status=1;;
            esac
        fi
    done
done

echo "== extras (informative, except that sentinel must stay clean)"
# empty-check protocol: loses jobs, and (assertions ignored with -A) hangs.
check empty-check EMPTY_CHECK 1 1 1
check empty-check EMPTY_CHECK 2 1 1 -A
# seed criterion soundness: jobs.empty() after join does not imply no loss.
check seed-crit EMPTY_POLL 1 1 1 "" -DCHECK_SEED_CRITERION
# exit hang: with assertions ignored, the producer's exit joins a feeder
# stuck on a full pipe (leftover jobs > C).
check empty-poll EMPTY_POLL 1 2 1 -A
# sentinel at the seed's own sizes: 4 workers, 8 jobs, ~6 x 10 kB per 64 KiB pipe.
check sentinel SENTINEL 4 8 6
[ -n "$ERRTYPE" ] && status=1

printf 'spin grid total %.1fs; ' "$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')"
if [ $status = 0 ]; then
    echo "PASS (sentinel clean everywhere; empty-poll loses a job at W=1 J=1 C=1)"
else
    echo "FAIL"
fi
exit $status
