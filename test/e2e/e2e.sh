#!/usr/bin/env bash
# The real-cluster e2e: a throwaway node on this machine, `init` in it as a user would on
# a VM, checks that the cluster works, `reset`, checks that nothing is left, clean-up.
#   bash test/e2e/e2e.sh                 (E2E_TOOL=kubeadm|mini-kubeadm, default kubeadm)
#   E2E_TOOL=mini-kubeadm E2E_INSTALL=sea bash test/e2e/e2e.sh   (the single executable alone, no node in the node)
# It installs what it needs (Debian packages, Go builds into ~/.cache/mini-kubeadm-lab),
# always removes the node (trap), then checks the host is as before. Exit 0 = all passed.
# E2E_KEEP_NODE=1 leaves the node running for inspection (node.sh exec/down).
set -Eeuo pipefail
trap 'echo "e2e: unexpected error (exit $?) at ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND" >&2' ERR
. "$(dirname "${BASH_SOURCE[0]}")/lib/lab.sh"
. "$E2E_DIR/lib/hostcheck.sh"
. "$E2E_DIR/lib/clean.sh"

RUN=$LAB_CACHE/runs/e2e-$E2E_TOOL
if [[ $E2E_TOOL == mini-kubeadm && $E2E_INSTALL == sea ]]; then RUN+=-sea; fi
# the host check judges this run's node; other runs' nodes on the machine (their cgroups and
# processes) and their /tmp entries are info (lib/hostcheck.sh); the sentinel is this run's own
export HOSTCHECK_NODES=${HOSTCHECK_NODES:-$NODE}
export HOSTCHECK_SENTINEL=${HOSTCHECK_SENTINEL:-/tmp/.mini-kubeadm-lab-sentinel-e2e-$NODE}
T_START=$(now)
STAGE=setup
failed=0

pass() { printf 'PASS  [%s] %s\n' "$STAGE" "$*"; }
fail() {
  printf 'FAIL  [%s] %s\n' "$STAGE" "$*" >&2
  failed=1
  diagnose >&2 || true
  exit 1
}
# check DESCRIPTION CMD...: one assertion
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
# await SECONDS DESCRIPTION CMD...: an assertion that may take time
await() { local t=$1 d=$2 t0; shift 2; t0=$(now); if wait_until "$t" "$@"; then pass "$d ($(since "$t0")s)"; else fail "$d (not within ${t}s)"; fi; }
# info DESCRIPTION CMD...: reported, never fails (what the reference kubeadm leaves by design)
info() { local d=$1; shift; if "$@"; then echo "info  [$STAGE] $d: yes"; else echo "info  [$STAGE] $d: NO (left behind)"; fi; }
# strict_or_info: reset promises that only mini-kubeadm makes
strict_or_info() { if [[ $E2E_TOOL == kubeadm ]]; then info "$@"; else check "$@"; fi; }

cleanup() {
  local rc=$?
  set +e
  STAGE=cleanup
  if [[ ${E2E_KEEP_NODE:-0} == 1 ]]; then
    echo "node kept running (E2E_KEEP_NODE=1): bash test/e2e/node.sh exec -- ...; bash test/e2e/node.sh down"
  else
    node_down
    if [[ -d $RUN/before ]]; then
      host_snapshot "$RUN/after"
      if host_compare "$RUN/before" "$RUN/after"; then pass "host unchanged (/tmp, cgroups, mounts, iptables, links, processes, sysctls)"
      else echo "FAIL  [cleanup] the lab changed the host (above)" >&2; rc=1; fi
    fi
  fi
  rm -f "$HOSTCHECK_SENTINEL"
  echo "e2e ($E2E_TOOL) $([[ $rc == 0 ]] && echo PASSED || echo FAILED) in $(since "$T_START")s; outputs in $RUN"
  exit $rc
}

