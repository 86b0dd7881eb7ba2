#!/usr/bin/env bash
# NAT lab: two home LANs behind Linux routers that NAT like home routers, and one public node. Run as root.
#
#   nat-lab.sh [--prefix P] up cone|symmetric cone|symmetric   build the lab (cleans first); the NAT of router A, of B
#   nat-lab.sh [--prefix P] start [--dll PATH] [--no-punch] [--tun] [--second-relay] [--rendezvous]
#                                                             start MeshActors on P (public), A and B; A and B dial
#                                                             only P, over UDP; --tun: with TUN devices (mesh0, MTU
#                                                             1300) so the overlay can be pinged; --second-relay: also
#                                                             Q (public), which dials P (A and B learn of it only
#                                                             from the mesh's records); --rendezvous: P introduces
#                                                             the nodes linked to it to each other
#   nat-lab.sh [--prefix P] kill NODE                         stop one node (p, q, a or b; its recorded PID only)
#   nat-lab.sh [--prefix P] nebula                            start nebula 1.6.1 instead: P the lighthouse, A and B
#                                                             its hosts, punchy on (certificates made in the state dir)
#   nat-lab.sh [--prefix P] stop                              stop the nodes (recorded PIDs only)
#   nat-lab.sh [--prefix P] flush a|b                         forget router A's or B's NAT state (conntrack -F): a rebinding
#   nat-lab.sh [--prefix P] exec NODE CMD...                  run CMD in NODE's namespace (p, q, a, b, ra, rb, w)
#   nat-lab.sh [--prefix P] down                              stop and delete everything the lab created
#   nat-lab.sh [--prefix P] matrix [--dll PATH]               the punch matrix (cone/symmetric x cone/symmetric) for
#                                                             MeshActors and nebula: time from the first message or
#                                                             packet A->B until A's packets reach B directly (counted
#                                                             on router B), and for MeshActors until the link is up
#
# Layout (all 10.x, nothing leaves the namespaces):
#   A 10.214.1.2 -- 10.214.1.1 RA 10.213.1.2 --+
#                                              W (10.213.{1,2,3,4}.1, forwards) -- 10.213.3.2 P (public node)
#   B 10.214.2.2 -- 10.214.2.1 RB 10.213.2.2 --+                                 \-- 10.213.4.2 Q (second public node)
# A router masquerades its LAN behind its WAN address: "cone" = MASQUERADE (Linux keeps the source port when it
# can: endpoint-independent mapping), "symmetric" = MASQUERADE --random-fully (a new random port per destination).
# Each router drops unsolicited inbound as a home router does (conntrack state NEW on the WAN side), so a mapping
# admits only replies from the address and port it was opened towards.
set -euo pipefail

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$LAB_DIR/../.." && pwd)"
PFX=manat
PORT=9651                    # node port (tcp and udp) everywhere
NEBULA_PORT=4242             # nebula's listen port
UDP_MAX_FRAME=1472           # largest UDP link frame on a 1,500-byte veth over IPv4
STOP_WAIT_TENTHS=50          # how long stop waits for a node after SIGTERM, in 0.1 s

log() { echo "[nat-lab $(date +%T.%3N)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
usage() { sed -n '2,/^[^#]/{/^#/p}' "$0"; }

while [[ $# -gt 0 && $1 == -* ]]; do
  case $1 in
    -h|--help) usage; exit 0;;
    --prefix) PFX=${2:?--prefix needs a value}; shift 2;;
    *) die "unknown option $1";;
  esac
done
[[ $PFX =~ ^[a-z][a-z0-9]{0,9}$ ]] || die "prefix must be 1-10 lowercase letters/digits, starting with a letter"
STATE="/tmp/${PFX}-natlab"
NODES="w ra rb a b p q"

ns()  { echo "${PFX}-nat$1"; }
nsx() { local n=$1; shift; ip netns exec "$(ns "$n")" "$@"; }
our_namespaces() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${PFX}-nat(w|ra|rb|a|b|p|q)$" || true; }
# pid_in_our_ns, kill_pids, cmd_stop
source "$LAB_DIR/lab-processes.sh"

cmd_down() {
  local n pids
  cmd_stop
  for n in $(our_namespaces); do
    mapfile -t pids < <(ip netns pids "$n" 2>/dev/null || true)
    kill_pids "${pids[@]}"
    ip netns del "$n"
  done
  rm -rf "$STATE"
  log "nat lab $PFX down"
}

