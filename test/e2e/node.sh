#!/usr/bin/env bash
# A throwaway Kubernetes node made of Linux namespaces on this machine.
#   node.sh up [--no-images]     create the node (binaries, images imported, kubelet enabled)
#   node.sh exec [-e K=V] -- CMD run CMD inside the node as root (its PATH, HOME=/root)
#   node.sh status               show whether the node runs, its pid, its units
#   node.sh logs [UNIT]          print kubelet/containerd/init logs
#   node.sh down                 kill everything in the node, remove its state (and the lab
#                                network it was on, when it was the last node there)
#   node.sh net up|down|status   the lab network LAB_NET by hand (lib/labnet.sh)
# Env: LAB_NODE (node-a), LAB_NODE_IP (172.31.0.2), LAB_STATE_ROOT (/var/lib/mini-kubeadm-lab),
#      LAB_CACHE (~/.cache/mini-kubeadm-lab), LAB_KEEP_STATE=1 keeps the state dir on down,
#      LAB_NET=NAME puts the node on the shared lab network NAME (made at the first `up`):
#      eth0 on its bridge, gateway LAB_NET_GW (172.31.1.1); unset: an isolated node.
set -euo pipefail
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lab-versions.env
. "$E2E_DIR/lab-versions.env"
LAB_CACHE=${LAB_CACHE:-$HOME/.cache/mini-kubeadm-lab}
NODE=${LAB_NODE:-node-a}
NODE_IP=${LAB_NODE_IP:-172.31.0.2}
LAB_NET=${LAB_NET:-}
NODE_PREFIX=24
if [[ -n $LAB_NET ]]; then NODE_GW=${LAB_NODE_GW:-${LAB_NET_GW:-172.31.1.1}}; NODE_PREFIX=${LAB_NET_PREFIX:-24}
else NODE_GW=${LAB_NODE_GW:-${NODE_IP%.*}.1}; fi
STATE=${LAB_STATE_ROOT:-/var/lib/mini-kubeadm-lab}/$NODE
NODE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
log() { echo "[node $NODE $(date +%T)] $*" >&2; }
die() { echo "node.sh: $*" >&2; exit 1; }
# shellcheck source=lib/labnet.sh
. "$E2E_DIR/lib/labnet.sh"

pid1() { # host pid of the node's PID 1, if it runs
  local p; p=$(cat "$STATE/pid1" 2>/dev/null) || return 1
  [[ -n $p && -d /proc/$p ]] && [[ $(readlink "/proc/$p/ns/pid") != "$(readlink /proc/self/ns/pid)" ]] || return 1
  echo "$p"
}

