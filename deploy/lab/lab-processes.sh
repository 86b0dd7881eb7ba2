# Process bookkeeping shared by lab.sh and nat-lab.sh (sourced, not run): nodes are recorded in PID files under
# $STATE/pids, and only PIDs still inside one of the caller's namespaces (its our_namespaces) are ever signalled.
# The caller defines STATE, STOP_WAIT_TENTHS (how long stop waits after SIGTERM, in 0.1 s), log and our_namespaces.

pid_in_our_ns() {
  local pid=$1 ino n
  [[ -e /proc/$pid/ns/net ]] || return 1
  ino=$(stat -L -c %i "/proc/$pid/ns/net" 2>/dev/null) || return 1
  for n in $(our_namespaces); do
    [[ "$(stat -L -c %i "/run/netns/$n" 2>/dev/null)" == "$ino" ]] && return 0
  done
  return 1
}

kill_pids() {  # TERM, wait, then KILL
  local p left
  (($#)) || return 0
  kill -TERM "$@" 2>/dev/null || true
  for _ in $(seq "$STOP_WAIT_TENTHS"); do
    left=0; for p in "$@"; do kill -0 "$p" 2>/dev/null && left=1; done
    ((left)) || return 0; sleep 0.1
  done
  kill -KILL "$@" 2>/dev/null || true
}

cmd_stop() {
  local f pid pids=()
  [[ -d $STATE/pids ]] || return 0
  for f in "$STATE"/pids/*.pid; do
    [[ -e $f ]] || continue
    pid=$(cat "$f")
    [[ $pid =~ ^[0-9]+$ ]] && pid_in_our_ns "$pid" && pids+=("$pid")
    rm -f "$f"
  done
  kill_pids "${pids[@]}"
  ((${#pids[@]})) && log "stopped ${#pids[@]} node(s)"
  return 0
}