mirror_running() { # NAME: a mirror pod (owner Node) of that name runs in kube-system
  local out; out=$(kc get pod -n "${2:-kube-system}" "$1" -o 'jsonpath={.status.phase} {.metadata.ownerReferences[0].kind} {.metadata.annotations.kubernetes\.io/config\.mirror}' 2>/dev/null) || return 1
  [[ $out == "Running Node "?* ]]
}
pod_uid() { kc get pod -n "${2:-default}" "$1" -o 'jsonpath={.metadata.uid}' 2>/dev/null; }
pod_gone() { ! kc get pod -n "${2:-default}" "$1" >/dev/null 2>&1; }
pod_ip_in_pod_network() { [[ $(kc get pod e2e-dns -o 'jsonpath={.status.podIP}') == 10.244.* ]]; }
pod_resolver_is_kube_dns() { kc exec e2e-dns -- cat /etc/resolv.conf | grep -q '^nameserver 10.96.0.10'; }
pod_resolves_kubernetes() { kc exec e2e-dns -- nslookup kubernetes.default.svc.cluster.local 10.96.0.10 | grep -q '10.96.0.1$'; }
pod_reaches_api_by_name() { # kubernetes.default: search domains, CoreDNS, then the Service IP
  kc exec e2e-dns -- sh -c 'kubectl --server=https://kubernetes.default:443 --certificate-authority=/var/run/secrets/kubernetes.io/serviceaccount/ca.crt --token="$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)" get --raw /version' \
    | grep -q "\"gitVersion\": \"$K8S_VERSION\""
}
pod_in_cluster_config() { [[ $(kc exec e2e-dns -- sh -c 'echo $KUBERNETES_SERVICE_HOST $(kubectl get --raw /readyz)') == "10.96.0.1 ok" ]]; }
count_pods() { kc get pods -n "$1" -l "$2" --no-headers 2>/dev/null | wc -l; }
# every pod of NS with label SELECTOR Running and Ready (at least one)
selected_ready() { local out; out=$(kc get pods -n "$1" -l "$2" --no-headers -o 'custom-columns=P:.status.phase,R:.status.conditions[?(@.type=="Ready")].status' 2>/dev/null) || return 1
  [[ -n $out ]] && echo "$out" | awk '$1!="Running" || $2!="True" {bad=1} END {exit bad}'; }
# no pod carries the annotation init's readiness re-check puts on for a moment (src/kube/readiness-recheck.ts)
no_recheck_annotation() { ! kc get pods -A -o json | jq -e '[.items[].metadata.annotations // {} | has("mini-kubeadm/readiness-recheck")] | any' >/dev/null; }
mirror_replaced() { local u; u=$(pod_uid "$1"); [[ -n $u && $u != "$2" ]] && mirror_running "$1" default; }
static_pod_updated() { local h; h=$(kc get pod "$1" -o 'jsonpath={.metadata.annotations.kubernetes\.io/config\.hash}' 2>/dev/null)
  [[ -n $h && $h != "$2" ]] && mirror_running "$1" default && kc logs "$1" | grep -q "web version $3"; }
no_container_named() { [[ -z $(nx crictl ps -q --name "^$1\$") ]]; }
ds_runs_on_node() { [[ $(kc get ds -n kube-system "$1" -o 'jsonpath={.status.numberReady}/{.status.desiredNumberScheduled}') == 1/1 ]] \
  && [[ $(kc get pods -n kube-system -l "app=$1" -o 'jsonpath={.items[0].spec.nodeName}') == "$NODE" ]]; }
readyz_ok() { [[ $(kc get --raw /readyz 2>/dev/null) == ok ]]; }

static_web_manifest() { # VERSION
  cat <<EOM
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: default
  labels: {app: e2e-web}
spec:
  terminationGracePeriodSeconds: 1   # httpd as PID 1 ignores SIGTERM
  containers:
  - name: web
    image: $IMG_TEST
    imagePullPolicy: Never
    command: [sh, -c, 'echo "web version \$WEB_VERSION"; exec httpd -f -p 8080 -h /']
    env:
    - {name: WEB_VERSION, value: "$1"}
EOM
}

