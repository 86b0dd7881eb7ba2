#!/usr/bin/env bash
# MeshActors as a user gets it: the node's default config (no tun.mtu, no link tuning), TCP links.
# usage: anchor-meshactors-default-tcp.sh pair|line [RUN]     (see anchor-meshactors.sh for the variables)
MA_ANCHOR=meshactors-default-tcp MA_MTU=default MA_LINK=tcp exec "$(dirname "${BASH_SOURCE[0]}")/anchor-meshactors.sh" "$@"
