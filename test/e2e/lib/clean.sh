# Shared by e2e.sh and faults.sh (sourced after lab.sh): what "reset left nothing behind" means
# inside the node, as one list of assertions. The caller passes how to assert:
#   reset_left_nothing ASSERT [ASSERT_STRICT]
# ASSERT DESCRIPTION CMD... is called for what every tool's reset promises (kubeadm's steps);
# ASSERT_STRICT (default: ASSERT) for what only mini-kubeadm's reset promises (CNI, iptables, links).

in_node_empty() { nx sh -c '[ -z "$(ls -A "$1" 2>/dev/null)" ]' _ "$1"; }
in_node_absent() { nx sh -c '[ ! -e "$1" ]' _ "$1"; }
no_link() { ! nx ip link show "$1" >/dev/null 2>&1; }
no_rules() { ! nx sh -c '{ iptables-nft-save; ip6tables-nft-save; iptables-legacy-save; ip6tables-legacy-save; } 2>/dev/null | grep -qE "$0"' "$1"; }
no_containers() { [[ -z $(nx crictl ps -aq 2>/dev/null) && -z $(nx crictl pods -q 2>/dev/null) ]]; }
kubelet_inactive() { [[ $(nx systemctl is-active kubelet) != active ]]; }
no_kubelet_mounts() { ! nx grep -q ' /var/lib/kubelet/' /proc/self/mountinfo; }
# containers may take a moment to go after the kubelet stops
no_containers_soon() { wait_until 30 no_containers; }

reset_left_nothing() {
  local a=$1 s=${2:-$1} c
  "$a" "kubelet stopped" kubelet_inactive
  "$a" "/etc/kubernetes/manifests empty" in_node_empty /etc/kubernetes/manifests
  "$a" "/etc/kubernetes/pki removed" in_node_empty /etc/kubernetes/pki
  for c in admin.conf super-admin.conf kubelet.conf bootstrap-kubelet.conf controller-manager.conf scheduler.conf; do
    "$a" "/etc/kubernetes/$c removed" in_node_absent "/etc/kubernetes/$c"
  done
  "$a" "/var/lib/etcd empty" in_node_empty /var/lib/etcd
  "$a" "kubelet state /var/lib/kubelet empty" in_node_empty /var/lib/kubelet
  "$a" "no mounts left under /var/lib/kubelet" no_kubelet_mounts
  "$a" "no Kubernetes containers or pod sandboxes left (within 30s)" no_containers_soon
  "$s" "CNI configuration /etc/cni/net.d empty" in_node_empty /etc/cni/net.d
  "$s" "interface cni0 gone" no_link cni0
  "$s" "interface flannel.1 gone" no_link flannel.1
  "$s" "no KUBE-* iptables rules" no_rules 'KUBE-'
  "$s" "no CNI-* iptables rules" no_rules 'CNI-'
  "$s" "no FLANNEL* iptables rules" no_rules 'FLANNEL'
}