# veth X-Y: end "X-Y" in X's namespace, "Y-X" in Y's; addresses with prefix length
wire() {
  local x=$1 y=$2 ax=$3 ay=$4
  ip link add "$x-$y" netns "$(ns "$x")" type veth peer name "$y-$x" netns "$(ns "$y")"
  nsx "$x" ip addr add "$ax" dev "$x-$y"
  nsx "$y" ip addr add "$ay" dev "$y-$x"
  nsx "$x" ip link set "$x-$y" up
  nsx "$y" ip link set "$y-$x" up
}

home_router() {  # home_router ra|rb cone|symmetric
  local r=$1 kind=$2 wan="$1-w" random=()
  [[ $kind == symmetric ]] && random=(--random-fully)
  nsx "$r" sysctl -qw net.ipv4.ip_forward=1
  nsx "$r" iptables -t nat -A POSTROUTING -o "$wan" -j MASQUERADE "${random[@]}"
  nsx "$r" iptables -A INPUT -i "$wan" -m conntrack --ctstate NEW -j DROP
  nsx "$r" iptables -A FORWARD -i "$wan" -m conntrack --ctstate NEW -j DROP
}

cmd_up() {
  local na=${1:?usage: nat-lab.sh up cone|symmetric cone|symmetric} nb=${2:?usage: nat-lab.sh up cone|symmetric cone|symmetric} n
  [[ $na =~ ^(cone|symmetric)$ && $nb =~ ^(cone|symmetric)$ ]] || die "NAT kinds are cone or symmetric"
  command -v iptables >/dev/null || die "iptables is not installed"
  cmd_down
  mkdir -p "$STATE/pids" "$STATE/logs" "$STATE/config"
  echo "$na $nb" >"$STATE/nats"
  for n in $NODES; do
    ip netns add "$(ns "$n")"
    nsx "$n" ip link set lo up
    nsx "$n" sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
  done
  wire w ra 10.213.1.1/24 10.213.1.2/24
  wire w rb 10.213.2.1/24 10.213.2.2/24
  wire w p 10.213.3.1/24 10.213.3.2/24
  wire w q 10.213.4.1/24 10.213.4.2/24
  wire ra a 10.214.1.1/24 10.214.1.2/24
  wire rb b 10.214.2.1/24 10.214.2.2/24
  nsx w sysctl -qw net.ipv4.ip_forward=1
  nsx p ip route add default via 10.213.3.1
  nsx q ip route add default via 10.213.4.1
  nsx ra ip route add default via 10.213.1.1
  nsx rb ip route add default via 10.213.2.1
  nsx a ip route add default via 10.214.1.1
  nsx b ip route add default via 10.214.2.1
  home_router ra "$na"
  home_router rb "$nb"
  nsx a ping -c1 -W2 10.213.3.2 >/dev/null || die "A cannot reach P through its router"
  nsx b ping -c1 -W2 10.213.3.2 >/dev/null || die "B cannot reach P through its router"
  if nsx p ping -c1 -W1 10.213.1.2 >/dev/null 2>&1; then die "router A answers unsolicited pings: its filter is missing"; fi
  log "nat lab up: A behind $na NAT, B behind $nb NAT, P public"
}

default_dll() {
  local c
  for c in "$REPO_DIR/src/MeshActors/bin/Release/net10.0/MeshActors.dll" "$REPO_DIR/src/MeshActors/bin/Debug/net10.0/MeshActors.dll"; do
    [[ -e $c ]] && { echo "$c"; return; }
  done
  echo "$REPO_DIR/src/MeshActors/bin/Release/net10.0/MeshActors.dll"
}

write_config() {  # write_config NODE PEERS PUNCH TUN [RENDEZVOUS]
  local n=$1 peers=$2 punch=$3 tun=$4 rendezvous=${5:-off} file="$STATE/config/$1.hocon"
  cat >"$file" <<HOCON
meshactors {
  node-name = "$n"
  key-file = "$STATE/$n.key"
  data-dir = "$STATE/$n.data"
  listen = ["udp://0.0.0.0:$PORT"]
  peers = [$peers]
  links { udp-max-frame-size = $UDP_MAX_FRAME }
  tun { enabled = $tun, name = "mesh0", mtu = 1300 }
  nat.punch = $punch
  discovery.rendezvous = $rendezvous
  api.address = "127.0.0.1:8989"
  log-level = info
}
HOCON
  echo "$file"
}

start_in() {  # start_in NODE LOGNAME CMD...
  local n=$1 name=$2; shift 2
  ip netns exec "$(ns "$n")" "$@" >>"$STATE/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$STATE/pids/$name.pid"
  log "started $name in $(ns "$n") pid $!"
}

