#!/usr/bin/env bash
# MeshActors and the anchors of ../shared/bench (underlay, wireguard-go, yggdrasil, nebula, tinc) in one session,
# one table. The shared bench directory may be read-only: it is copied to a temporary directory, run-meshactors.sh
# is added to it as one more anchor, and results go to deploy/lab/results/ (or ANC_RESULTS).
# usage: sudo deploy/lab/bench-all.sh [RUNS]     (default 2; env ANCHORS, TOPOS, IPERF_TIME as for run-all.sh)
# Needs: the anchors' packages (see ../shared/bench/README.md), iperf3, jq, a Release build of the node.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$HERE/../.." && pwd)"
SHARED=${BENCH_DIR:-}
if [[ -z $SHARED ]]; then
  for SHARED in "$REPO_DIR/../shared/bench" /work/shared/bench; do [[ -r $SHARED/lib.sh ]] && break; done
fi
[[ -r $SHARED/run-all.sh ]] || { echo "shared bench not found; set BENCH_DIR" >&2; exit 1; }
export ANC_RESULTS="${ANC_RESULTS:-$HERE/results/results-all-$(date +%Y%m%d-%H%M%S).tsv}"
export ANCHORS="${ANCHORS:-underlay wireguard-go yggdrasil nebula tinc meshactors}"
mkdir -p "$(dirname "$ANC_RESULTS")"

COPY=$(mktemp -d /tmp/mabench.XXXXXX)
trap 'rm -rf "$COPY"' EXIT
cp "$SHARED"/*.sh "$COPY/"
printf '#!/usr/bin/env bash\nBENCH_DIR=%q exec %q "$@"\n' "$COPY" "$HERE/run-meshactors.sh" >"$COPY/run-meshactors.sh"
chmod +x "$COPY"/*.sh

dotnet build -c Release -v q -o "$(dirname "$ANC_RESULTS")/gc-probe" "$HERE/gc-probe" >/dev/null
export MA_GC_PROBE="$(dirname "$ANC_RESULTS")/gc-probe/GcProbe.dll"
"$COPY/run-all.sh" "${1:-2}"
echo "results: $ANC_RESULTS (GC counts: $(dirname "$ANC_RESULTS")/gc.tsv)"
