#!/usr/bin/env bash
# MeshActors with A and C dialling B over UDP on the 1,500-byte veths, overlay MTU 65000 (as the TCP anchor).
# usage: anchor-meshactors-udp.sh pair|line [RUN]     (see anchor-meshactors.sh for the variables)
MA_ANCHOR=meshactors-udp MA_LINK=udp exec "$(dirname "${BASH_SOURCE[0]}")/anchor-meshactors.sh" "$@"
