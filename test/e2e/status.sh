#!/usr/bin/env bash
# `mini-kubeadm status` on a real cluster made by init, with the seed's own experiments:
#   bash test/e2e/status.sh            (npm run test:status)
# On an isolated node (LAB_NODE, default st-1), mini-kubeadm installed as a user would:
#   a. init, flannel, every kube-system pod Ready; `status` shows the four control-plane pods
#      static with their files, CoreDNS dynamic (Deployment -> ReplicaSet -> Pod), kube-proxy
#      dynamic (DaemonSet -> Pod), each manifest with its mirror pod, the bootstrap's order
#      (static pods first, then the API, then the add-ons); a plain table in a pipe;
#   b. the seed's nginx-static dropped into /etc/kubernetes/manifests (a local image): static,
#      its mirror pod, its file; its image changed: the kubelet restarts it with the new one;
#      its mirror pod deleted through the API: it comes back, and status says why; a manifest
#      with an error: shown with the kubelet's reason; the file removed: it is gone;
#   c. a DaemonSet: dynamic, with its owner;
#   d. an API that does not answer: status fails within its bound, saying what it tried.
# The node always goes down (trap) and the host must be as before (lib/hostcheck.sh).
set -Eeuo pipefail
trap 'echo "status: unexpected error (exit $?) at ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND" >&2' ERR
export LAB_NODE=${LAB_NODE:-st-1}
. "$(dirname "${BASH_SOURCE[0]}")/lib/lab.sh"
. "$E2E_DIR/lib/hostcheck.sh"
E2E_TOOL=mini-kubeadm
RUN=$LAB_CACHE/runs/status
export HOSTCHECK_NODES=${HOSTCHECK_NODES:-$NODE}
export HOSTCHECK_SENTINEL=${HOSTCHECK_SENTINEL:-/tmp/.mini-kubeadm-lab-sentinel-status-$NODE}
T_START=$(now)
STAGE=setup

pass() { printf 'PASS  [%s] %s\n' "$STAGE" "$*"; }
fail() { printf 'FAIL  [%s] %s\n' "$STAGE" "$*" >&2; diagnose >&2 || true; last_status >&2; exit 1; }
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
await() { local t=$1 d=$2 t0; shift 2; t0=$(now); if wait_until "$t" "$@"; then pass "$d ($(since "$t0")s)"; else fail "$d (not within ${t}s)"; fi; }

mk() { nx node "$MK_IN_NODE/bin/mini-kubeadm" "$@"; }
# status -o json, kept as the last one seen (for a failure's report)
status_json() { mk status -o json > "$RUN/status.json" 2> "$RUN/status.err"; }
last_status() { echo "---- last status -o json (stderr: $(cat "$RUN/status.err" 2>/dev/null))"; jq -c '.pods[] | [.namespace, .name, .kind, .ready, .owners, .images, .recreated]' "$RUN/status.json" 2>/dev/null; jq -c '.manifests[]?' "$RUN/status.json" 2>/dev/null; }
# says JQ: a fresh status -o json makes the jq expression true
says() { status_json && holds "$1"; }
# holds JQ: the last status -o json makes the jq expression true
holds() { jq -e "$1" "$RUN/status.json" >/dev/null; }

cleanup() {
  local rc=$?
  set +e
  STAGE=cleanup
  node_down >/dev/null 2>&1
  if [[ -d $RUN/before ]]; then
    host_snapshot "$RUN/after"
    if host_compare "$RUN/before" "$RUN/after"; then pass "node down, host unchanged"; else echo "FAIL  [cleanup] the lab changed the host (above)" >&2; rc=1; fi
  fi
  rm -f "$HOSTCHECK_SENTINEL"
  echo "status $([[ $rc == 0 ]] && echo PASSED || echo FAILED) in $(since "$T_START")s; outputs in $RUN"
  exit $rc
}

nginx_static() { # IMAGE [COMMAND-LINE]: the seed's static pod, with a local image
  cat <<EOM
apiVersion: v1
kind: Pod
metadata:
  name: nginx-static
  namespace: kube-system
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: nginx
    image: $1
    imagePullPolicy: Never
${2:+    command: [sh, -c, '$2']}
EOM
}

