#!/usr/bin/env bash
# MeshActors beside established overlays in one session and one table: the anchors of bench/ (underlay, i.e. no
# overlay, wireguard-go, yggdrasil, nebula, tinc, meshactors), each on the pair and the line, RUNS times.
# usage: sudo deploy/lab/bench-all.sh [RUNS]     (default 2)
#   ANCHORS     which anchors, in this order (default: all six)
#   TOPOS       "pair line" (default) or one of them
#   IPERF_TIME  seconds per transfer (default 10)
# Needs the anchors' Debian packages (deploy/README.md: "Benchmark"), iperf3, jq and a Release build of the node.
# An anchor whose program is missing, or that fails, gets a FAIL row; the others still run.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUNS=${1:-2}
ANCHORS=${ANCHORS:-"underlay wireguard-go yggdrasil nebula tinc meshactors"}
TOPOS=${TOPOS:-"pair line"}
SCRIPT_LIMIT_S=300   # one anchor run: lab build, start-up, pings and the transfer take well under a minute
export BENCH_RESULTS="${BENCH_RESULTS:-$HERE/results/results-all-$(date +%Y%m%d-%H%M%S).tsv}"
mkdir -p "$(dirname "$BENCH_RESULTS")"
: >"$BENCH_RESULTS"

if [[ " $ANCHORS " == *" meshactors "* ]]; then
  dotnet build -c Release -v q -o "$(dirname "$BENCH_RESULTS")/gc-probe" "$HERE/gc-probe" >/dev/null
  export MA_GC_PROBE="$(dirname "$BENCH_RESULTS")/gc-probe/GcProbe.dll"
fi
for run in $(seq "$RUNS"); do
  for anchor in $ANCHORS; do
    for topo in $TOPOS; do
      echo "=== $anchor $topo run $run ===" >&2
      script="$HERE/bench/anchor-$anchor.sh"
      if [[ ! -x $script ]]; then
        printf '%s\t%s\t%s\tFAIL\tFAIL\t%s\t%s\n' "$anchor" "$topo" "$run" "$(date +%FT%T)" "no such anchor" >>"$BENCH_RESULTS"
      elif ! timeout "$SCRIPT_LIMIT_S" "$script" "$topo" "$run"; then
        grep -q "^$anchor	$topo	$run	" "$BENCH_RESULTS" ||
          printf '%s\t%s\t%s\tFAIL\tFAIL\t%s\t%s\n' "$anchor" "$topo" "$run" "$(date +%FT%T)" "script failed (raw/logs-$anchor-$topo-run$run)" >>"$BENCH_RESULTS"
      fi
    done
  done
done
source "$HERE/bench/common.sh"
echo "results: $BENCH_RESULTS (GC counts: $(dirname "$BENCH_RESULTS")/gc.tsv)"
print_table "$BENCH_RESULTS"
