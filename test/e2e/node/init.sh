#!/bin/bash
# PID 1 of a lab node (run by test/e2e/node.sh inside fresh PID, mount, network, UTS, IPC
# and cgroup namespaces). Builds the node's own view of the filesystem, its network and
# its cgroup tree, then starts containerd and the kubelet under mkl-supervise, and stays
# as the reaper of the namespace. Nothing here touches the host: every mount is made in
# the node's private mount namespace, every address in its network namespace.
set -euo pipefail
S=$MKL_STATE
exec >>"$S/init.log" 2>&1
log() { echo "[node-init $(date -u +%T.%3N)] $*"; }
log "pid $$ in node $MKL_NODE, state $S"

# --- filesystem -------------------------------------------------------------
mount --make-rprivate /
# /etc and /usr: overlays over the host's (writes land in the node's upper dirs, so
# /etc/kubernetes, /etc/containerd, /etc/cni, /usr/lib/modules... never reach the host)
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$S/etc/upper,workdir=$S/etc/work" /etc
mount -t overlay overlay -o "lowerdir=/usr,upperdir=$S/usr/upper,workdir=$S/usr/work" /usr
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mkdir -p /run/lock /run/mkl/state /run/netns
mount --bind "$S" /run/mkl/state
S=/run/mkl/state   # the state dir itself is hidden once /var/lib is replaced
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
# per-node directories replace the host's (/var/lib: kubelet, etcd, containerd, cni;
# /var/log: pods, containers; /opt: cni/bin; /root: a fresh home, e.g. ~/.kube)
mount --bind "$S/var-log" /var/log
mount --bind "$S/opt" /opt
mount --bind "$S/root" /root
mount --bind "$S/var-lib" /var/lib
# the kubelet would retune global kernel knobs (vm.overcommit_memory=1, kernel.panic=10,
# kernel.panic_on_oops=1, ...) shared with the host; show it the values it wants
for f in "$S"/sysctl/*; do
  k=$(basename "$f"); mount --bind "$f" "/proc/sys/${k//.//}"
done
# the node's own cgroup tree: this process sits in the node's cgroup on the host and in
# its own cgroup namespace, so fresh mounts show that cgroup as the root
# a fresh sysfs shows the node's network namespace (/sys/class/net = the node's links);
# the copies of the host's /sys mounts go first (this namespace is private: the host's
# mounts are not touched), so no stale cgroup mount shadows the node's own
umount -R /sys 2>/dev/null || umount -l /sys
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
mount -t tmpfs -o mode=0755,nosuid,nodev,noexec tmpfs /sys/fs/cgroup
while read -r mp fstype opts; do
  mkdir -p "$mp"
  mount -t "$fstype" -o "nosuid,nodev,noexec,$opts" "$fstype" "$mp"
done < "$S/cgroup-mounts"
mount --make-rshared /

# --- network ----------------------------------------------------------------
hostname "$MKL_NODE"
ip link set lo up
if [[ -n ${MKL_NET:-} ]]; then
  # on the lab network MKL_NET: node.sh moves eth0 in from the lab's namespace (its peer is on
  # the lab bridge, whose address is the gateway); wait for it
  for _ in $(seq 200); do ip link show eth0 >/dev/null 2>&1 && break; sleep 0.05; done
  ip link show eth0 >/dev/null 2>&1 || { log "eth0 never arrived from lab network $MKL_NET"; exit 1; }
  log "eth0 from lab network $MKL_NET"
else
  # alone: both ends of the veth pair stay in the node; packets to the gateway die here
  ip link add eth0 type veth peer name lab-gw0
  ip link set lab-gw0 up
fi
ip addr add "$MKL_IP/$MKL_PREFIX" dev eth0
ip link set eth0 up
ip route add default via "$MKL_GW" dev eth0 onlink
echo 1 > /proc/sys/net/ipv4/ip_forward
echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables
echo 1 > /proc/sys/net/bridge/bridge-nf-call-ip6tables

# --- services ---------------------------------------------------------------
# the stand-in answers systemctl, so say what sd_booted() checks (as a systemd host would)
mkdir -p /run/systemd/system
mkdir -p /run/mkl/units/containerd /run/mkl/units/kubelet
# as after `apt install containerd` and `systemctl enable --now kubelet`: both enabled and
# started; the kubelet crash-loops until init writes its configuration
for u in containerd kubelet; do echo enabled > /run/mkl/units/$u/enabled; echo active > /run/mkl/units/$u/want; done
/usr/local/sbin/mkl-supervise containerd </dev/null &
for _ in $(seq 100); do ctr --address /run/containerd/containerd.sock version >/dev/null 2>&1 && break; sleep 0.1; done
ctr --address /run/containerd/containerd.sock version >/dev/null
log "containerd up"
/usr/local/sbin/mkl-supervise kubelet </dev/null &
touch /run/mkl/ready
log "node ready"

# --- reaper -------------------------------------------------------------------
set +e
trap '' TERM INT HUP
while :; do wait -n 2>/dev/null || sleep 1; done