# cgroup hierarchies of this process: "mountpoint fstype superopts ownpath" per line
cgroup_hierarchies() {
  local line ctrl path mp fstype opts
  while IFS= read -r line; do
    line=${line#*:}; ctrl=${line%%:*}; path=${line#*:}
    if [[ -z $ctrl ]]; then
      read -r mp fstype opts < <(awk '$0 ~ / - cgroup2 / {split($0,a," - "); split(a[2],b," "); print $5, "cgroup2", ""}' /proc/self/mountinfo | head -1)
    else
      read -r mp fstype opts < <(awk -v c="$ctrl" '$0 ~ / - cgroup / {split($0,a," - "); split(a[2],b," "); n=split(b[3],o,","); s=""; for(i=1;i<=n;i++) if(o[i]!="rw" && o[i]!="ro") s=s (s==""?"":",") o[i]; if (s==c) print $5, "cgroup", s}' /proc/self/mountinfo | head -1)
    fi
    [[ -n ${mp:-} ]] && echo "$mp $fstype ${opts:-none} $path"
    mp=""
  done < /proc/self/cgroup
}

join_node_cgroup() { # move the calling process ($1) into the node's cgroups
  local c; while read -r c; do echo "$1" > "$c/cgroup.procs" 2>/dev/null || true; done < "$STATE/cgroups"
}

prepare_state() {
  local k8s=$LAB_CACHE/kubernetes@$K8S_VERSION/bin f
  [[ -x $k8s/kubelet && -x $LAB_CACHE/crictl@$CRICTL_VERSION/bin/crictl ]] || die "binaries missing in $LAB_CACHE: run bash test/e2e/lib/build.sh"
  mkdir -p "$STATE"/{etc/upper,etc/work,usr/upper,usr/work,var-lib,var-log,opt/cni/bin,root,sysctl}
  # binaries, as a user installs them (kubeadm docs, "without a package manager")
  install -d "$STATE/usr/upper/local/bin" "$STATE/usr/upper/local/sbin" "$STATE/usr/upper/local/lib/mini-kubeadm-lab" "$STATE/usr/upper/lib/modules"
  for f in kubelet kubeadm kubectl; do cp "$k8s/$f" "$STATE/usr/upper/local/bin/"; done
  cp "$LAB_CACHE/crictl@$CRICTL_VERSION/bin/crictl" "$STATE/usr/upper/local/bin/"
  install -m 0755 "$E2E_DIR/node/systemctl" "$E2E_DIR/node/journalctl" "$E2E_DIR/node/mkl-supervise" "$STATE/usr/upper/local/sbin/"
  install -m 0644 "$E2E_DIR/node/mkl-unit.sh" "$STATE/usr/upper/local/lib/mini-kubeadm-lab/"
  install -m 0755 "$E2E_DIR/node/init.sh" "$STATE/init.sh"
  # /etc of the node
  local e=$STATE/etc/upper
  echo "$NODE" > "$e/hostname"
  printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n%s %s\n' "$NODE_IP" "$NODE" > "$e/hosts"
  # a LAN resolver that does not exist: queries die inside the node
  printf 'nameserver %s\n' "$NODE_GW" > "$e/resolv.conf"
  head -c16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$e/machine-id"; echo >> "$e/machine-id"
  install -d "$e/containerd" "$e/systemd/system/kubelet.service.d" "$e/kubernetes/manifests" "$e/cni/net.d"
  sed "s|@PAUSE_IMAGE@|$IMG_REGISTRY/pause:$PAUSE_TAG|" "$E2E_DIR/node/containerd-config.toml" > "$e/containerd/config.toml"
  cp "$E2E_DIR/node/kubelet.service" "$e/systemd/system/"
  cp "$E2E_DIR/node/10-kubeadm.conf" "$e/systemd/system/kubelet.service.d/"
  printf 'runtime-endpoint: unix:///run/containerd/containerd.sock\nimage-endpoint: unix:///run/containerd/containerd.sock\n' > "$e/crictl.yaml"
  # CNI plugins as the kubernetes-cni package puts them (Debian's containernetworking-plugins)
  cp -a /usr/lib/cni/. "$STATE/opt/cni/bin/"
  install -d -m 0700 "$STATE/var-lib/kubelet"
  # values the kubelet's setupKernelTunables wants, so it leaves the shared kernel alone
  printf '1\n' > "$STATE/sysctl/vm.overcommit_memory"; printf '0\n' > "$STATE/sysctl/vm.panic_on_oom"
  printf '10\n' > "$STATE/sysctl/kernel.panic"; printf '1\n' > "$STATE/sysctl/kernel.panic_on_oops"
  printf '1000000\n' > "$STATE/sysctl/kernel.keys.root_maxkeys"; printf '25000000\n' > "$STATE/sysctl/kernel.keys.root_maxbytes"
}

prepare_cgroups() {
  : > "$STATE/cgroups"; : > "$STATE/cgroup-mounts"
  local mp fstype opts path dir
  while read -r mp fstype opts path; do
    dir=$mp${path%/}/mini-kubeadm-lab-$NODE
    mkdir -p "$dir"
    if [[ -f $dir/cpuset.cpus ]]; then
      cat "$(dirname "$dir")/cpuset.cpus" > "$dir/cpuset.cpus"; cat "$(dirname "$dir")/cpuset.mems" > "$dir/cpuset.mems"
    fi
    echo "$dir" >> "$STATE/cgroups"
    if [[ $fstype == cgroup2 ]]; then echo "$mp cgroup2 rw" >> "$STATE/cgroup-mounts"
    else echo "$mp cgroup $opts" >> "$STATE/cgroup-mounts"; fi
  done < <(cgroup_hierarchies)
}

# A containerd root with every lab image imported, saved once per image set: a new node
# gets it as hard links (instant) instead of importing ~600 MB of images again. Only
# immutable files are linked: content blobs and committed snapshot layers (overlay lower
# dirs, never written); the bolt databases are real copies.
seed_containerd() {
  local g=$1 dst=$STATE/var-lib/containerd f
  mkdir -p "$dst"
  cp -al "$g/root/." "$dst/" 2>/dev/null || cp -a "$g/root/." "$dst/"   # another filesystem: copy
  while IFS= read -r f; do rm -f "$dst/$f"; cp -p "$g/root/$f" "$dst/$f"; done < <(cd "$g/root" && find . -name '*.db')
}
save_containerd_seed() {
  local g=$1 p
  ( cmd_exec -- systemctl stop containerd )
  rm -rf "$g.partial"; mkdir -p "$g.partial"
  cp -a "$STATE/var-lib/containerd" "$g.partial/root"
  rm -rf "$g.partial/root/tmpmounts" "$g.partial/root/io.containerd.grpc.v1.cri/sandboxes" "$g.partial/root/io.containerd.grpc.v1.cri/containers"
  date -u +%FT%TZ > "$g.partial/.done"
  rm -rf "$g"; mv "$g.partial" "$g"
  for p in "$LAB_CACHE"/containerd-root@*; do [[ $p == "$g" ]] || rm -rf "$p"; done   # seeds of older image sets
  ( cmd_exec -- systemctl start containerd )
  for p in $(seq 100); do ( cmd_exec -- ctr version ) >/dev/null 2>&1 && return 0; sleep 0.1; done
  die "containerd did not come back after saving the image seed"
}

cmd_up() {
  local import=1; [[ ${1:-} == --no-images ]] && import=0
  if pid1 >/dev/null; then die "node $NODE already runs (pid $(pid1)); run: node.sh down"; fi
  [[ -e $STATE ]] && cmd_down
  local t0=$SECONDS images="" golden="" seeded="" other
  if [[ -n $LAB_NET ]]; then
    net_check_name "$LAB_NET"
    other=$(net_ip_taken_by "$LAB_NET" "$NODE_IP"); [[ -z $other ]] || die "$NODE_IP is node $other's address on lab network $LAB_NET: give LAB_NODE_IP another"
    net_up "$LAB_NET" >/dev/null
  fi
  if ((import)); then
    images=$(bash "$E2E_DIR/lib/images.sh")
    golden=$LAB_CACHE/containerd-root@${images##*@}-$(dpkg-query -W -f='${Version}' containerd | tr '~:+' '___')
  fi
  prepare_state
  prepare_cgroups
  if [[ -n $LAB_NET ]]; then echo "$LAB_NET" > "$STATE/net"; fi
  echo "$NODE_IP" > "$STATE/ip"
  if [[ -f $golden/.done ]]; then seed_containerd "$golden"; seeded=$golden; fi
  # PID 1 of the node; the wrapper joins the node's cgroups first, so the cgroup
  # namespace created by unshare is rooted there
  MKL_STATE=$STATE MKL_NODE=$NODE MKL_IP=$NODE_IP MKL_GW=$NODE_GW MKL_PREFIX=$NODE_PREFIX MKL_NET=$LAB_NET \
    setsid bash -c 'while read -r c; do echo $$ > "$c/cgroup.procs"; done < "$1/cgroups"
                    exec unshare --pid --fork --mount --net --uts --ipc --cgroup --propagation private --mount-proc \
                         env -i PATH='"$NODE_PATH"' MKL_STATE="$MKL_STATE" MKL_NODE="$MKL_NODE" MKL_IP="$MKL_IP" MKL_GW="$MKL_GW" MKL_PREFIX="$MKL_PREFIX" MKL_NET="$MKL_NET" \
                         /bin/bash "$1/init.sh"' _ "$STATE" </dev/null >>"$STATE/init.log" 2>&1 &
  local up=$! p="" i
  echo "$up" > "$STATE/unshare.pid"
  for i in $(seq 100); do p=$(cat "/proc/$up/task/$up/children" 2>/dev/null | awk '{print $1}'); [[ -n $p ]] && break; sleep 0.05; done
  [[ -n $p ]] || { cat "$STATE/init.log" >&2; die "node PID 1 did not start"; }
  echo "$p" > "$STATE/pid1"
  # on the lab network, eth0 comes from outside: init.sh waits for it
  if [[ -n $LAB_NET ]]; then net_attach "$LAB_NET" "$NODE" "$p" || { cmd_down; die "could not attach $NODE to lab network $LAB_NET"; }; fi
  for i in $(seq 300); do [[ -e /proc/$p/root/run/mkl/ready ]] && break; [[ -d /proc/$p ]] || break; sleep 0.1; done
  [[ -e /proc/$p/root/run/mkl/ready ]] || { cat "$STATE/init.log" >&2; die "node did not become ready (log above)"; }
  log "node up (pid $p, ip $NODE_IP${LAB_NET:+ on lab network $LAB_NET}) in $((SECONDS - t0))s"
  ((import)) || return 0
  if [[ -n $seeded ]]; then log "images from $seeded; node ready in $((SECONDS - t0))s"; return 0; fi
  local tar ref
  while read -r ref tar; do
    ( cmd_exec -- ctr -n k8s.io images import - < "$images/$tar" >/dev/null ) \
      || die "import of $ref failed"
  done < "$images/index"
  log "images imported in $((SECONDS - t0))s; saving them as a seed for the next nodes"
  save_containerd_seed "$golden"
  log "node ready in $((SECONDS - t0))s"
}

cmd_exec() {
  local envs=() p
  while (($#)); do case $1 in -e) envs+=("$2"); shift 2 ;; --) shift; break ;; *) break ;; esac; done
  (($#)) || die "usage: node.sh exec [-e K=V] -- CMD..."
  p=$(pid1) || die "node $NODE is not running (node.sh up)"
  join_node_cgroup $$
  exec nsenter -t "$p" -m -u -i -n -p -C -- /usr/bin/env -i PATH="$NODE_PATH" HOME=/root USER=root LANG=C.UTF-8 \
    TERM="${TERM:-dumb}" "${envs[@]}" /bin/sh -c 'cd "$0" 2>/dev/null || cd /root; exec "$@"' "$PWD" "$@"
}

cmd_status() {
  local p; if ! p=$(pid1); then echo "node $NODE: down"; return 3; fi
  echo "node $NODE: up, pid $p, ip $(cat "$STATE/ip" 2>/dev/null || echo "$NODE_IP"), state $STATE$([[ -f $STATE/net ]] && echo ", lab network $(cat "$STATE/net")")"
  local u; for u in containerd kubelet; do
    printf '  %-10s %s (pid %s)\n' "$u" "$(cat "/proc/$p/root/run/mkl/units/$u/state" 2>/dev/null)" "$(cat "/proc/$p/root/run/mkl/units/$u/pid" 2>/dev/null || echo -)"
  done
}

cmd_logs() {
  local u=${1:-}
  if [[ -z $u ]]; then for u in init containerd kubelet; do echo "==== $u"; cmd_logs "$u" | tail -n 40; done; return; fi
  if [[ $u == init ]]; then cat "$STATE/init.log" 2>/dev/null; else cat "$STATE/var-log/$u.log" 2>/dev/null; fi
}

cmd_down() {
  local p up i c net
  p=$(cat "$STATE/pid1" 2>/dev/null || true); up=$(cat "$STATE/unshare.pid" 2>/dev/null || true)
  net=$(cat "$STATE/net" 2>/dev/null || true)
  # killing the PID namespace's init kills every process in the node (kubelet,
  # containerd, shims, containers)
  if [[ -n $p && -d /proc/$p ]] && [[ $(readlink "/proc/$p/ns/pid") != "$(readlink /proc/self/ns/pid)" ]]; then
    kill -KILL "$p" 2>/dev/null || true
    for i in $(seq 100); do [[ -d /proc/$p ]] || break; sleep 0.05; done
  fi
  if [[ -n $up && -d /proc/$up && $(cat "/proc/$up/comm" 2>/dev/null) == unshare ]]; then
    kill -KILL "$up" 2>/dev/null || true
  fi
  # anything left in the node's cgroups (e.g. a `node.sh exec` that raced) is ours: kill it
  if [[ -f $STATE/cgroups ]]; then
    while read -r c; do
      [[ -d $c ]] || continue
      for i in $(seq 100); do
        local left; left=$(find "$c" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u)
        [[ -z $left ]] && break
        # shellcheck disable=SC2086
        kill -KILL $left 2>/dev/null || true; sleep 0.1
      done
      find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null || true
      [[ -d $c ]] && log "warning: cgroup $c not removed"
    done < "$STATE/cgroups"
  fi
  # the node's veth pair goes with its network namespace; delete the bridge end at once
  # (the kernel frees a dead namespace a moment later), and the lab network with its last node
  if [[ -n $net ]]; then
    net_nx_quiet() { local h; h=$(net_pid "$net") && nsenter -t "$h" -n -- "$@"; }
    net_nx_quiet ip link del "$(net_link_of "$NODE")" 2>/dev/null || true
    if [[ -z $(net_nodes "$net" "$NODE") ]]; then net_down "$net"; else log "lab network $net kept: nodes $(net_nodes "$net" "$NODE" | tr '\n' ' ')still on it"; fi
  fi
  if [[ ${LAB_KEEP_STATE:-0} == 1 ]]; then log "state kept in $STATE"; return 0; fi
  if [[ -d $STATE ]]; then
    # keep the logs of the last run next to the cache for post-mortems
    local keep=$LAB_CACHE/logs/$NODE; rm -rf "$keep"; mkdir -p "$keep"
    cp "$STATE/init.log" "$keep/" 2>/dev/null || true
    cp -r "$STATE/var-log/." "$keep/" 2>/dev/null || true
    rm -rf --one-file-system "$STATE"
  fi
  rmdir "$(dirname "$STATE")" 2>/dev/null || true
  log "node down"
}

case ${1:-} in
  up) shift; cmd_up "$@" ;;
  exec) shift; cmd_exec "$@" ;;
  status) shift; cmd_status "$@" ;;
  logs) shift; cmd_logs "$@" ;;
  down) shift; cmd_down "$@" ;;
  net) shift; [[ -n $LAB_NET ]] || die "node.sh net: set LAB_NET=NAME"
       case ${1:-} in up) net_up "$LAB_NET" >/dev/null ;; down) net_down "$LAB_NET" ;; status) net_status "$LAB_NET" ;;
         *) die "usage: LAB_NET=NAME node.sh net up|down|status" ;; esac ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