cmd_start() {
  local dll=${MESHACTORS_DLL:-} punch=on tun=off second=0 rendezvous=off n
  while [[ $# -gt 0 ]]; do
    case $1 in
      --dll) dll=${2:?--dll needs a path}; shift 2;;
      --no-punch) punch=off; shift;;
      --tun) tun=on; shift;;
      --second-relay) second=1; shift;;
      --rendezvous) rendezvous=on; shift;;
      *) die "unknown start option $1";;
    esac
  done
  [[ -r $STATE/nats ]] || die "no nat lab is up (run: nat-lab.sh up cone cone)"
  dll=${dll:-$(default_dll)}
  [[ -e $dll ]] || die "node binary $dll not found (build src/MeshActors, or pass --dll / set MESHACTORS_DLL)"
  start_in p p dotnet "$dll" --config "$(write_config p "" "$punch" "$tun" "$rendezvous")"
  ((second)) && start_in q q dotnet "$dll" --config "$(write_config q "\"udp://10.213.3.2:$PORT\"" "$punch" "$tun")"
  for n in a b; do
    start_in "$n" "$n" dotnet "$dll" --config "$(write_config "$n" "\"udp://10.213.3.2:$PORT\"" "$punch" "$tun")"
  done
}

cmd_nebula() {
  local n ip
  [[ -r $STATE/nats ]] || die "no nat lab is up (run: nat-lab.sh up cone cone)"
  command -v nebula >/dev/null || die "nebula is not installed (apt-get install -y nebula)"
  mkdir -p "$STATE/nebula"
  (cd "$STATE/nebula" && [[ -e ca.crt ]] || nebula-cert ca -name natlab -out-crt ca.crt -out-key ca.key)
  for n in p a b; do
    case $n in p) ip=10.230.0.1;; a) ip=10.230.0.2;; b) ip=10.230.0.3;; esac
    (cd "$STATE/nebula" && [[ -e $n.crt ]] || nebula-cert sign -ca-crt ca.crt -ca-key ca.key -name "$n" -ip "$ip/24" -out-crt "$n.crt" -out-key "$n.key")
    cat >"$STATE/nebula/$n.yml" <<YAML
pki: { ca: $STATE/nebula/ca.crt, cert: $STATE/nebula/$n.crt, key: $STATE/nebula/$n.key }
static_host_map: { "10.230.0.1": ["10.213.3.2:$NEBULA_PORT"] }
lighthouse:
  am_lighthouse: $([[ $n == p ]] && echo true || echo false)
  interval: 10
  hosts: [$([[ $n == p ]] || echo '"10.230.0.1"')]
listen: { host: 0.0.0.0, port: $NEBULA_PORT }
punchy: { punch: true, respond: true }
relay: { am_relay: $([[ $n == p ]] && echo true || echo false), use_relays: true, relays: [$([[ $n == p ]] || echo '"10.230.0.1"')] }
tun: { dev: nebula1, mtu: 1300 }
logging: { level: info }
firewall:
  outbound: [{ port: any, proto: any, host: any }]
  inbound: [{ port: any, proto: any, host: any }]
YAML
    start_in "$n" "nebula-$n" nebula -config "$STATE/nebula/$n.yml"
  done
}

cmd_kill() {
  local n=${1:?usage: nat-lab.sh kill p|q|a|b} f pid
  [[ $n =~ ^(p|q|a|b)$ ]] || die "kill takes p, q, a or b"
  f="$STATE/pids/$n.pid"
  [[ -r $f ]] || die "node $n is not running"
  pid=$(cat "$f")
  rm -f "$f"
  [[ $pid =~ ^[0-9]+$ ]] && pid_in_our_ns "$pid" && kill_pids "$pid"
  log "stopped node $n"
}

cmd_flush() {
  local r=${1:?usage: nat-lab.sh flush a|b}
  [[ $r =~ ^(a|b)$ ]] || die "flush takes a or b"
  command -v conntrack >/dev/null || die "conntrack is not installed (apt-get install -y conntrack)"
  nsx "r$r" conntrack -F 2>/dev/null
  log "router $r forgot its NAT state"
}

# --- punch matrix -------------------------------------------------------------------------------------------
MATRIX_WAIT_TENTHS=400       # longest wait for a direct path per case, in 0.1 s (40 s: past a 30 s sweep)

count_direct() {  # count packets from router A's public address that router B lets through to B
  nsx rb iptables -I FORWARD 1 -i rb-w -s 10.213.1.2 -m conntrack --ctstate ESTABLISHED -j ACCEPT
}
direct_packets() { nsx rb iptables -L FORWARD 1 -v -x -n | awk 'NR==1 {print $1}'; }
api() { local n=$1; shift; nsx "$n" curl -s --max-time 5 "$@"; }
now_ms() { date +%s%3N; }

