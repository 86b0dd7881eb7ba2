#!/usr/bin/env bash
# MeshActors alone in the bench lab: idle ping RTT, then one iperf3 TCP stream for IPERF_TIME s from A to the target
# (B in the pair, C in the line), plus GC collections per node over the measurement (gc-probe; results/gc.tsv).
# usage: sudo deploy/lab/bench.sh pair|line [RUNS]      (default 1 run; results in deploy/lab/results/)
# Needs: iperf3, iputils-ping, jq, iproute2, a built node (bench/anchor-meshactors.sh: MESHACTORS_DLL, MA_MTU, MA_LINK).
# For MeshActors beside the other anchors in one session and one table, use bench-all.sh.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOPO=${1:?usage: bench.sh pair|line [RUNS]}
RUNS=${2:-1}
[[ $TOPO == pair || $TOPO == line ]] || { echo "topology must be pair or line" >&2; exit 2; }
for tool in iperf3 ping jq ip dotnet; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y iperf3 iputils-ping jq iproute2)" >&2; exit 1; }
done
export BENCH_RESULTS="${BENCH_RESULTS:-$HERE/results/results-$(date +%Y%m%d-%H%M%S).tsv}"
mkdir -p "$(dirname "$BENCH_RESULTS")"
dotnet build -c Release -v q -o "$(dirname "$BENCH_RESULTS")/gc-probe" "$HERE/gc-probe" >/dev/null
export MA_GC_PROBE="$(dirname "$BENCH_RESULTS")/gc-probe/GcProbe.dll"
for run in $(seq "$RUNS"); do
  "$HERE/bench/anchor-meshactors.sh" "$TOPO" "$run" || echo "run $run failed (see $(dirname "$BENCH_RESULTS")/raw/)" >&2
done
source "$HERE/bench/common.sh"
echo "results: $BENCH_RESULTS"
print_table "$BENCH_RESULTS"
