#!/usr/bin/env bash
# MeshActors network-namespace lab (no Docker). Run as root.
#
#   lab.sh [--prefix P] up pair|line|ring4|exits|lan  build namespaces P-A.. joined by veth (cleans first)
#   lab.sh [--prefix P] start [--dll PATH] [--udp-links "K ..."] [--no-udp-segments] [--ipv4-network CIDR]
#          [--dns HOST:PORT] [--socks HOST:PORT] [--expose "tcp/PORT ..."] [--tun-mtu BYTES]
#                                               write one HOCON per node and start the nodes; links K are dialled
#                                               over UDP with datagrams of at most 1,472 bytes (the veth's 1,500 − 28),
#                                               longer frames cut into segments unless --no-udp-segments;
#                                               --ipv4-network: nodes take automatic IPv4 addresses in CIDR instead
#                                               of 10.220.0.N; --dns: every node serves DNS on HOST:PORT in its namespace;
#                                               --socks: every node serves its SOCKS5 gateway on HOST:PORT (loopback);
#                                               --expose: every node lets port tunnels reach these loopback ports;
#                                               --tun-mtu: overlay MTU of every node (default 9000)
#   lab.sh [--prefix P] stop                    stop the nodes (recorded PIDs only)
#   lab.sh [--prefix P] kill N                  crash node N (SIGKILL); start brings it back with the same key
#   lab.sh [--prefix P] down                    stop and delete everything the lab created
#   lab.sh [--prefix P] cut A B | heal A B      set the veth link between A and B down / up
#   lab.sh [--prefix P] exec A CMD...           run CMD inside A's namespace
#   lab.sh [--prefix P] status                  namespaces, links, node processes
#   lab.sh --help | help                        this text
#
# Topologies (link k joins X—Y as 10.210.k.1 — 10.210.k.2, /24; X dials Y):
#   pair : A—B
#   line : A—B—C       A and C are not adjacent and B has ip_forward=0: only the overlay joins them
#   ring4: A—B—C—D—A
#   exits: A—B, A—C, B—D, C—D   B and C are exits for 10.77.0.0/24 (exit.prefixes, masquerading out of their link
#          to D); D runs no node: it is "the outside", holds 10.77.0.1 on its loopback and has no route to the mesh
#   lan  : A, B, C on one bridge (in A's namespace; 10.210.9.1-3/24, IPv6 link-local); nobody dials anybody: the
#          nodes run with discovery.lan = on (beacons every second) and listen on [::]
#   bridge: A—B—C      two meshes: A and B in "home" (fd6d::/16, A 10.220.0.1), B and C in "work" (fd77::/16,
#          C 10.221.0.3); B runs both (meshactors.meshes, TUNs mesh0 and mesh1, APIs 127.0.0.1:8989 and 8990) and
#          bridges A's 10.220.0.1/32 into work and C's 10.221.0.3/32 into home
# Nothing is routed between namespaces at the underlay (ip_forward=0 everywhere), nothing leaves them.
# State (topology, configs, keys, logs, PIDs) lives in /tmp/P-state; the default prefix is "malab".
set -euo pipefail

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$LAB_DIR/../.." && pwd)"
PFX=malab
PORT=9651                    # listen port of every node (tcp and udp)
TUN_MTU=9000                 # overlay MTU in bytes; TCP links carry it without fragmenting the 1500-byte veth
UDP_MAX_FRAME=1472           # largest UDP link frame: a datagram that fits the veth's 1,500 bytes over IPv4
STOP_WAIT_TENTHS=50          # how long stop waits for a node to exit after SIGTERM, in 0.1 s

log() { echo "[lab $(date +%T)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() { sed -n '2,/^[^#]/{/^#/p}' "$0"; }   # the comment block at the top

while [[ $# -gt 0 && $1 == -* ]]; do
  case $1 in
    -h|--help) usage; exit 0;;
    --prefix) PFX=${2:?--prefix needs a value}; shift 2;;
    *) die "unknown option $1";;
  esac