# wait_direct START_MS -> ms until the first direct packet, or "none"
wait_direct() {
  local start=$1
  for _ in $(seq "$MATRIX_WAIT_TENTHS"); do
    [[ $(direct_packets) -gt 0 ]] && { echo $(($(now_ms) - start)); return; }
    sleep 0.1
  done
  echo none
}

matrix_meshactors() {  # prints "DIRECT_MS LINK_MS"
  local dll=$1 bkey start direct link=none
  cmd_start --dll "$dll" >/dev/null 2>&1
  for _ in $(seq 900); do
    # the node's own key is the first one in its answer (the NAT section names its neighbours' keys after it)
    bkey=$(api b http://127.0.0.1:8989/api/v1/admin | grep -o '"publicKey":"[0-9a-f]*"' | head -1 | cut -d'"' -f4)
    [[ -n $bkey ]] && api a http://127.0.0.1:8989/api/v1/admin/routes/selected | grep -q "\"originator\":\"$bkey\"" && break
    sleep 0.1
  done
  [[ -n $bkey ]] || die "MeshActors nodes did not come up"
  start=$(now_ms)
  api a -X POST -H 'content-type: application/json' -d "{\"dst\":{\"pk\":\"$bkey\"},\"payload\":\"aGk=\"}" http://127.0.0.1:8989/api/v1/messages >/dev/null
  direct=$(wait_direct "$start")
  for _ in $(seq "$MATRIX_WAIT_TENTHS"); do
    if api a http://127.0.0.1:8989/api/v1/admin/peers | grep -q "\"publicKey\":\"$bkey\",\"state\":\"up\""; then link=$(($(now_ms) - start)); break; fi
    sleep 0.05
  done
  cmd_stop >/dev/null 2>&1
  echo "$direct $link"
}

matrix_nebula() {  # prints "DIRECT_MS REPLIES"
  local start direct replies
  cmd_nebula >/dev/null 2>&1
  for n in a b; do
    for _ in $(seq 300); do nsx "$n" ping -c1 -W1 10.230.0.1 >/dev/null 2>&1 && break; sleep 0.1; done
  done
  nsx rb iptables -Z FORWARD
  start=$(now_ms)
  nsx a ping -i 0.1 -c 400 -W1 10.230.0.3 >"$STATE/logs/nebula-ping.log" 2>&1 &
  local ping=$!
  direct=$(wait_direct "$start")
  kill "$ping" 2>/dev/null || true; wait "$ping" 2>/dev/null || true
  replies=$(grep -c 'bytes from' "$STATE/logs/nebula-ping.log" || true)
  cmd_stop >/dev/null 2>&1
  echo "$direct $replies"
}

cmd_matrix() {
  local dll=${MESHACTORS_DLL:-} na nb m n
  while [[ $# -gt 0 ]]; do
    case $1 in --dll) dll=${2:?--dll needs a path}; shift 2;; *) die "unknown matrix option $1";; esac
  done
  dll=${dll:-$(default_dll)}
  command -v curl >/dev/null || die "curl is not installed"
  printf '%-20s %-26s %-26s %s\n' "A - B" "MeshActors direct path ms" "MeshActors link up ms" "nebula direct path ms (pings answered of the first ~40 s)"
  for na in cone symmetric; do
    for nb in cone symmetric; do
      cmd_up "$na" "$nb" >/dev/null 2>&1
      count_direct
      read -r m ml <<<"$(matrix_meshactors "$dll")"
      cmd_up "$na" "$nb" >/dev/null 2>&1
      count_direct
      read -r n nr <<<"$(matrix_nebula)"
      printf '%-20s %-26s %-26s %s\n' "$na - $nb" "$m" "$ml" "$n ($nr)"
    done
  done
  cmd_down >/dev/null 2>&1
}

cmd=${1:-}; shift || true
[[ $cmd == help ]] && { usage; exit 0; }
[[ $EUID -eq 0 ]] || die "must run as root"
case $cmd in
  up)     cmd_up "$@";;
  start)  cmd_start "$@";;
  nebula) cmd_nebula;;
  stop)   cmd_stop;;
  kill)   cmd_kill "$@";;
  flush)  cmd_flush "$@";;
  down)   cmd_down;;
  exec)   n=${1:?usage: nat-lab.sh exec NODE CMD...}; shift; nsx "$n" "$@";;
  matrix) cmd_matrix "$@";;
  *)      [[ -n $cmd ]] && log "unknown command '$cmd'"; usage; exit 2;;
esac
