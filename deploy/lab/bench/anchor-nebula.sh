#!/usr/bin/env bash
# nebula 1.6. A certificate authority made for the run signs one certificate per node. B is the lighthouse and a
# relay; A and C know B's underlay address and, as they cannot reach each other, use B as their relay (line).
# MTU 1300 (nebula's usual). Needs nebula and nebula-cert.
# usage: anchor-nebula.sh pair|line [RUN]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
begin nebula "${1:-pair}" "${2:-1}"
dir="$BENCH_STATE/nebula"; mkdir -p "$dir"
port=4242
nodes=$(nodes_of "$TOPO")
nebula-cert ca -name "$BENCH_PFX bench" -out-crt "$dir/ca.crt" -out-key "$dir/ca.key"
for n in $nodes; do
  nebula-cert sign -ca-crt "$dir/ca.crt" -ca-key "$dir/ca.key" -name "$n" -ip "${OV[$n]}/24" \
    -out-crt "$dir/$n.crt" -out-key "$dir/$n.key"
  if [[ $n == B ]]; then
    hosts="{}" lighthouse=true lighthouses="[]" relay=true relays="[]"
  else
    uplink=${UL[B]}; [[ $n == C ]] && uplink=${UL[B2]}
    hosts="{\"${OV[B]}\": [\"$uplink:$port\"]}" lighthouse=false lighthouses="[\"${OV[B]}\"]" relay=false relays="[\"${OV[B]}\"]"
  fi
  cat >"$dir/$n.yml" <<YAML
pki: {ca: $dir/ca.crt, cert: $dir/$n.crt, key: $dir/$n.key}
static_host_map: $hosts
lighthouse: {am_lighthouse: $lighthouse, interval: 60, hosts: $lighthouses}
listen: {host: 0.0.0.0, port: $port}
punchy: {punch: true}
relay: {am_relay: $relay, use_relays: true, relays: $relays}
tun: {disabled: false, dev: ${BENCH_PFX}neb$n, mtu: 1300, tx_queue: 500, drop_local_broadcast: false, drop_multicast: false}
logging: {level: info, format: text}
firewall:
  outbound: [{port: any, proto: any, host: any}]
  inbound: [{port: any, proto: any, host: any}]
YAML
done
for n in B $nodes; do
  [[ -e $BENCH_STATE/pids/neb-$n.pid ]] && continue
  spawn "$n" "neb-$n" nebula -config "$dir/$n.yml"
done
target=$(target_of "$TOPO")
await_ping A "${OV[$target]}" || { failed_row "overlay did not come up"; tail -n 20 "$BENCH_STATE"/logs/neb-*.log >&2; exit 1; }
tags=""; for n in $nodes; do tags+="neb-$n "; done
measure "$target" "${OV[$target]}" "$tags"
