#!/usr/bin/env bash
# MeshActors as a user gets it across the internet: the node's default config, UDP links over the 1,500-byte veths.
# usage: anchor-meshactors-default-udp.sh pair|line [RUN]     (see anchor-meshactors.sh for the variables)
MA_ANCHOR=meshactors-default-udp MA_MTU=default MA_LINK=udp exec "$(dirname "${BASH_SOURCE[0]}")/anchor-meshactors.sh" "$@"
