# The lab network for several nodes (sourced by node.sh): a network namespace that belongs to
# the lab, held by one process (`sleep infinity` renamed mkl-net-NAME, started by `unshare
# --net`), holding a bridge br-NAME with the gateway address (172.31.1.1/24 by default). Each
# node's eth0 is a veth whose peer v-NODE sits on that bridge. The namespace has no link to
# the host and no forwarding: packets to anything outside the /24 die in it. Nothing is
# created in the host's network namespace, nothing under /run/netns (no `ip netns add`): the
# namespace lives exactly as long as its holder process, and `net_down` kills that by pid.
#   LAB_NET         name of the network (lowercase letters, digits, '-', at most 12 chars)
#   LAB_NET_GW      the bridge's (gateway) address (172.31.1.1); LAB_NET_PREFIX (24)
# State: $LAB_STATE_ROOT/_net-NAME/{pid,gw,prefix}; a node on it records the name in $STATE/net.
LAB_STATE_ROOT=${LAB_STATE_ROOT:-/var/lib/mini-kubeadm-lab}
LAB_NET_GW=${LAB_NET_GW:-172.31.1.1}
LAB_NET_PREFIX=${LAB_NET_PREFIX:-24}

net_check_name() {
  [[ $1 =~ ^[a-z0-9][a-z0-9-]{0,11}$ ]] || die "LAB_NET '$1': use lowercase letters, digits and '-', at most 12 characters (e.g. mkl-net)"
}
net_dir() { echo "$LAB_STATE_ROOT/_net-$1"; }
net_link_of() { echo "v-${1:0:13}"; }   # the bridge-side end of a node's veth (IFNAMSIZ 15)

net_pid() { # NAME: host pid of the holder, if it runs
  local p; p=$(cat "$(net_dir "$1")/pid" 2>/dev/null) || return 1
  [[ -n $p && -r /proc/$p/cmdline ]] || return 1
  [[ $(tr '\0' ' ' < "/proc/$p/cmdline") == "mkl-net-$1 infinity " ]] || return 1
  [[ $(readlink "/proc/$p/ns/net") != "$(readlink /proc/1/ns/net)" ]] || return 1
  echo "$p"
}
net_nx() { local p; p=$(net_pid "$1") || die "lab network $1 is not up"; shift; nsenter -t "$p" -n -- "$@"; }

# net_up NAME: create the network unless it runs (serialised with flock: nodes may come up in parallel)
net_up() {
  local name=$1 d p i
  net_check_name "$name"; d=$(net_dir "$name")
  mkdir -p "$LAB_STATE_ROOT"
  exec {lk}<"$LAB_STATE_ROOT"; flock "$lk"
  if p=$(net_pid "$name"); then exec {lk}<&-; echo "$p"; return 0; fi
  rm -rf "$d"; mkdir -p "$d"
  echo "$LAB_NET_GW" > "$d/gw"; echo "$LAB_NET_PREFIX" > "$d/prefix"
  # the holder: a new network namespace whose only process sleeps; its own session, so
  # nothing of the caller's (a terminal, a test's trap) signals it by accident
  # nothing of the caller's: no open descriptor (the lock, a test runner's pipe) is inherited
  setsid unshare --net -- bash -c 'for f in /proc/$$/fd/*; do n=${f##*/}; ((n > 2)) && eval "exec $n>&-"; done 2>/dev/null
      echo $$ > "$1/pid.new"; exec -a "mkl-net-$2" sleep infinity' _ "$d" "$name" </dev/null >/dev/null 2>&1 {lk}<&- &
  for i in $(seq 100); do [[ -s $d/pid.new ]] && break; sleep 0.05; done
  mv "$d/pid.new" "$d/pid" 2>/dev/null || true
  for i in $(seq 100); do p=$(net_pid "$name") && break; sleep 0.05; done
  [[ -n ${p:-} ]] || { exec {lk}<&-; die "lab network $name: holder process did not start"; }
  nsenter -t "$p" -n -- sh -ec '
    ip link set lo up
    ip link add "br-$1" type bridge
    ip addr add "$2/$3" dev "br-$1"
    ip link set "br-$1" up' _ "$name" "$LAB_NET_GW" "$LAB_NET_PREFIX" \
    || { exec {lk}<&-; net_down "$name"; die "lab network $name: bridge setup failed"; }
  exec {lk}<&-
  log "lab network $name up (holder pid $p, bridge br-$name $LAB_NET_GW/$LAB_NET_PREFIX)"
  echo "$p"
}

# net_attach NAME NODE PID: a veth pair made in the lab network; one end goes into the node's
# network namespace (the namespace of host pid PID) as eth0, the other joins the bridge
net_attach() {
  local name=$1 node=$2 pid=$3 v; v=$(net_link_of "$node")
  net_nx "$name" ip link del "$v" 2>/dev/null || true   # a stale one from a node killed before
  net_nx "$name" ip link add "$v" type veth peer name "p-${node:0:13}"
  net_nx "$name" ip link set "p-${node:0:13}" netns "$pid" name eth0
  net_nx "$name" ip link set "$v" master "br-$name" up
}

# the IP address a running node on NAME already uses (NODE IP), "" when it is free
net_ip_taken_by() {
  local name=$1 ip=$2 s n
  for s in "$LAB_STATE_ROOT"/*/net; do
    [[ -f $s && $(cat "$s") == "$name" ]] || continue
    n=$(basename "$(dirname "$s")")
    [[ $(cat "$(dirname "$s")/ip" 2>/dev/null) == "$ip" ]] || continue
    local p; p=$(cat "$(dirname "$s")/pid1" 2>/dev/null) || continue
    [[ -n $p && -d /proc/$p ]] && { echo "$n"; return 0; }
  done
  return 0
}
# nodes whose state says they are on NAME and whose PID 1 runs (except $2)
net_nodes() {
  local name=$1 skip=${2:-} s n p
  for s in "$LAB_STATE_ROOT"/*/net; do
    [[ -f $s && $(cat "$s") == "$name" ]] || continue
    n=$(basename "$(dirname "$s")"); [[ $n == "$skip" ]] && continue
    p=$(cat "$(dirname "$s")/pid1" 2>/dev/null) || continue
    [[ -n $p && -d /proc/$p ]] && echo "$n"
  done
  return 0
}

# net_down NAME: kill the holder (by pid); the namespace, its bridge and every veth end in it go
net_down() {
  local name=$1 d p i; d=$(net_dir "$name")
  if p=$(net_pid "$name"); then
    kill -KILL "$p" 2>/dev/null || true
    for i in $(seq 100); do [[ -d /proc/$p ]] || break; sleep 0.05; done
    [[ -d /proc/$p ]] && log "warning: lab network $name holder $p still runs"
  fi
  rm -rf "$d"
  rmdir "$LAB_STATE_ROOT" 2>/dev/null || true
  log "lab network $name down"
}

net_status() {
  local name=$1 p
  if ! p=$(net_pid "$name"); then echo "lab network $name: down"; return 3; fi
  echo "lab network $name: up, holder pid $p, netns $(readlink "/proc/$p/ns/net")"
  nsenter -t "$p" -n -- ip -br addr
  echo "nodes: $(net_nodes "$name" | tr '\n' ' ')"
}
