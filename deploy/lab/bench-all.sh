#!/usr/bin/env bash
# MeshActors beside established overlays in one session and one table: the anchors of bench/ (underlay, i.e. no
# overlay, wireguard-go, yggdrasil, nebula, tinc, and MeshActors four ways: tuned over TCP links (meshactors) and
# UDP links (meshactors-udp), and with the node's default config over TCP and UDP links (meshactors-default-tcp,
# meshactors-default-udp)), each on the pair and the line, RUNS times. UDP links run over the veths' 1,500 bytes.
# usage: sudo deploy/lab/bench-all.sh [RUNS]     (default 2)
#   ANCHORS      which anchors, in this order (default: all nine)
#   TOPOS        "pair line" (default) or one of them
#   IPERF_TIME   seconds per transfer (default 10)
#   MA_BASE_DLL  another node build (say, the one before a change): every meshactors* anchor then also runs with it,
#                right after the current build, as meshactors*-base (an A/B in one session)
# Needs the anchors' Debian packages (deploy/README.md: "Benchmark"), iperf3, jq and a Release build of the node.
# An anchor whose program is missing, or that fails, gets a FAIL row; the others still run.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUNS=${1:-2}
ANCHORS=${ANCHORS:-"underlay wireguard-go yggdrasil nebula tinc meshactors meshactors-udp meshactors-default-tcp meshactors-default-udp"}
TOPOS=${TOPOS:-"pair line"}
SCRIPT_LIMIT_S=300   # one anchor run: lab build, start-up, pings and the transfer take well under a minute
export BENCH_RESULTS="${BENCH_RESULTS:-$HERE/results/results-all-$(date +%Y%m%d-%H%M%S).tsv}"
mkdir -p "$(dirname "$BENCH_RESULTS")"
: >"$BENCH_RESULTS"

if [[ " $ANCHORS " == *" meshactors"* ]]; then
  dotnet build -c Release -v q -o "$(dirname "$BENCH_RESULTS")/gc-probe" "$HERE/gc-probe" >/dev/null
  export MA_GC_PROBE="$(dirname "$BENCH_RESULTS")/gc-probe/GcProbe.dll"
fi
if [[ -n ${MA_BASE_DLL:-} && ! -e $MA_BASE_DLL ]]; then
  echo "MA_BASE_DLL=$MA_BASE_DLL not found" >&2; exit 2
fi

# run_anchor ANCHOR TOPO RUN [SUFFIX] : one measurement; a FAIL row when the script is missing or fails
run_anchor() {
  local anchor=$1 topo=$2 run=$3 suffix=${4:-} script="$HERE/bench/anchor-$1.sh"
  echo "=== $anchor$suffix $topo run $run ===" >&2
  if [[ ! -x $script ]]; then
    printf '%s\t%s\t%s\tFAIL\tFAIL\t%s\t%s\n' "$anchor$suffix" "$topo" "$run" "$(date +%FT%T)" "no such anchor" >>"$BENCH_RESULTS"
  elif ! timeout "$SCRIPT_LIMIT_S" "$script" "$topo" "$run"; then
    grep -q "^$anchor$suffix	$topo	$run	" "$BENCH_RESULTS" ||
      printf '%s\t%s\t%s\tFAIL\tFAIL\t%s\t%s\n' "$anchor$suffix" "$topo" "$run" "$(date +%FT%T)" "script failed (raw/logs-$anchor$suffix-$topo-run$run)" >>"$BENCH_RESULTS"
  fi
}

for run in $(seq "$RUNS"); do
  for anchor in $ANCHORS; do
    for topo in $TOPOS; do
      run_anchor "$anchor" "$topo" "$run"
      if [[ $anchor == meshactors* && -n ${MA_BASE_DLL:-} ]]; then
        MESHACTORS_DLL=$MA_BASE_DLL MA_ANCHOR_SUFFIX=-base run_anchor "$anchor" "$topo" "$run" -base
      fi
    done
  done
done
source "$HERE/bench/common.sh"
echo "results: $BENCH_RESULTS (GC counts: $(dirname "$BENCH_RESULTS")/gc.tsv)"
print_table "$BENCH_RESULTS"
print_ratios "$BENCH_RESULTS"
