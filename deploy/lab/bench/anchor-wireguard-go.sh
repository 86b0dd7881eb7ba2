#!/usr/bin/env bash
# wireguard-go, the userspace WireGuard. pair: A and B are each other's peer. line: one interface on B holds A and
# C as peers and B forwards between them (ip_forward=1 on B for this anchor), so B decrypts and re-encrypts.
# Needs wireguard-go and wg (wireguard-tools). MTU: wireguard-go's default, 1420.
# usage: anchor-wireguard-go.sh pair|line [RUN]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
begin wireguard-go "${1:-pair}" "${2:-1}"
dir="$BENCH_STATE/wireguard"; mkdir -p "$dir"
port=51820
nodes=$(nodes_of "$TOPO")
iface() { echo "${BENCH_PFX}wg$1"; }
for n in $nodes; do
  (umask 077; wg genkey >"$dir/$n.key")
  wg pubkey <"$dir/$n.key" >"$dir/$n.pub"
  spawn "$n" "wg-$n" env WG_PROCESS_FOREGROUND=1 wireguard-go --foreground "$(iface "$n")"
  for _ in $(seq 50); do [[ -S /var/run/wireguard/$(iface "$n").sock ]] && break; sleep 0.1; done
  inns "$n" ip addr add "${OV[$n]}/24" dev "$(iface "$n")"
done
# peer_of NODE OTHER ALLOWED ENDPOINT : the wg arguments that make OTHER a peer of NODE
peer_args() { echo peer "$(<"$dir/$1.pub")" allowed-ips "$2" endpoint "$3:$port"; }
if [[ $TOPO == pair ]]; then
  inns A wg set "$(iface A)" private-key "$dir/A.key" listen-port $port $(peer_args B "${OV[B]}/32" "${UL[B]}")
  inns B wg set "$(iface B)" private-key "$dir/B.key" listen-port $port $(peer_args A "${OV[A]}/32" "${UL[A]}")
else
  inns A wg set "$(iface A)" private-key "$dir/A.key" listen-port $port $(peer_args B 10.201.100.0/24 "${UL[B]}")
  inns C wg set "$(iface C)" private-key "$dir/C.key" listen-port $port $(peer_args B 10.201.100.0/24 "${UL[B2]}")
  inns B wg set "$(iface B)" private-key "$dir/B.key" listen-port $port \
    $(peer_args A "${OV[A]}/32" "${UL[A]}") $(peer_args C "${OV[C]}/32" "${UL[C]}")
  inns B sysctl -qw net.ipv4.ip_forward=1
fi
for n in $nodes; do inns "$n" ip link set "$(iface "$n")" up; done
target=$(target_of "$TOPO")
await_ping A "${OV[$target]}" || { failed_row "overlay did not come up"; exit 1; }
tags=""; for n in $nodes; do tags+="wg-$n "; done
measure "$target" "${OV[$target]}" "$tags"
