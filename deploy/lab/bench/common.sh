#!/usr/bin/env bash
# Shared by every bench anchor script (source it; do not run it). The bench lab:
#   namespaces  $BENCH_PFX-A, -B (pair) and -C (line), default prefix "mabench"
#   underlay    A 10.201.1.1/24 ── 10.201.1.2/24 B 10.201.2.2/24 ── 10.201.2.3/24 C
#               B never forwards at the underlay (ip_forward=0) and A, C have connected routes only, so in the line
#               A reaches C only through an overlay (checked when the lab is built)
#   overlay     10.201.100.N/32 for node N (A=1, B=2, C=3), unless an anchor brings its own addresses
# Every process an anchor starts goes through `spawn`, which records its PID; teardown signals only recorded PIDs
# that still live in one of our namespaces, then whatever else runs inside them, then deletes the namespaces.
# Results: one TSV row per measurement in $BENCH_RESULTS (anchor topo run mbit rtt_ms time note), raw iperf3 JSON,
# ping output and daemon logs next to it under raw/.
set -euo pipefail

BENCH_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH_PFX="${BENCH_PFX:-mabench}"
BENCH_STATE="${BENCH_STATE:-/tmp/${BENCH_PFX}-state}"
BENCH_RESULTS="${BENCH_RESULTS:-$BENCH_LIB_DIR/../results/results.tsv}"
IPERF_TIME="${IPERF_TIME:-10}"      # seconds of one iperf3 TCP stream
PING_COUNT="${PING_COUNT:-20}"      # idle pings before the transfer; their median is the RTT figure
PING_INTERVAL="${PING_INTERVAL:-0.2}"
UP_TIMEOUT="${UP_TIMEOUT:-60}"      # seconds an overlay may take to carry its first ping

declare -A UL=([A]=10.201.1.1 [B]=10.201.1.2 [B2]=10.201.2.2 [C]=10.201.2.3)
declare -A OV=([A]=10.201.100.1 [B]=10.201.100.2 [C]=10.201.100.3)

say()  { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
fail() { say "ERROR: $*"; exit 1; }
nsname() { printf '%s-%s' "$BENCH_PFX" "$1"; }
inns() { local node=$1; shift; ip netns exec "$(nsname "$node")" "$@"; }

nodes_of() {
  case $1 in pair) echo "A B";; line) echo "A B C";; *) fail "topology must be pair or line, not '$1'";; esac
}
target_of() {   # the node A measures against
  case $1 in pair) echo B;; line) echo C;; *) fail "topology must be pair or line, not '$1'";; esac
}

# spawn NODE TAG CMD... : CMD in NODE's namespace, in the background, output to logs/TAG.log, PID to pids/TAG.pid
spawn() {
  local node=$1 tag=$2; shift 2
  mkdir -p "$BENCH_STATE/pids" "$BENCH_STATE/logs"
  ip netns exec "$(nsname "$node")" "$@" </dev/null >"$BENCH_STATE/logs/$tag.log" 2>&1 &
  echo $! >"$BENCH_STATE/pids/$tag.pid"
  say "$tag: pid $! in $(nsname "$node")"
}
pid_of_tag() { cat "$BENCH_STATE/pids/$1.pid"; }

our_namespaces() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${BENCH_PFX}-[A-Z]$" || true; }

# true when PID's network namespace is one of ours: a recorded PID reused by an unrelated process is left alone
lives_in_our_namespace() {
  local pid=$1 inode n
  inode=$(stat -L -c %i "/proc/$pid/ns/net" 2>/dev/null) || return 1
  for n in $(our_namespaces); do
    [[ $(stat -L -c %i "/run/netns/$n" 2>/dev/null) == "$inode" ]] && return 0
  done
  return 1
}

