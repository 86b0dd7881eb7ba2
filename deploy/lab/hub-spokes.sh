#!/usr/bin/env bash
# One hub node and N spoke nodes on loopback, each spoke its own process dialling the hub over TCP: prints the hub's
# resident memory and thread count at idle, with the first spoke up (the link code paths are compiled then: the node
# runs without tiered compilation) and with every spoke up; the cost per link is the step from one spoke to all.
# Spokes start in waves of 5 so the start-up storm does not starve the hub. No root, no TUN.
# usage: deploy/lab/hub-spokes.sh [SPOKES] [DLL]   (default 30 spokes; the Release build of src/MeshActors)
# Ports: hub links 21000, hub API 21001, spoke APIs 21100+i (below 32768, on 127.0.0.1 only).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SPOKES=${1:-30}
DLL=${2:-$HERE/../../src/MeshActors/bin/Release/net10.0/MeshActors.dll}
WORK=$(mktemp -d /tmp/mahubspokes.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

node_conf() { # NAME LISTEN PEERS API
  cat >"$WORK/$1.hocon" <<CONF
meshactors {
  key-file = "$WORK/$1.key"
  data-dir = "$WORK/$1.data"
  listen = [$2]
  peers = [$3]
  tun.enabled = off
  api.address = "127.0.0.1:$4"
  log-level = warning
}
CONF
}
sample() { awk '/^VmRSS/ {rss=$2} /^Threads/ {t=$2} END {print rss, t}' "/proc/$1/status"; }
peers_up() { curl -sf "http://127.0.0.1:21001/api/v1/admin/peers" | jq '[.[] | select(.state == "up" and .rttMs != null)] | length' 2>/dev/null || echo 0; }

node_conf hub '"tcp://127.0.0.1:21000"' '' 21001
dotnet "$DLL" --config "$WORK/hub.hocon" >"$WORK/hub.log" 2>&1 &
HUB=$!; PIDS+=("$HUB")
until curl -sf http://127.0.0.1:21001/api/v1/admin >/dev/null; do sleep 0.5; done
sleep 3
read -r IDLE_RSS IDLE_THREADS < <(sample "$HUB")
echo "hub idle: RSS ${IDLE_RSS} KB, ${IDLE_THREADS} threads"

start_spoke() {
  node_conf "spoke$1" '' '"tcp://127.0.0.1:21000"' $((21100 + $1))
  dotnet "$DLL" --config "$WORK/spoke$1.hocon" >"$WORK/spoke$1.log" 2>&1 &
  PIDS+=("$!")
}
# Thread-pool threads a start-up storm made the hub inject retire after ~20 s without work: sample after SETTLE.
SETTLE=${SETTLE:-45}
start_spoke 1
until [[ $(peers_up) -ge 1 ]]; do sleep 1; done
sleep "$SETTLE"
read -r WARM_RSS WARM_THREADS < <(sample "$HUB")
echo "hub with 1 spoke up: RSS ${WARM_RSS} KB, ${WARM_THREADS} threads"
for i in $(seq 2 "$SPOKES"); do
  start_spoke "$i"
  if (( i % 5 == 0 || i == SPOKES )); then
    until [[ $(peers_up) -ge $i ]]; do sleep 1; done
  fi
done
sleep "$SETTLE"
read -r RSS THREADS < <(sample "$HUB")
echo "hub with $SPOKES spokes up: RSS ${RSS} KB, ${THREADS} threads"
echo "per extra link (1 -> $SPOKES spokes): $(( (RSS - WARM_RSS) / (SPOKES - 1) )) KB RSS, threads +$(( THREADS - WARM_THREADS ))"
echo "against idle: $(( (RSS - IDLE_RSS) / SPOKES )) KB RSS per link, threads +$(( THREADS - IDLE_THREADS ))"
echo "hub threads by name:"; cat /proc/"$HUB"/task/*/comm | sort | uniq -c | sort -rn
