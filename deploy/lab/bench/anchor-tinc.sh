#!/usr/bin/env bash
# tinc 1.0 in router mode with its default cipher and digest (blowfish-cbc, sha1), RSA keys from `tincd -K`.
# A and C connect to B; in the line every host file says IndirectData = yes, so A and C never try each other
# directly and B relays hop by hop. Needs tincd.
# usage: anchor-tinc.sh pair|line [RUN]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
begin tinc "${1:-pair}" "${2:-1}"
dir="$BENCH_STATE/tinc"; mkdir -p "$dir"
port=655
nodes=$(nodes_of "$TOPO")
for n in $nodes; do
  conf="$dir/$n"; mkdir -p "$conf/hosts"
  {
    printf 'Name = %s\nMode = router\nAddressFamily = ipv4\n' "$n"
    printf 'Interface = %s\nDeviceType = tun\nDevice = /dev/net/tun\n' "${BENCH_PFX}tinc$n"
    [[ $n == B ]] || echo "ConnectTo = B"
  } >"$conf/tinc.conf"
  {
    if [[ $n == B && $TOPO == line ]]; then printf 'Address = %s\nAddress = %s\n' "${UL[B]}" "${UL[B2]}"; else echo "Address = ${UL[$n]}"; fi
    printf 'Port = %s\nSubnet = %s/32\n' "$port" "${OV[$n]}"
    [[ $TOPO == line ]] && echo "IndirectData = yes"
  } >"$conf/hosts/$n"
  printf '#!/bin/sh\nip addr add %s/24 dev "$INTERFACE" && ip link set "$INTERFACE" up\n' "${OV[$n]}" >"$conf/tinc-up"
  chmod +x "$conf/tinc-up"
  tincd -c "$conf" -K2048 </dev/null >"$dir/keygen-$n.log" 2>&1
done
for n in $nodes; do   # every node needs every other node's host file (address, subnet, public key)
  for m in $nodes; do [[ $n == "$m" ]] || cp "$dir/$m/hosts/$m" "$dir/$n/hosts/$m"; done
done
for n in B $nodes; do
  [[ -e $BENCH_STATE/pids/tinc-$n.pid ]] && continue
  spawn "$n" "tinc-$n" tincd -c "$dir/$n" -D -d1 --pidfile="$dir/$n/tinc.pid" --logfile="$BENCH_STATE/logs/tincd-$n.log"
done
target=$(target_of "$TOPO")
await_ping A "${OV[$target]}" || { failed_row "overlay did not come up"; tail -n 20 "$BENCH_STATE"/logs/tinc*.log >&2; exit 1; }
tags=""; for n in $nodes; do tags+="tinc-$n "; done
measure "$target" "${OV[$target]}" "$tags"