done
[[ $PFX =~ ^[a-z][a-z0-9]{0,9}$ ]] || die "prefix must be 1-10 lowercase letters/digits, starting with a letter"
STATE="/tmp/${PFX}-state"

ns()  { echo "${PFX}-$1"; }
nsx() { local n=$1; shift; ip netns exec "$(ns "$n")" "$@"; }

topo_nodes() {
  case $1 in pair) echo "A B";; line|exits|lan|bridge) echo "A B C";; ring4) echo "A B C D";; *) die "unknown topology '$1' (pair|line|ring4|exits|lan|bridge)";; esac
}
# namespaces that run no node
topo_hosts() { [[ $1 == exits ]] && echo "D" || true; }
is_host() { [[ " $(topo_hosts "$(current_topo)") " == *" $1 "* ]]; }
# one "X Y" pair per line; line number k = link index = third octet
topo_links() {
  case $1 in
    pair)  printf '%s\n' "A B";;
    line|bridge) printf '%s\n' "A B" "B C";;
    ring4) printf '%s\n' "A B" "B C" "C D" "D A";;
    exits) printf '%s\n' "A B" "A C" "B D" "C D";;
    lan)   ;;
  esac
}
current_topo() { [[ -r $STATE/topology ]] || die "no lab is up (run: lab.sh up pair|line|ring4)"; cat "$STATE/topology"; }
veth()      { echo "v$(tr 'A-Z' 'a-z' <<<"$1$2")"; }   # the end of link X—Y that lives in X
node_index() { printf '%d' "'$1"; }                    # A=65 ..; used for distinct per-node numbers

# link_of X Y -> "k X Y" with X—Y in topology order, or fails
link_of() {
  local k=0 x y
  while read -r x y; do
    k=$((k + 1))
    if [[ $x == "$1" && $y == "$2" || $x == "$2" && $y == "$1" ]]; then echo "$k $x $y"; return 0; fi
  done < <(topo_links "$(current_topo)")
  return 1
}

our_namespaces() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${PFX}-[A-D]$" || true; }
# pid_in_our_ns, kill_pids, cmd_stop
source "$LAB_DIR/lab-processes.sh"

