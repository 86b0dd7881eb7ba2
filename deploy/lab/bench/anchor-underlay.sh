#!/usr/bin/env bash
# Baseline without any overlay: plain veth. In the line B routes at the underlay for this anchor only
# (ip_forward=1 and a static route on A and C), so A → C is ordinary kernel forwarding.
# usage: anchor-underlay.sh pair|line [RUN]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
begin underlay "${1:-pair}" "${2:-1}"
target=$(target_of "$TOPO")
address=${UL[$target]}
if [[ $TOPO == line ]]; then
  inns B sysctl -qw net.ipv4.ip_forward=1
  inns A ip route add 10.201.2.0/24 via "${UL[B]}"
  inns C ip route add 10.201.1.0/24 via "${UL[B2]}"
fi
await_ping A "$address" 10 || { failed_row "underlay does not carry a ping"; exit 1; }
measure "$target" "$address" ""