CONTROL_PLANE='["etcd-'$NODE'","kube-apiserver-'$NODE'","kube-controller-manager-'$NODE'","kube-scheduler-'$NODE'"]'
mirror_uid() { kc get pod -n kube-system "nginx-static-$NODE" -o 'jsonpath={.metadata.uid}' 2>/dev/null; }
mirror_replaced() { local u; u=$(mirror_uid); [[ -n $u && $u != "$1" ]]; }

main() {
  mkdir -p "$RUN"; rm -rf "${RUN:?}"/*
  echo "status: Kubernetes $K8S_VERSION, node $NODE"
  ensure_deps
  tool_available || { echo "mini-kubeadm is not built (npm ci && npm run build)" >&2; exit 1; }
  ! bash "$NODE_SH" status >/dev/null 2>&1 || { echo "node $NODE already runs: LAB_NODE=$NODE bash test/e2e/node.sh down" >&2; exit 1; }
  touch "$HOSTCHECK_SENTINEL"
  host_snapshot "$RUN/before"
  trap cleanup EXIT
  trap 'exit 130' INT; trap 'exit 143' TERM   # an interrupted run ends FAILED, its clean-up done
  local t0 rc=0

  STAGE=a.bootstrap
  t0=$(now); node_up >/dev/null; pass "node $NODE up ($(since "$t0")s)"
  t0=$(now); lab_init "$RUN/init.out" || rc=$?
  [[ $rc == 0 ]] || { tail -n 30 "$RUN/init.out"; fail "init exits 0 (exit $rc)"; }
  pass "init exits 0 ($(since "$t0")s)"
  if [[ -z $(kc get ds -n kube-flannel -o name 2>/dev/null) ]]; then
    render_flannel | nx kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f - > "$RUN/flannel.out" 2>&1 || { cat "$RUN/flannel.out"; fail "flannel applies"; }
  fi
  await 240 "node $NODE Ready" node_ready
  await 240 "every kube-system pod Running and Ready" pods_ready kube-system
  t0=$(now)
  check "status -o json exits 0" status_json
  pass "status took $(since "$t0")s"
  # a mirror pod can come a sync later than its pod: seen here, etcd's first one was refused
  # ("no PriorityClass with name system-node-critical", made by the API server a moment later)
  jq -r '.manifests[] | select(.mirror == null) | "      no mirror pod yet for \(.file): \(.reason) (from \(.reasonFrom))"' "$RUN/status.json"
  await 150 "the four control-plane pods are the static ones" says "[.pods[] | select(.kind == \"static\") | .name] | sort == $CONTROL_PLANE"
  check "each static pod: managed by the kubelet, defined by its file in /etc/kubernetes/manifests" holds \
    'all(.pods[] | select(.kind == "static"); (.managedBy | startswith("the kubelet on ")) and .definition == "/etc/kubernetes/manifests/" + (.name | sub("-'"$NODE"'$"; "")) + ".yaml" and .owners == ["Node '"$NODE"'"] and (.note | test("edit the file, not the API object")))'
  check "CoreDNS: 2 dynamic pods, Deployment coredns -> ReplicaSet coredns-... -> Pod, stored in etcd" holds \
    '[.pods[] | select(.name | startswith("coredns-"))] | length == 2 and all(.[]; .kind == "dynamic" and .owners[0] == "Deployment coredns" and (.owners[1] | startswith("ReplicaSet coredns-")) and (.note | test("controller-manager through the API, stored in etcd")))'
  check "kube-proxy: dynamic, DaemonSet kube-proxy -> Pod" holds 'any(.pods[]; (.name | startswith("kube-proxy-")) and .kind == "dynamic" and .owners == ["DaemonSet kube-proxy"])'
  check "every pod Ready, on $NODE" holds 'all(.pods[]; (.ready | split("/") | .[0] == .[1]) and .node == "'"$NODE"'")'
  check "the node side: each of the four files with its mirror pod" holds '[.manifests[] | select(.mirror != null) | .file] | sort == ["etcd.yaml","kube-apiserver.yaml","kube-controller-manager.yaml","kube-scheduler.yaml"]'
  check "the bootstrap order: static pods first, then the API, then the dynamic add-ons" holds '.order.storyHolds and .order.steps[0].stage == "static"'
  jq -r '.order.steps[] | "      \(.at) \(.stage) \(.what)"' "$RUN/status.json"
  mk status > "$RUN/status.txt" 2>&1 || fail "status (text) exits 0"
  check "text in a pipe: the table, no colour codes" grep -q "static pods first, then the API" "$RUN/status.txt"
  check "text in a pipe: no escape sequences" bash -c "! grep -q $'\e' '$RUN/status.txt'"

  STAGE=b.static-pod
  nginx_static "$IMG_TEST" 'exec httpd -f -p 8080 -h /' | nx sh -c 'cat > /etc/kubernetes/manifests/nginx-static.yaml'
  await 120 "nginx-static: static, its mirror pod nginx-static-$NODE, its file, Ready" says \
    'any(.pods[]; .name == "nginx-static-'"$NODE"'" and .kind == "static" and .definition == "/etc/kubernetes/manifests/nginx-static.yaml" and .ready == "1/1") and any(.manifests[]; .file == "nginx-static.yaml" and .mirror == "kube-system/nginx-static-'"$NODE"'")'
  local pause=$IMG_REGISTRY/pause:$PAUSE_TAG
  nginx_static "$pause" | nx sh -c 'cat > /etc/kubernetes/manifests/nginx-static.yaml'
  await 120 "its image changed in the file: the kubelet restarts it, status shows $pause" says \
    'any(.pods[]; .name == "nginx-static-'"$NODE"'" and .images == ["'"$pause"'"] and .ready == "1/1")'
  local uid; uid=$(mirror_uid)
  kc delete pod -n kube-system "nginx-static-$NODE" --wait=false >/dev/null
  # the kubelet notices a deleted mirror pod at its next periodic sync (syncFrequency 1m + jitter)
  await 180 "its mirror pod deleted through the API comes back" mirror_replaced "$uid"
  # the new mirror pod gets the pod's status (startTime) at the kubelet's next status sync
  await 60 "and status says why: the kubelet made it again, the pod kept running" says \
    'any(.pods[]; .name == "nginx-static-'"$NODE"'" and (.recreated // "" | test("the kubelet made it again")))'
  printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: [broken\n' | nx sh -c 'cat > /etc/kubernetes/manifests/broken.yaml'
  await 90 "a manifest with an error: no mirror pod, the kubelet's reason from its log" says \
    'any(.manifests[]; .file == "broken.yaml" and .mirror == null and .reasonFrom == "kubelet log" and (.reason | test("broken.yaml")))'
  jq -r '.manifests[] | select(.file == "broken.yaml") | "      kubelet: \(.reason)"' "$RUN/status.json"
  nx rm -f /etc/kubernetes/manifests/broken.yaml /etc/kubernetes/manifests/nginx-static.yaml
  await 120 "the file removed: its pod is gone from status" says \
    'all(.pods[]; .name != "nginx-static-'"$NODE"'") and all(.manifests[]; .file != "nginx-static.yaml")'

  STAGE=c.daemonset
  apply_sleeper_ds nginx-daemonset
  await 120 "nginx-daemonset's pod: dynamic, DaemonSet nginx-daemonset -> Pod, the DaemonSet controller" says \
    'any(.pods[]; (.name | startswith("nginx-daemonset-")) and .kind == "dynamic" and .owners == ["DaemonSet nginx-daemonset"] and .managedBy == "DaemonSet controller (kube-controller-manager)")'

  STAGE=d.bad-input
  nx sh -c "sed 's|server: .*|server: https://127.0.0.1:1|' /etc/kubernetes/admin.conf > /root/nowhere.conf"
  t0=$(now); rc=0
  mk status --kubeconfig /root/nowhere.conf > "$RUN/nowhere.out" 2>&1 || rc=$?
  check "an API that does not answer: exit 1 ($(since "$t0")s, bound 15 s)" [ "$rc" = 1 ]
  check "the error says what was tried" grep -q 'the API server at https://127.0.0.1:1 (from /root/nowhere.conf) did not answer GET /version within 15 s' "$RUN/nowhere.out"
}

main "$@"
