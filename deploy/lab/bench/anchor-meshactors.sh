#!/usr/bin/env bash
# MeshActors as one more bench anchor: the same namespaces, underlay, measurement and cleanup as the other anchors
# (common.sh), so its numbers sit in the same table as theirs.
# pair: A dials B. line: A and C dial B; B has ip_forward=0, so A->C only works through B's overlay relay.
# Overlay target: the destination node's own IPv4 address 10.201.100.N/32 (announced by the node as a route).
# usage: anchor-meshactors.sh pair|line [RUN]
#   MESHACTORS_DLL  node binary (default: src/MeshActors/bin/Release/net10.0/MeshActors.dll of this repo)
#   MA_MTU          overlay MTU in bytes (default 65000, measured best over TCP links: see deploy/README.md);
#                   "default" leaves tun.mtu out of the config: the node's own default
#   MA_LINK         tcp (default) or udp: the transport A and C dial B with (UDP over the veth's 1,500 bytes)
#   MA_ANCHOR       name in the results (default meshactors; the anchor-meshactors-*.sh variants set it)
#   MA_ANCHOR_SUFFIX  appended to that name (bench-all.sh: "-base" for the MA_BASE_DLL build)
#   MA_GC_PROBE     GcProbe.dll (gc-probe/, built by bench.sh): when set, GC counts of every node over the
#                   transfer are appended to gc.tsv next to the results
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
REPO_DIR="$(cd "$BENCH_LIB_DIR/../../.." && pwd)"

DLL="${MESHACTORS_DLL:-$REPO_DIR/src/MeshActors/bin/Release/net10.0/MeshActors.dll}"
[[ -e $DLL ]] || fail "node binary $DLL not found (dotnet build -c Release src/MeshActors, or set MESHACTORS_DLL)"
PORT=9651
MTU="${MA_MTU:-65000}"
[[ $MTU == default || $MTU =~ ^[0-9]+$ ]] || fail "MA_MTU must be a number of bytes or \"default\""
LINK="${MA_LINK:-tcp}"
[[ $LINK == tcp || $LINK == udp ]] || fail "MA_LINK must be tcp or udp"
GC_PROBE="${MA_GC_PROBE:-}"

begin "${MA_ANCHOR:-meshactors}${MA_ANCHOR_SUFFIX:-}" "${1:-pair}" "${2:-1}"
D="$BENCH_STATE/meshactors"; mkdir -p "$D"
NODES=$(nodes_of "$TOPO")
for n in $NODES; do
  case $n in
    A) peers="\"$LINK://${UL[B]}:$PORT\"";;
    B) peers="";;
    C) peers="\"$LINK://${UL[B2]}:$PORT\"";;
  esac
  cat >"$D/$n.hocon" <<HOCON
meshactors {
  node-name = "$n"
  key-file = "$D/$n.key"
  data-dir = "$D/$n.data"
  overlay-prefix = "fd6d::/16"
  listen = ["tcp://0.0.0.0:$PORT", "udp://0.0.0.0:$PORT"]
  peers = [$peers]
  admission { mode = open, allowed-keys = [], network-key = "" }
  tun { enabled = on, name = "${BENCH_PFX}ma$n"$([[ $MTU == default ]] || echo ", mtu = $MTU") }
  ipv4 { addresses = ["${OV[$n]}/32"], prefixes = [] }
  api { address = "127.0.0.1:8989" }
  log-level = warning
}
HOCON
done
# the probe is loaded by the runtime (DOTNET_STARTUP_HOOKS); the node itself is unchanged
probe_env=()
if [[ -n $GC_PROBE ]]; then
  [[ -e $GC_PROBE ]] || fail "MA_GC_PROBE=$GC_PROBE not found"
  probe_env=(DOTNET_STARTUP_HOOKS="$GC_PROBE")
fi
# start the listener (B) first
for n in B $NODES; do
  [[ -e "$BENCH_STATE/pids/ma-$n.pid" ]] && continue
  spawn "$n" "ma-$n" env "${probe_env[@]}" GC_PROBE_FILE="${GC_PROBE:+$D/$n.gc}" dotnet "$DLL" --config "$D/$n.hocon"
  [[ $n == B ]] && sleep 1
done
DST=$(target_of "$TOPO"); DADDR=${OV[$DST]}
await_ping A "$DADDR" || { failed_row "overlay did not come up"; tail -n 20 "$BENCH_STATE"/logs/ma-*.log >&2; exit 1; }
TAGS=""; for n in $NODES; do TAGS+="ma-$n "; done
declare -A gc0
# GC counts from here, after the idle pings: the last of a node's start-up allocations (the first packets through a
# new overlay) are not the transfer's. The probe writes every 200 ms, so the snapshot may be that old.
before_transfer() { for n in $NODES; do gc0[$n]=$(cat "$D/$n.gc" 2>/dev/null || true); done; }
measure "$DST" "$DADDR" "$TAGS"
# gc.tsv: anchor topo run mtu node gen0 gen1 gen2 allocated-MB gc-pause-ms, all as differences over the transfer
if [[ -n $GC_PROBE ]]; then
  for n in $NODES; do
    read -r g0 g1 g2 alloc pause <<<"${gc0[$n]:-0 0 0 0 0}"
    read -r h0 h1 h2 alloc1 pause1 <"$D/$n.gc"
    printf '%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%.1f\t%d\n' $ANCHOR "$TOPO" "$RUN" "$MTU" "$n" $((h0 - g0)) $((h1 - g1)) $((h2 - g2)) \
      "$(awk -v a="$alloc" -v b="$alloc1" 'BEGIN{print (b-a)/1e6}')" $((pause1 - pause)) | tee -a "$(dirname "$BENCH_RESULTS")/gc.tsv"
  done
fi