cmd_kill() {  # SIGKILL one node, as a crash would: no orderly link shutdown
  local n=${1:?usage: lab.sh kill NODE} f pid
  f=$STATE/pids/$n.pid
  [[ -e $f ]] || die "node $n is not running"
  pid=$(cat "$f")
  if [[ $pid =~ ^[0-9]+$ ]] && pid_in_our_ns "$pid"; then
    kill -KILL "$pid"
    for _ in $(seq "$STOP_WAIT_TENTHS"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$f"
  log "killed $n (pid $pid)"
}

cmd_down() {
  local n pids
  cmd_stop
  for n in $(our_namespaces); do
    # stragglers we started inside our own namespaces (e.g. iperf3 from bench.sh)
    mapfile -t pids < <(ip netns pids "$n" 2>/dev/null || true)
    kill_pids "${pids[@]}"
    ip netns del "$n"
  done
  rm -rf "$STATE"
  log "lab $PFX down"
}

cmd_up() {
  local topo=${1:?usage: lab.sh up pair|line|ring4|exits} n k=0 x y
  topo_nodes "$topo" >/dev/null
  cmd_down
  mkdir -p "$STATE/pids" "$STATE/logs" "$STATE/config"
  echo "$topo" >"$STATE/topology"
  for n in $(topo_nodes "$topo") $(topo_hosts "$topo"); do
    ip netns add "$(ns "$n")"
    nsx "$n" ip link set lo up
    nsx "$n" sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
    # link-local addresses usable at once (no duplicate address detection wait): LAN beacons go out from them
    nsx "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  done
  [[ $topo == lan ]] && lan_bridge
  while read -r x y; do
    k=$((k + 1))
    ip link add "$(veth "$x" "$y")" netns "$(ns "$x")" type veth peer name "$(veth "$y" "$x")" netns "$(ns "$y")"
    nsx "$x" ip addr add "10.210.$k.1/24" dev "$(veth "$x" "$y")"
    nsx "$y" ip addr add "10.210.$k.2/24" dev "$(veth "$y" "$x")"
    nsx "$x" ip link set "$(veth "$x" "$y")" up
    nsx "$y" ip link set "$(veth "$y" "$x")" up
  done < <(topo_links "$topo")
  if [[ $topo == exits ]]; then
    # the outside: one address behind both exits, no route back to the mesh (replies need the exits' NAT)
    nsx D ip addr add "$EXIT_OUTSIDE/32" dev lo
    nsx B ip route add "$EXIT_PREFIX" via 10.210.3.2
    nsx C ip route add "$EXIT_PREFIX" via 10.210.4.2
  fi
  check_underlay "$topo"
  log "lab $topo up: $(our_namespaces | tr '\n' ' ')"
}

# lan: one bridge in A's namespace, B and C plugged in; multicast flooded (no snooping) like a home switch
lan_bridge() {
  local n i=1
  nsx A ip link add br0 type bridge mcast_snooping 0
  nsx A ip addr add 10.210.9.1/24 dev br0
  nsx A ip link set br0 up
  for n in B C; do
    i=$((i + 1))
    ip link add "$(veth A "$n")" netns "$(ns A)" type veth peer name "$(veth "$n" A)" netns "$(ns "$n")"
    nsx A ip link set "$(veth A "$n")" master br0 up
    nsx "$n" ip addr add "10.210.9.$i/24" dev "$(veth "$n" A)"
    nsx "$n" ip link set "$(veth "$n" A)" up
  done
}

# neighbours reach each other; in line A must not reach C (if ping is installed)
check_underlay() {
  local k=0 x y
  command -v ping >/dev/null || { log "ping not installed; skipping underlay checks"; return 0; }
  while read -r x y; do
    k=$((k + 1))
    nsx "$x" ping -c1 -W2 "10.210.$k.2" >/dev/null || die "underlay $x->$y (10.210.$k.2) broken"
  done < <(topo_links "$1")
  if [[ $1 == lan ]]; then
    nsx B ping -c1 -W2 10.210.9.3 >/dev/null || die "underlay B->C over the bridge broken"
  fi
  if [[ $1 == line || $1 == bridge ]] && nsx A ping -c1 -W1 10.210.2.2 >/dev/null 2>&1; then
    die "underlay A->C reachable; isolation broken"
  fi
}

# underlay address of node N on link k
link_addr() { local k=$1 x=$2 n=$3; [[ $n == "$x" ]] && echo "10.210.$k.1" || echo "10.210.$k.2"; }

write_config() {  # write_config NODE TOPO "UDP-LINKS"
  local n=$1 topo=$2 udp_links=" ${3:-} " k=0 x y scheme peers=() file
  while read -r x y; do
    k=$((k + 1))
    scheme=tcp; [[ $udp_links == *" $k "* ]] && scheme=udp
    [[ $x == "$n" ]] && ! is_host "$y" && peers+=("\"$scheme://10.210.$k.2:$PORT\"")
  done < <(topo_links "$topo")
  file="$STATE/config/$n.hocon"
  if [[ $topo == bridge && $n == B ]]; then write_bridge_config "$file"; echo "$file"; return; fi
  local overlay=fd6d::/16 ipv4="10.220.0.$(( $(node_index "$n") - 64 ))/32"
  [[ $topo == bridge && $n == C ]] && overlay=fd77::/16 ipv4=10.221.0.3/32
  cat >"$file" <<HOCON
meshactors {
  node-name = "$n"
  key-file = "$STATE/$n.key"
  data-dir = "$STATE/$n.data"
  overlay-prefix = "$overlay"
  listen = [$(if [[ $topo == lan ]]; then echo "\"tcp://[::]:$PORT\", \"udp://[::]:$PORT\""; else echo "\"tcp://0.0.0.0:$PORT\", \"udp://0.0.0.0:$PORT\""; fi)]
  discovery { lan = $([[ $topo == lan ]] && echo "on, lan-interval = 1s" || echo off) }
  peers = [$(IFS=,; echo "${peers[*]}" | sed 's/,/, /g')]
  admission { mode = open, allowed-keys = [], network-key = "" }
  links { udp-max-frame-size = $UDP_MAX_FRAME, udp-segments = $UDP_SEGMENTS }
  tun { enabled = on, name = "mesh0", mtu = $TUN_MTU }
  $(if [[ -n $IPV4_NETWORK ]]; then echo "ipv4 { network = \"$IPV4_NETWORK\", conflict-check-interval = 1s }"; else echo "ipv4 { addresses = [\"$ipv4\"], prefixes = [] }"; fi)
  dns { address = "$DNS_ADDR" }
  socks { listen = "$SOCKS_ADDR" }
  tunnels { expose = [$(for e in $EXPOSE; do printf '"%s", ' "$e"; done | sed 's/, $//')] }
  $(if [[ $topo == exits && $n != A ]]; then echo "exit { prefixes = [\"$EXIT_PREFIX\"], masquerade-interface = \"$(veth "$n" D)\" }"; fi)
  api { address = "127.0.0.1:8989" }
  log-level = info
}
HOCON
  echo "$file"
}

# B of the bridge topology: one node in two meshes, bridging A's and C's IPv4 addresses between them
write_bridge_config() {
  cat >"$1" <<HOCON
meshactors {
  node-name = "B"
  admission { mode = open, allowed-keys = [], network-key = "" }
  links { udp-max-frame-size = $UDP_MAX_FRAME, udp-segments = $UDP_SEGMENTS }
  log-level = info
  meshes {
    home {
      key-file = "$STATE/B-home.key", data-dir = "$STATE/B-home.data", overlay-prefix = "fd6d::/16"
      listen = ["tcp://10.210.1.2:$PORT", "udp://10.210.1.2:$PORT"], peers = []
      tun { enabled = on, name = "mesh0", mtu = $TUN_MTU }
      ipv4 { addresses = ["10.220.0.2/32"], prefixes = [] }
      api { address = "127.0.0.1:8989" }
    }
    work {
      key-file = "$STATE/B-work.key", data-dir = "$STATE/B-work.data", overlay-prefix = "fd77::/16"
      listen = ["tcp://10.210.2.1:$PORT", "udp://10.210.2.1:$PORT"], peers = ["tcp://10.210.2.2:$PORT"]
      tun { enabled = on, name = "mesh1", mtu = $TUN_MTU }
      ipv4 { addresses = ["10.221.0.2/32"], prefixes = [] }
      api { address = "127.0.0.1:8990" }
    }
  }
  bridges = [
    { from = "home", to = "work", prefixes = ["10.220.0.1/32"] }
    { from = "work", to = "home", prefixes = ["10.221.0.3/32"] }
  ]
}
HOCON
}

default_dll() {
  local c
  for c in "$REPO_DIR/src/MeshActors/bin/Release/net10.0/MeshActors.dll" "$REPO_DIR/src/MeshActors/bin/Debug/net10.0/MeshActors.dll"; do
    [[ -e $c ]] && { echo "$c"; return; }
  done
  echo "$REPO_DIR/src/MeshActors/bin/Release/net10.0/MeshActors.dll"
}

EXIT_PREFIX=10.77.0.0/24     # exits topology: the prefix B and C serve
EXIT_OUTSIDE=10.77.0.1       # exits topology: the address D holds in it
IPV4_NETWORK=""               # start --ipv4-network: automatic IPv4 addresses instead of configured ones
DNS_ADDR=""                   # start --dns: the DNS server endpoint of every node (empty: none)
SOCKS_ADDR=""                 # start --socks: the SOCKS5 gateway endpoint of every node (empty: none)
EXPOSE=""                     # start --expose: what port tunnels may reach on every node ("tcp/5201 udp/53")
UDP_SEGMENTS=on               # start --no-udp-segments: UDP links carry only what fits one datagram

cmd_start() {
  local dll=${MESHACTORS_DLL:-} udp_links="" topo n file
  while [[ $# -gt 0 ]]; do
    case $1 in
      --dll) dll=${2:?--dll needs a path}; shift 2;;
      --udp-links) udp_links=${2?--udp-links needs link numbers}; shift 2;;
      --ipv4-network) IPV4_NETWORK=${2:?--ipv4-network needs a CIDR}; shift 2;;
      --dns) DNS_ADDR=${2:?--dns needs HOST:PORT}; shift 2;;
      --socks) SOCKS_ADDR=${2:?--socks needs HOST:PORT}; shift 2;;
      --expose) EXPOSE=${2:?--expose needs "tcp/PORT ..."}; shift 2;;
      --no-udp-segments) UDP_SEGMENTS=off; shift;;
      --tun-mtu) TUN_MTU=${2:?--tun-mtu needs a size in bytes}; shift 2;;
      *) die "unknown start option $1";;
    esac
  done
  dll=${dll:-$(default_dll)}
  [[ -e $dll ]] || die "node binary $dll not found (build src/MeshActors, or pass --dll / set MESHACTORS_DLL)"
  topo=$(current_topo)
  for n in $(topo_nodes "$topo"); do
    file=$(write_config "$n" "$topo" "$udp_links")
    if [[ -e $STATE/pids/$n.pid ]] && kill -0 "$(cat "$STATE/pids/$n.pid")" 2>/dev/null; then
      log "$n already running"; continue
    fi
    # ip netns exec execs the command, so $! is the node's own PID; append, so a restart keeps the crashed run's log
    ip netns exec "$(ns "$n")" dotnet "$dll" --config "$file" >>"$STATE/logs/$n.log" 2>&1 </dev/null &
    echo $! >"$STATE/pids/$n.pid"
    log "started $n in $(ns "$n") pid $! (log $STATE/logs/$n.log)"
  done
}

