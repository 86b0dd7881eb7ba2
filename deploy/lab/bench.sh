#!/usr/bin/env bash
# Measure MeshActors like the anchors in ../shared/bench: ping RTT, then iperf3 TCP for IPERF_TIME s, A -> dst,
# plus GC collections per node over the measurement (gc-probe startup hook; results/gc.tsv).
# usage: sudo deploy/lab/bench.sh pair|line [RUNS]      (default 1 run; results in deploy/lab/results/)
# Needs: iperf3, iputils-ping, jq, a built node (see run-meshactors.sh for MESHACTORS_DLL, BENCH_DIR, MA_MTU).
# For a side-by-side table with the anchors in one session, use bench-all.sh.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOPO=${1:?usage: bench.sh pair|line [RUNS]}
RUNS=${2:-1}
[[ $TOPO == pair || $TOPO == line ]] || { echo "topology must be pair or line" >&2; exit 2; }
for tool in iperf3 ping jq ip dotnet; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y iperf3 iputils-ping jq iproute2)" >&2; exit 1; }
done
export ANC_RESULTS="${ANC_RESULTS:-$HERE/results/results-$(date +%Y%m%d-%H%M%S).tsv}"
mkdir -p "$(dirname "$ANC_RESULTS")"
dotnet build -c Release -v q -o "$(dirname "$ANC_RESULTS")/gc-probe" "$HERE/gc-probe" >/dev/null
export MA_GC_PROBE="$(dirname "$ANC_RESULTS")/gc-probe/GcProbe.dll"
for run in $(seq "$RUNS"); do
  "$HERE/run-meshactors.sh" "$TOPO" "$run" || echo "run $run failed (see $(dirname "$ANC_RESULTS")/raw/)" >&2
done
echo "results: $ANC_RESULTS"
column -t -s $'\t' "$ANC_RESULTS" 2>/dev/null || cat "$ANC_RESULTS"
