#!/usr/bin/env bash
# Certificates on day two in the real-cluster lab (`npm run test:certs`): one node (LAB_NODE d2-1,
# on no lab network) made by mini-kubeadm's init, then `certs renew all`: the kubelet restarts
# the static pods that read renewed files, the API server serves the renewed certificate (new
# serial, same key), the cluster works (kubectl get nodes with the renewed admin.conf, a pod
# runs), and the reference kubeadm's `certs check-expiration` reads the same files and agrees
# with mini-kubeadm's, before and after. Prints one line per check; exit 0 only if all passed.
set -uo pipefail
E2E_TOOL=mini-kubeadm
export LAB_NODE=${LAB_NODE:-d2-1}
. "$(dirname "${BASH_SOURCE[0]}")/lib/lab.sh"
OUT=$LAB_CACHE/runs/certs-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
IP=${LAB_NODE_IP:-172.31.0.2}
MK="node $MK_IN_NODE/bin/mini-kubeadm"
FAILED=0
T_START=$(now)
trap 'node_down >/dev/null 2>&1 || true' EXIT

ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; FAILED=$((FAILED + 1)); }
check() { local what=$1; shift; if "$@" >>"$OUT/checks.log" 2>&1; then ok "$what"; else fail "$what"; fi; }
# the API server's serving certificate as a client sees it: serial and end date
served() { nx sh -c "openssl s_client -connect $IP:6443 </dev/null 2>/dev/null | openssl x509 -noout -serial -enddate"; }
on_disk() { nx openssl x509 -in /etc/kubernetes/pki/apiserver.crt -noout -serial -enddate; }
pubkey() { nx sh -c 'openssl x509 -in /etc/kubernetes/pki/apiserver.crt -noout -pubkey | sha256sum'; }
# both tools' check-expiration tables, kubeadm's preamble (config from the cluster) and log lines left out
expiration_agrees() {
  nx sh -c "$MK certs check-expiration --config /root/init-config.yaml" > "$OUT/$1-ours.txt" || return 1
  nx kubeadm certs check-expiration 2>/dev/null | grep -v -E '^\[check-expiration\]|^[IWE][0-9]{4} ' | sed '/./,$!d' > "$OUT/$1-kubeadm.txt" || return 1
  diff "$OUT/$1-ours.txt" "$OUT/$1-kubeadm.txt"
}
pod_runs() { apply_sleeper_pod d2-pod default && wait_until 180 pods_ready default; }

ensure_deps >&2
tool_available || { echo "mini-kubeadm cannot run here (npm ci && npm run build)" >&2; exit 1; }
! bash "$NODE_SH" status >/dev/null 2>&1 || { echo "node $NODE already runs: LAB_NODE=$NODE bash test/e2e/node.sh down" >&2; exit 1; }
node_up 2>"$OUT/node-up.log" || { echo "node up failed ($OUT/node-up.log)"; exit 1; }
render_init_config | node_put_root_file init-config.yaml
nx sh -c "$(tool_cmd init)" > "$OUT/init.out" 2>&1 || { fail "init (see $OUT/init.out)"; diagnose > "$OUT/diagnostics.txt" 2>&1; exit 1; }
kc get ns kube-flannel >/dev/null 2>&1 || render_flannel | bash "$NODE_SH" exec -- kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f - >"$OUT/flannel.out" 2>&1
wait_until 420 cluster_ready || { fail "cluster Ready after init"; diagnose > "$OUT/diagnostics.txt" 2>&1; exit 1; }
ok "cluster Ready after init ($(since "$T_START")s)"

check "check-expiration: ours and kubeadm's agree before renewal" expiration_agrees before
before_served=$(served); before_disk=$(on_disk); before_key=$(pubkey)
[[ -n $before_served && $before_served == "$before_disk" ]] && ok "the API server serves apiserver.crt ($before_served)" || fail "served cert before: '$before_served' vs '$before_disk'"
sleep 61 # a new minute, so that the renewed end dates read differently in the tables too

T0=$(now)
if nx sh -c "$MK certs renew all --config /root/init-config.yaml" > "$OUT/renew.out" 2>&1; then ok "certs renew all exit 0 after $(since "$T0")s"; else fail "certs renew all (see $OUT/renew.out)"; fi
grep -q 'the kubelet restarted etcd, kube-apiserver, kube-controller-manager, kube-scheduler' "$OUT/renew.out" && ok "renew says it restarted etcd, kube-apiserver, kube-controller-manager, kube-scheduler" || fail "renew's restart line (see $OUT/renew.out)"
after_served=$(served); after_disk=$(on_disk)
[[ -n $after_served && $after_served == "$after_disk" && $after_served != "$before_served" ]] && ok "the API server serves the renewed apiserver.crt ($after_served)" || fail "served after: '$after_served', on disk '$after_disk', before '$before_served'"
[[ $(pubkey) == "$before_key" ]] && ok "the renewed apiserver.crt has the same key" || fail "apiserver.crt's key changed"
check "kubectl get nodes with the renewed admin.conf" kc get nodes
check "etcd serves its renewed certificate" nx sh -c "openssl s_client -connect 127.0.0.1:2379 -cert /etc/kubernetes/pki/apiserver-etcd-client.crt -key /etc/kubernetes/pki/apiserver-etcd-client.key </dev/null 2>/dev/null | openssl x509 -noout -serial | grep -qx \"\$(openssl x509 -in /etc/kubernetes/pki/etcd/server.crt -noout -serial)\""
check "a pod runs after renewal" pod_runs
check "check-expiration: ours and kubeadm's agree after renewal" expiration_agrees after
[[ $FAILED == 0 ]] || diagnose > "$OUT/diagnostics.txt" 2>&1
echo "certs: $([[ $FAILED == 0 ]] && echo PASSED || echo "FAILED ($FAILED)") in $(since "$T_START")s (outputs in $OUT)"
[[ $FAILED == 0 ]]