cmd_link() {  # cmd_link down|up A B
  local state=$1 link k x y
  link=$(link_of "${2:?node}" "${3:?node}") || die "$2 and $3 are not adjacent in $(current_topo)"
  read -r k x y <<<"$link"
  nsx "$x" ip link set "$(veth "$x" "$y")" "$state"
  nsx "$y" ip link set "$(veth "$y" "$x")" "$state"
  log "link $x—$y (10.210.$k.0/24) $state"
}

cmd_status() {
  local n f pid
  echo "topology: $(cat "$STATE/topology" 2>/dev/null || echo none)"
  for n in $(our_namespaces); do
    echo "$n: $(ip -n "$n" -br addr show | grep -v '^lo' | tr -s ' ' | tr '\n' ';')"
  done
  for f in "$STATE"/pids/*.pid; do
    [[ -e $f ]] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then echo "$(basename "$f" .pid): pid $pid running"; else echo "$(basename "$f" .pid): pid $pid exited"; fi
  done
}

cmd=${1:-}; shift || true
[[ $cmd == help ]] && { usage; exit 0; }
[[ $EUID -eq 0 ]] || die "must run as root"
case $cmd in
  up)     cmd_up "$@";;
  start)  cmd_start "$@";;
  stop)   cmd_stop;;
  kill)   cmd_kill "$@";;
  down)   cmd_down;;
  cut)    cmd_link down "$@";;
  heal)   cmd_link up "$@";;
  exec)   n=${1:?usage: lab.sh exec NODE CMD...}; shift; nsx "$n" "$@";;
  status) cmd_status;;
  *)      [[ -n $cmd ]] && log "unknown command '$cmd'"; usage; exit 2;;
esac