# stop_pids PID... : TERM, up to 3 s of grace (30 × 0.1 s), then KILL
stop_pids() {
  (($#)) || return 0
  kill -TERM "$@" 2>/dev/null || true
  local tries pid alive
  for tries in $(seq 30); do
    alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || return 0
    sleep 0.1
  done
  kill -KILL "$@" 2>/dev/null || true
}

teardown() {
  local file pid n recorded=()
  if [[ -n ${BENCH_KEEP_LOGS:-} && -d $BENCH_STATE/logs ]]; then
    mkdir -p "$BENCH_KEEP_LOGS" && cp -r "$BENCH_STATE/logs/." "$BENCH_KEEP_LOGS/" 2>/dev/null || true
  fi
  for file in "$BENCH_STATE"/pids/*.pid; do
    [[ -e $file ]] || continue
    pid=$(<"$file")
    [[ $pid =~ ^[0-9]+$ ]] && lives_in_our_namespace "$pid" && recorded+=("$pid")
  done
  stop_pids "${recorded[@]}"
  for n in $(our_namespaces); do
    # children the daemons started themselves (scripts run by tinc, …)
    mapfile -t recorded < <(ip netns pids "$n" 2>/dev/null || true)
    stop_pids "${recorded[@]}"
    ip netns del "$n" 2>/dev/null || true
  done
  rm -f /var/run/wireguard/"${BENCH_PFX}"wg?.sock 2>/dev/null || true
  rm -rf "$BENCH_STATE"
}

build_lab() {
  local topo=$1 n
  teardown
  mkdir -p "$BENCH_STATE/pids" "$BENCH_STATE/logs"
  for n in $(nodes_of "$topo"); do
    ip netns add "$(nsname "$n")"
    inns "$n" ip link set lo up
    inns "$n" sysctl -qw net.ipv4.ip_forward=0
  done
  ip link add ab netns "$(nsname A)" type veth peer name ba netns "$(nsname B)"
  inns A ip addr add "${UL[A]}/24" dev ab && inns A ip link set ab up
  inns B ip addr add "${UL[B]}/24" dev ba && inns B ip link set ba up
  inns A ping -c1 -W2 "${UL[B]}" >/dev/null || fail "underlay A—B does not carry a ping"
  if [[ $topo == line ]]; then
    ip link add bc netns "$(nsname B)" type veth peer name cb netns "$(nsname C)"
    inns B ip addr add "${UL[B2]}/24" dev bc && inns B ip link set bc up
    inns C ip addr add "${UL[C]}/24" dev cb && inns C ip link set cb up
    inns C ping -c1 -W2 "${UL[B2]}" >/dev/null || fail "underlay B—C does not carry a ping"
    ! inns A ping -c1 -W1 "${UL[C]}" >/dev/null 2>&1 || fail "A reaches C at the underlay: the line is not isolated"
  fi
  say "lab $topo built: $(our_namespaces | tr '\n' ' ')"
}

# begin ANCHOR TOPO RUN : every anchor script's first step; sets ANCHOR TOPO RUN, builds the lab, cleans up on exit
begin() {
  ANCHOR=$1 TOPO=$2 RUN=$3
  [[ $EUID -eq 0 ]] || fail "run as root (namespaces, veth, TUN)"
  nodes_of "$TOPO" >/dev/null
  BENCH_KEEP_LOGS="$(dirname "$BENCH_RESULTS")/raw/logs-$ANCHOR-$TOPO-run$RUN"
  trap teardown EXIT
  trap 'exit 130' INT TERM
  build_lab "$TOPO"
}

# await_ping NODE ADDRESS [SECONDS] : true once one ping from NODE to ADDRESS is answered
await_ping() {
  local node=$1 address=$2 limit=${3:-$UP_TIMEOUT} started=$SECONDS
  until inns "$node" ping -c1 -W1 "$address" >/dev/null 2>&1; do
    (( SECONDS - started < limit )) || { say "$node cannot reach $address after $limit s"; return 1; }
    sleep 0.5
  done
  say "$node reaches $address after $((SECONDS - started)) s"
}

# CPU time of a process, all threads, in clock ticks (utime + stime of /proc/PID/stat)
cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  stat=${stat##*) }                       # fields after the command name, which may hold spaces
  awk '{print $12 + $13}' <<<"$stat"
}

median() { sort -n | awk '{v[NR] = $1} END {if (NR == 0) print "NA"; else if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

result_row() {   # result_row MBIT RTT NOTE
  mkdir -p "$(dirname "$BENCH_RESULTS")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ANCHOR" "$TOPO" "$RUN" "$1" "$2" "$(date +%FT%T)" "$3" | tee -a "$BENCH_RESULTS"
}
failed_row() { result_row FAIL FAIL "$1"; }

# measure TARGET_NODE ADDRESS "TAG..." : idle pings from A, then one iperf3 TCP stream A → ADDRESS for IPERF_TIME s;
# the row notes each tagged daemon's CPU use during the transfer in % of one core
measure() {
  local target=$1 address=$2 tags=$3 raw pings rtt loss json tag started elapsed mbit note hz
  raw="$(dirname "$BENCH_RESULTS")/raw"; mkdir -p "$raw"
  hz=$(getconf CLK_TCK)
  pings=$(inns A ping -n -c "$PING_COUNT" -i "$PING_INTERVAL" "$address" 2>&1 || true)
  echo "$pings" >"$raw/ping-$ANCHOR-$TOPO-run$RUN.txt"
  rtt=$(grep -o 'time=[0-9.]*' <<<"$pings" | cut -d= -f2 | median || true)
  loss=$(grep -o '[0-9.]*% packet loss' <<<"$pings" | cut -d% -f1 || true)

  spawn "$target" iperf3-server iperf3 --server --one-off
  local waited
  for waited in $(seq 50); do inns "$target" ss -ltn 2>/dev/null | grep -q ':5201 ' && break; sleep 0.1; done
  declare -A before
  for tag in $tags; do before[$tag]=$(cpu_ticks "$(pid_of_tag "$tag")"); done
  # an anchor that counts something over the transfer alone (GC collections) defines before_transfer
  if declare -F before_transfer >/dev/null; then before_transfer; fi
  started=$EPOCHREALTIME
  json=$(inns A iperf3 --client "$address" --time "$IPERF_TIME" --json 2>&1 || true)
  elapsed=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN {print b - a}')
  echo "$json" >"$raw/iperf-$ANCHOR-$TOPO-run$RUN.json"
  mbit=$(jq -r '.end.sum_received.bits_per_second // empty | . / 1e5 | round / 10' <<<"$json" 2>/dev/null || true)
  [[ -n $mbit ]] || { mbit=NA; say "iperf3 gave no result: $(head -c 300 <<<"$json")"; }
  note=""
  for tag in $tags; do
    note+="$tag=$(awk -v d=$(( $(cpu_ticks "$(pid_of_tag "$tag")") - ${before[$tag]} )) -v hz="$hz" -v t="$elapsed" 'BEGIN {printf "%.0f", 100 * d / hz / t}')% "
  done
  note+="(daemon %core); retransmits=$(jq -r '.end.sum_sent.retransmits // "NA"' <<<"$json" 2>/dev/null || echo NA); ping loss=${loss:-NA}%"
  stop_pids "$(pid_of_tag iperf3-server)"
  result_row "$mbit" "$rtt" "$note"
}

# print_ratios FILE : per run and topology, the line and pair throughput of each meshactors* row against wireguard-go
# and yggdrasil of the same run (the issue's marks: default config over UDP ≥ 6× wireguard-go, over TCP ≥ 3× yggdrasil)
print_ratios() {
  awk -F'\t' '$4 != "FAIL" { v[$1 SUBSEP $2 SUBSEP $3] = $4; a[$1] = 1; t[$2] = 1; r[$3] = 1 }
    END {
      for (x in a) if (x ~ /^meshactors/) for (p in t) for (n in r) {
        k = x SUBSEP p SUBSEP n; if (!(k in v)) continue
        w = "wireguard-go" SUBSEP p SUBSEP n; y = "yggdrasil" SUBSEP p SUBSEP n
        printf "%-30s %-4s run %s  %8.1f Mbit/s  %5s x wireguard-go  %5s x yggdrasil\n", x, p, n, v[k],
          (w in v && v[w] > 0) ? sprintf("%.1f", v[k] / v[w]) : "-", (y in v && v[y] > 0) ? sprintf("%.1f", v[k] / v[y]) : "-"
      }
    }' "$1" | sort
}

# print_table FILE : the rows sorted, then per anchor and topology the range over runs
print_table() {
  local file=$1
  { printf 'anchor\ttopology\trun\tMbit/s\tRTT ms\tnote\n'
    sort -t$'\t' -k1,1 -k2,2r -k3,3n "$file" | cut -f1-5,7
  } | column -t -s $'\t'
  echo
  awk -F'\t' '$4 != "FAIL" {
      k = $1 " " $2; runs[k]++
      if (!(k in lo) || $4 + 0 < lo[k]) lo[k] = $4; if ($4 + 0 > hi[k]) hi[k] = $4
      if (!(k in rlo) || $5 + 0 < rlo[k]) rlo[k] = $5; if ($5 + 0 > rhi[k]) rhi[k] = $5 }
    END { for (k in runs) printf "%-24s %d runs  %s–%s Mbit/s  RTT %s–%s ms\n", k, runs[k], lo[k], hi[k], rlo[k], rhi[k] }' "$file" | sort
}