main() {
  mkdir -p "$RUN"; rm -rf "${RUN:?}"/*
  echo "e2e: tool $E2E_TOOL (install: $E2E_INSTALL), Kubernetes $K8S_VERSION, node $NODE"
  local t0; t0=$(now)
  ensure_deps
  pass "dependencies ready ($(since "$t0")s)"
  tool_available || fail "$E2E_TOOL cannot run here yet (for mini-kubeadm: npm ci && npm run build, then 'node bin/mini-kubeadm init --help' must work)"
  if bash "$NODE_SH" status >/dev/null 2>&1; then
    fail "node $NODE already runs (a kept node?): stop it first with bash test/e2e/node.sh down"
  fi
  touch "$HOSTCHECK_SENTINEL"
  host_snapshot "$RUN/before"
  trap cleanup EXIT
  trap 'exit 130' INT; trap 'exit 143' TERM   # an interrupted run ends FAILED, its clean-up done

  STAGE=node
  t0=$(now); node_up; pass "node $NODE up with images imported ($(since "$t0")s)"
  if [[ $E2E_TOOL == mini-kubeadm && $E2E_INSTALL == sea ]]; then
    check "the node has no node on its PATH, and mini-kubeadm as one file ($(mk_in_node))" nx sh -c "! command -v node && $(mk_in_node) version"
  fi

  # ---- a. init --------------------------------------------------------------------
  STAGE=a.init
  t0=$(now); local rc=0
  lab_init "$RUN/init.out" || rc=$?
  echo "      init took $(since "$t0")s: $(tool_cmd init)"
  [[ $rc == 0 ]] || { tail -n 40 "$RUN/init.out"; fail "init exits 0 (exit code $rc)"; }
  pass "init exits 0"
  check "init prints the join command" grep -qE 'join [0-9.]+:6443 --token [a-z0-9]{6}\.[a-z0-9]{16}' "$RUN/init.out"
  check "the join command carries the CA hash" grep -qE -- '--discovery-token-ca-cert-hash sha256:[0-9a-f]{64}' "$RUN/init.out"
  if [[ $E2E_TOOL == mini-kubeadm ]]; then
    check "CoreDNS's pods are Running and Ready when init ends (a whole init waits for them)" selected_ready kube-system k8s-app=kube-dns
    check "no pod keeps the readiness re-check annotation (mini-kubeadm/readiness-recheck)" no_recheck_annotation
    echo "      CoreDNS pods init re-checked (the kubelet's first probe came too early): $(grep -c 'annotated mini-kubeadm/readiness-recheck' "$RUN/init.out" || true)"
  fi

  # ---- b. control plane -----------------------------------------------------------
  STAGE=b.control-plane
  check "kubectl --kubeconfig /etc/kubernetes/admin.conf works (readyz ok)" readyz_ok
  local c
  for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
    await 120 "static pod $c runs as mirror pod $c-$NODE" mirror_running "$c-$NODE"
  done

  # ---- c. network, DNS, Service --------------------------------------------------
  STAGE=c.cluster
  if [[ -n $(kc get ds -n kube-flannel -o name 2>/dev/null) ]]; then
    pass "init installed the pod network itself (flannel DaemonSet in kube-flannel): the lab's manifest is not applied"
  else
    render_flannel | bash "$NODE_SH" exec -- kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f - > "$RUN/flannel.out" 2>&1 \
      || { cat "$RUN/flannel.out"; fail "flannel manifest applies"; }
    pass "flannel manifest (test/e2e/manifests/kube-flannel.yaml) applied"
  fi
  await 240 "node $NODE Ready" node_ready
  await 180 "flannel pod Running and Ready" pods_ready kube-flannel
  await 180 "kube-proxy, CoreDNS and control-plane pods Running and Ready" pods_ready kube-system
  check "2 CoreDNS pods" [ "$(count_pods kube-system k8s-app=kube-dns)" = 2 ]
  check "a kube-proxy pod" [ "$(count_pods kube-system k8s-app=kube-proxy)" = 1 ]
  apply_sleeper_pod e2e-dns default
  await 120 "test pod e2e-dns Running and Ready" pods_ready default
  check "pod IP from the pod network 10.244.0.0/16" pod_ip_in_pod_network
  check "the pod's resolver is kube-dns 10.96.0.10" pod_resolver_is_kube_dns
  await 60 "kubernetes.default.svc.cluster.local resolves to 10.96.0.1 via CoreDNS" pod_resolves_kubernetes
  await 60 "the pod reaches the API through the kubernetes Service (https://kubernetes.default)" pod_reaches_api_by_name
  check "in-cluster config (KUBERNETES_SERVICE_HOST=10.96.0.1) works" pod_in_cluster_config

  # ---- d. static pods and DaemonSets -------------------------------------------------
  STAGE=d.workloads
  static_web_manifest 1 | nx sh -c 'cat > /etc/kubernetes/manifests/web.yaml'
  await 90 "custom static pod appears as mirror pod web-$NODE" mirror_running "web-$NODE" default
  local uid1 hash1
  uid1=$(pod_uid "web-$NODE"); hash1=$(kc get pod "web-$NODE" -o 'jsonpath={.metadata.annotations.kubernetes\.io/config\.hash}')
  kc delete pod "web-$NODE" --wait=false >/dev/null
  # the kubelet notices a deleted mirror pod at its next periodic sync (syncFrequency 1m + jitter)
  await 150 "mirror pod web-$NODE returns after kubectl delete pod" mirror_replaced "web-$NODE" "$uid1"
  static_web_manifest 2 | nx sh -c 'cat > /etc/kubernetes/manifests/web.yaml'
  await 90 "static pod restarts with the changed manifest" static_pod_updated "web-$NODE" "$hash1" 2
  nx rm -f /etc/kubernetes/manifests/web.yaml
  await 90 "mirror pod disappears when its manifest is removed" pod_gone "web-$NODE"
  await 60 "and its container stops" no_container_named web
  apply_sleeper_ds e2e-ds
  await 120 "DaemonSet e2e-ds in kube-system runs a pod on $NODE" ds_runs_on_node e2e-ds

  # ---- e. reset -----------------------------------------------------------------------
  STAGE=e.reset
  t0=$(now); rc=0
  nx sh -c "$(tool_cmd reset)" > "$RUN/reset.out" 2>&1 || rc=$?
  echo "      reset took $(since "$t0")s: $(tool_cmd reset)"
  [[ $rc == 0 ]] || { tail -n 40 "$RUN/reset.out"; fail "reset exits 0 (exit code $rc)"; }
  pass "reset exits 0"
  reset_left_nothing check strict_or_info
}

main "$@"
