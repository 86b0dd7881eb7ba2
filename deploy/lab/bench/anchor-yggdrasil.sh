#!/usr/bin/env bash
# yggdrasil 0.4. Peers are given explicitly over TCP on the underlay (A and C dial B); multicast discovery and the
# admin socket are off. Yggdrasil picks its own address from its key (200::/7); it is assigned inside our
# namespaces only. The relay B forwards without decrypting (yggdrasil encrypts end to end). MTU: its default, 65535.
# Needs yggdrasil and jq.
# usage: anchor-yggdrasil.sh pair|line [RUN]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
begin yggdrasil "${1:-pair}" "${2:-1}"
dir="$BENCH_STATE/yggdrasil"; mkdir -p "$dir"
port=12345
nodes=$(nodes_of "$TOPO")
for n in $nodes; do
  listen='[]' peers='[]'
  case $n in
    A) peers="[\"tcp://${UL[B]}:$port\"]";;
    C) peers="[\"tcp://${UL[B2]}:$port\"]";;
    B) listen="[\"tcp://${UL[B]}:$port\"$([[ $TOPO == line ]] && echo ",\"tcp://${UL[B2]}:$port\"" || true)]";;
  esac
  yggdrasil -genconf -json \
    | jq --argjson listen "$listen" --argjson peers "$peers" --arg name "${BENCH_PFX}ygg$n" \
        '.Listen = $listen | .Peers = $peers | .MulticastInterfaces = [] | .AdminListen = "none" | .IfName = $name' \
    >"$dir/$n.json"
  chmod 600 "$dir/$n.json"
  yggdrasil -useconffile "$dir/$n.json" -address >"$dir/$n.address"
done
for n in B $nodes; do   # the listener first
  [[ -e $BENCH_STATE/pids/ygg-$n.pid ]] && continue
  spawn "$n" "ygg-$n" yggdrasil -useconffile "$dir/$n.json" -logto stdout
  # a dial refused before B listens is retried only after yggdrasil's backoff (about a minute): wait up to 5 s
  if [[ $n == B ]]; then
    for _ in $(seq 50); do inns B ss -ltn 2>/dev/null | grep -q ":$port " && break; sleep 0.1; done
  fi
done
target=$(target_of "$TOPO")
address=$(<"$dir/$target.address")
await_ping A "$address" || { failed_row "overlay did not come up"; tail -n 20 "$BENCH_STATE"/logs/ygg-*.log >&2; exit 1; }
tags=""; for n in $nodes; do tags+="ygg-$n "; done
measure "$target" "$address" "$tags"
