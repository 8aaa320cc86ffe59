#!/usr/bin/env bash
# Several nodes on the lab network: `init` on a control plane, `join` of two workers, checks that
# the cluster works across nodes (every node Ready, a DaemonSet on each, pod to pod over flannel's
# vxlan, a ClusterIP Service reaching endpoints on other nodes, DNS in a worker's pod), then
# `reset` on each node leaves nothing behind, the nodes go and the host is as before.
#   bash test/e2e/join.sh                           E2E_TOOL=kubeadm|mini-kubeadm (default kubeadm)
#   JOIN_MIX=1 E2E_TOOL=T bash test/e2e/join.sh     interoperability: the control plane by T, the
#                                                   workers joined by the other tool
# Env: LAB_NET (mkl-net), JOIN_NODES ("jcp1 jw1 jw2": control plane first), JOIN_IP_BASE (172.31.1),
#      the first node gets .10, the next .11, ...; E2E_REPO: the checkout whose mini-kubeadm build the
#      nodes get (default this one); E2E_KEEP_NODE=1 leaves the nodes up (node.sh down each, then
#      the network goes with the last); JOIN_THEN=CMD runs CMD (bash -c, on the host) once the
#      cluster checks passed and before the resets, with JOIN_CP, JOIN_WORKERS and JOIN_RUN (the
#      run's directory) set: its failure fails the run (e.g. conformance.sh); JOIN_RUN_NAME names
#      the run's directory under $LAB_CACHE/runs (join-MODE).
set -Eeuo pipefail
trap 'echo "join: unexpected error (exit $?) at ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND" >&2' ERR
. "$(dirname "${BASH_SOURCE[0]}")/lib/lab.sh"
. "$E2E_DIR/lib/hostcheck.sh"
. "$E2E_DIR/lib/clean.sh"

export LAB_NET=${LAB_NET:-mkl-net}
export LAB_NETS_OURS=$LAB_NET
export HOSTCHECK_SENTINEL=/tmp/.mini-kubeadm-lab-sentinel-join-$LAB_NET   # e2e.sh's own is removed when an e2e.sh ends
export HOSTCHECK_NODES="${JOIN_NODES:-jcp1 jw1 jw2}"   # other runs' nodes on this machine: info in the host check
read -r -a NODES <<< "${JOIN_NODES:-jcp1 jw1 jw2}"
CP=${NODES[0]}; WORKERS=("${NODES[@]:1}")
IP_BASE=${JOIN_IP_BASE:-172.31.1}
JOIN_MIX=${JOIN_MIX:-0}
other_tool() { [[ $1 == kubeadm ]] && echo mini-kubeadm || echo kubeadm; }
declare -A IP TOOL
i=10; for n in "${NODES[@]}"; do IP[$n]=$IP_BASE.$i; i=$((i + 1)); TOOL[$n]=$E2E_TOOL; done
if [[ $JOIN_MIX == 1 ]]; then for n in "${WORKERS[@]}"; do TOOL[$n]=$(other_tool "$E2E_TOOL"); done; fi
MODE=$E2E_TOOL; [[ $JOIN_MIX == 1 ]] && MODE="mix-cp-$E2E_TOOL"
RUN=$LAB_CACHE/runs/${JOIN_RUN_NAME:-join-$MODE}
T_START=$(now)
STAGE=setup

# ---- per-node helpers (lib/lab.sh's nx/kc act on LAB_NODE; here every call names its node: on)
kc() { on "$CP" kubectl --kubeconfig /etc/kubernetes/admin.conf "$@"; }
tool_of() { E2E_TOOL=${TOOL[$1]} tool_cmd "$2"; }

pass() { printf 'PASS  [%s] %s\n' "$STAGE" "$*"; }
fail() { printf 'FAIL  [%s] %s\n' "$STAGE" "$*" >&2; diagnose_all >&2 || true; exit 1; }
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
await() { local t=$1 d=$2 t0; shift 2; t0=$(now); if wait_until "$t" "$@"; then pass "$d ($(since "$t0")s)"; else fail "$d (not within ${t}s)"; fi; }
info() { local d=$1; shift; if "$@"; then echo "info  [$STAGE] $d: yes"; else echo "info  [$STAGE] $d: NO (left behind)"; fi; }
# what only mini-kubeadm's reset promises: strict for the node's tool mini-kubeadm, info for kubeadm
RESET_TOOL=kubeadm
strict_or_info() { if [[ $RESET_TOOL == kubeadm ]]; then info "$@"; else check "$@"; fi; }

diagnose_all() {
  echo "======== diagnostics (cluster on $LAB_NET: ${NODES[*]}) ========"
  LAB_NET=$LAB_NET bash "$NODE_SH" net status 2>&1 || true
  local n
  for n in "${NODES[@]}"; do
    echo "==== node $n (${TOOL[$n]})"; LAB_NODE=$n bash "$NODE_SH" status 2>&1 || true
    echo "---- kubelet log (last 40 lines)"; LAB_NODE=$n bash "$NODE_SH" logs kubelet 2>/dev/null | tail -n 40
    echo "---- containers"; on "$n" crictl ps -a 2>&1 | head -20
    echo "---- addresses, routes"; on "$n" sh -c 'ip -br addr; ip route' 2>&1 | head -20
    local id name
    while read -r id name; do
      echo "---- log of container $name ($id) on $n, last 25 lines"; on "$n" crictl logs --tail 25 "$id" 2>&1
    done < <(on "$n" crictl ps -a -o json 2>/dev/null | jq -r '.containers[] | select(.state != "CONTAINER_RUNNING" or ((.annotations["io.kubernetes.container.restartCount"] // "0") != "0")) | "\(.id) \(.metadata.name)"' 2>/dev/null | head -5)
  done
  echo "---- nodes"; kc get nodes -o wide 2>&1
  echo "---- pods"; kc get pods -A -o wide 2>&1 | head -50
  echo "---- events"; kc get events -A --sort-by=.lastTimestamp 2>&1 | tail -n 30
  echo "---- endpoints of e2e-web and kube-dns"; kc get endpointslices -A -o wide 2>&1 | grep -E 'e2e-web|kube-dns'
  echo "======== end of diagnostics ========"
}

cleanup() {
  local rc=$? n
  set +e
  STAGE=cleanup
  if [[ ${E2E_KEEP_NODE:-0} == 1 ]]; then
    echo "nodes kept running (E2E_KEEP_NODE=1): for n in ${NODES[*]}; do LAB_NODE=\$n bash test/e2e/node.sh down; done"
  else
    for n in "${WORKERS[@]}" "$CP"; do LAB_NODE=$n bash "$NODE_SH" down; done
    if [[ -d $RUN/before ]]; then
      host_snapshot "$RUN/after"
      if host_compare "$RUN/before" "$RUN/after"; then pass "host unchanged (lab network gone; /tmp, cgroups, mounts, iptables, links, processes, sysctls)"
      else echo "FAIL  [cleanup] the lab changed the host (above)" >&2; rc=1; fi
    fi
  fi
  rm -f "$HOSTCHECK_SENTINEL"
  echo "join ($MODE: ${NODES[*]}) $([[ $rc == 0 ]] && echo PASSED || echo FAILED) in $(since "$T_START")s; outputs in $RUN"
  exit $rc
}

# ---- checks ----------------------------------------------------------------------------
node_is_ready() { [[ $(kc get node "$1" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]; }
all_nodes_ready() { local n; for n in "${NODES[@]}"; do node_is_ready "$n" || return 1; done; }
node_internal_ip() { kc get node "$1" -o 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}' 2>/dev/null; }
node_ips_right() { local n; for n in "${NODES[@]}"; do [[ $(node_internal_ip "$n") == "${IP[$n]}" ]] || return 1; done; }
# every pod in the namespaces given Running and Ready, and (the first namespace) one per node of SELECTOR
pods_on_every_node() { # NS SELECTOR: a Running and Ready pod of SELECTOR on every node
  local ns=$1 sel=$2 n out
  out=$(kc get pods -n "$ns" -l "$sel" --no-headers -o 'custom-columns=N:.spec.nodeName,P:.status.phase,R:.status.conditions[?(@.type=="Ready")].status' 2>/dev/null) || return 1
  for n in "${NODES[@]}"; do echo "$out" | awk -v n="$n" '$1==n && $2=="Running" && $3=="True" {ok=1} END {exit !ok}' || return 1; done
}
web_pod_on() { kc get pods -l app=e2e-web -o "jsonpath={.items[?(@.spec.nodeName==\"$1\")].metadata.name}" 2>/dev/null; }
web_ip_on() { kc get pods -l app=e2e-web -o "jsonpath={.items[?(@.spec.nodeName==\"$1\")].status.podIP}" 2>/dev/null; }
CLIENT=e2e-client
# GET / from HOST:PORT in the client pod (on the last worker); prints the body's last line. With nc:
# busybox-static's wget segfaults here (exit 139, also towards a pod on its own node)
client_get() { kc exec "$CLIENT" -- sh -c 'printf "GET / HTTP/1.0\r\n\r\n" | nc -w 3 "$0" "$1" | tail -n 1' "$1" "$2" 2>/dev/null; }
pod_reaches_pod() { [[ $(client_get "$1" 8080) == "web on $2" ]]; }
# the Service answers from every node but the client's (endpoints reached across flannel);
# with three endpoints and random choice each try reaches one of them
SVC_SEEN=""
service_reaches_other_nodes() { # HOST (the Service's IP or name), port 80
  local body n missing=0
  body=$(client_get "$1" 80) || return 1
  [[ $body == "web on "* ]] && [[ $SVC_SEEN != *" ${body#web on } "* ]] && SVC_SEEN+=" ${body#web on } "
  for n in "${NODES[@]}"; do [[ $n == "$CLIENT_NODE" ]] && continue; [[ $SVC_SEEN == *" $n "* ]] || missing=1; done
  return $missing
}
client_resolves() { kc exec "$CLIENT" -- nslookup kubernetes.default.svc.cluster.local | grep -q '10\.96\.0\.1$'; }
client_resolver_is_kube_dns() { kc exec "$CLIENT" -- cat /etc/resolv.conf | grep -q '^nameserver 10\.96\.0\.10'; }
coredns_nodes() { kc get pods -n kube-system -l k8s-app=kube-dns -o 'jsonpath={.items[*].spec.nodeName}' 2>/dev/null; }

workloads() { # a DaemonSet of web servers (each answers "web on NODE"), its Service, a client pod on the last worker
  cat <<EOM
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: e2e-web, namespace: default}
spec:
  selector: {matchLabels: {app: e2e-web}}
  template:
    metadata: {labels: {app: e2e-web}}
    spec:
      terminationGracePeriodSeconds: 1   # httpd as PID 1 ignores SIGTERM
      tolerations: [{operator: Exists}]
      containers:
      - name: web
        image: $IMG_TEST
        imagePullPolicy: Never
        command: [sh, -c, 'mkdir -p /www && echo "web on \$NODE_NAME" > /www/index.html && exec httpd -f -p 8080 -h /www']
        env:
        - name: NODE_NAME
          valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
        ports: [{containerPort: 8080}]
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 2}
---
apiVersion: v1
kind: Service
metadata: {name: e2e-web, namespace: default}
spec:
  type: ClusterIP
  selector: {app: e2e-web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: $CLIENT, namespace: default}
spec:
  terminationGracePeriodSeconds: 1
  nodeName: $CLIENT_NODE
  containers:
  - {name: t, image: $IMG_TEST, imagePullPolicy: Never, command: [sleep, "3600"]}
EOM
}
client_ready() { [[ $(kc get pod "$CLIENT" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]; }

main() {
  mkdir -p "$RUN"; rm -rf "${RUN:?}"/*
  local n t0 rc
  echo "join: control plane $CP (${TOOL[$CP]}), workers ${WORKERS[*]} ($(for n in "${WORKERS[@]}"; do printf '%s ' "${TOOL[$n]}"; done| sed 's/ $//')), lab network $LAB_NET, Kubernetes $K8S_VERSION"
  t0=$(now); ensure_deps; pass "dependencies ready ($(since "$t0")s)"
  for n in "${NODES[@]}"; do
    [[ ${TOOL[$n]} == mini-kubeadm ]] || continue
    E2E_TOOL=mini-kubeadm tool_available || fail "mini-kubeadm cannot run here yet (npm ci && npm run build in $REPO)"
    break
  done
  for n in "${NODES[@]}"; do
    if LAB_NODE=$n bash "$NODE_SH" status >/dev/null 2>&1; then fail "node $n already runs (a kept node?): LAB_NODE=$n bash test/e2e/node.sh down"; fi
  done
  if LAB_NET=$LAB_NET bash "$NODE_SH" net status >/dev/null 2>&1; then fail "lab network $LAB_NET already up: LAB_NET=$LAB_NET bash test/e2e/node.sh net down"; fi
  touch "$HOSTCHECK_SENTINEL"
  host_snapshot "$RUN/before"
  trap cleanup EXIT
  trap 'exit 130' INT; trap 'exit 143' TERM   # an interrupted run ends FAILED, its clean-up done

  STAGE=nodes
  for n in "${NODES[@]}"; do
    t0=$(now)
    LAB_NODE=$n LAB_NODE_IP=${IP[$n]} bash "$NODE_SH" up
    [[ ${TOOL[$n]} == mini-kubeadm ]] && NODE=$n E2E_TOOL=mini-kubeadm node_install_tool
    pass "node $n up on lab network $LAB_NET, ${IP[$n]} ($(since "$t0")s)"
  done
  check "$CP reaches ${WORKERS[0]} over the lab bridge" on "$CP" busybox ping -c1 -W3 "${IP[${WORKERS[0]}]}"

  # ---- init on the control plane ---------------------------------------------------------
  STAGE=init
  render_init_config | NODE=$CP node_put_root_file init-config.yaml
  t0=$(now); rc=0
  on "$CP" sh -c "$(tool_of "$CP" init)" > "$RUN/init-$CP.out" 2>&1 || rc=$?
  echo "      init on $CP took $(since "$t0")s: $(tool_of "$CP" init)"
  [[ $rc == 0 ]] || { tail -n 40 "$RUN/init-$CP.out"; fail "init exits 0 (exit code $rc)"; }
  pass "init on $CP exits 0"
  local args; args=$(join_args_from "$RUN/init-$CP.out") || fail "init prints a join command (HOST:PORT --token ... --discovery-token-ca-cert-hash sha256:...)"
  pass "init prints the join command: join $args"
  [[ $args == "${IP[$CP]}:6443 "* ]] || fail "the join command names the control plane's lab address ${IP[$CP]}:6443 (got: ${args%% *})"
  if [[ -n $(kc get ds -n kube-flannel -o name 2>/dev/null) ]]; then
    pass "init installed the pod network itself (flannel DaemonSet): the lab's manifest is not applied"
  else
    render_flannel | on "$CP" kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f - > "$RUN/flannel.out" 2>&1 \
      || { cat "$RUN/flannel.out"; fail "flannel manifest applies"; }
    pass "flannel manifest applied"
  fi

  # ---- join of the workers ------------------------------------------------------------------
  STAGE=join
  # the lab's nodes run on cgroup v1 without a kernel config file (as init's config says)
  local extra="--ignore-preflight-errors SystemVerification"
  for n in "${WORKERS[@]}"; do
    t0=$(now); rc=0
    on "$n" sh -c "$(tool_of "$n" join) $args $extra" > "$RUN/join-$n.out" 2>&1 || rc=$?
    echo "      join on $n took $(since "$t0")s: $(tool_of "$n" join) $args $extra"
    [[ $rc == 0 ]] || { tail -n 40 "$RUN/join-$n.out"; fail "join on $n (${TOOL[$n]}) exits 0 (exit code $rc)"; }
    pass "join on $n (${TOOL[$n]}) exits 0"
  done

  # ---- the cluster across nodes ---------------------------------------------------------------
  STAGE=cluster
  await 300 "every node Ready (${NODES[*]})" all_nodes_ready
  check "each node's InternalIP is its lab address ($(for n in "${NODES[@]}"; do printf '%s=%s ' "$n" "${IP[$n]}"; done | sed 's/ $//'))" node_ips_right
  await 240 "flannel on every node Running and Ready" pods_on_every_node kube-flannel app=flannel
  await 240 "kube-proxy on every node Running and Ready" pods_on_every_node kube-system k8s-app=kube-proxy
  await 240 "every kube-system and kube-flannel pod Running and Ready" pods_ready kube-system kube-flannel
  CLIENT_NODE=${WORKERS[${#WORKERS[@]}-1]}
  workloads | kc apply -f - > "$RUN/workloads.out" 2>&1 || { cat "$RUN/workloads.out"; fail "test workloads apply"; }
  await 180 "DaemonSet e2e-web has a Running and Ready pod on every node" pods_on_every_node default app=e2e-web
  await 120 "client pod $CLIENT Ready on $CLIENT_NODE" client_ready
  local w src=${WORKERS[0]}
  [[ $src == "$CLIENT_NODE" ]] && src=$CP
  w=$(web_ip_on "$src")
  [[ $w == 10.244.* ]] || fail "the web pod on $src has a pod network IP (got '$w')"
  await 60 "a pod on $CLIENT_NODE reaches the pod on $src by pod IP $w (flannel vxlan between nodes)" pod_reaches_pod "$w" "$src"
  w=$(web_ip_on "$CP"); await 60 "a pod on $CLIENT_NODE reaches the pod on $CP by pod IP $w" pod_reaches_pod "$w" "$CP"
  SVC_SEEN=""
  local svc; svc=$(kc get svc e2e-web -o 'jsonpath={.spec.clusterIP}')
  await 90 "Service e2e-web (ClusterIP $svc) reaches its endpoints on the other nodes from $CLIENT_NODE" service_reaches_other_nodes "$svc"
  echo "      answers seen through the Service: $SVC_SEEN"
  check "the pod's resolver is kube-dns 10.96.0.10" client_resolver_is_kube_dns
  echo "      CoreDNS runs on: $(coredns_nodes)"
  await 60 "DNS in a pod on $CLIENT_NODE: kubernetes.default.svc.cluster.local resolves to 10.96.0.1" client_resolves
  SVC_SEEN=""
  await 90 "the Service by name (e2e-web.default.svc.cluster.local) reaches endpoints on the other nodes" service_reaches_other_nodes e2e-web.default.svc.cluster.local

  if [[ -n ${JOIN_THEN:-} ]]; then
    STAGE=then; rc=0
    JOIN_CP=$CP JOIN_WORKERS="${WORKERS[*]}" JOIN_RUN=$RUN bash -c "$JOIN_THEN" || rc=$?
    [[ $rc == 0 ]] || fail "JOIN_THEN exits 0 (exit code $rc): $JOIN_THEN"
    pass "JOIN_THEN exits 0: $JOIN_THEN"
  fi

  # ---- reset: workers first, then the control plane --------------------------------------------
  STAGE=reset
  kc delete pod "$CLIENT" --wait=false > /dev/null 2>&1 || true
  for n in "${WORKERS[@]}" "$CP"; do
    t0=$(now); rc=0
    on "$n" sh -c "$(tool_of "$n" reset)" > "$RUN/reset-$n.out" 2>&1 || rc=$?
    echo "      reset on $n took $(since "$t0")s: $(tool_of "$n" reset)"
    [[ $rc == 0 ]] || { tail -n 40 "$RUN/reset-$n.out"; fail "reset on $n exits 0 (exit code $rc)"; }
    pass "reset on $n (${TOOL[$n]}) exits 0"
    STAGE=reset:$n; RESET_TOOL=${TOOL[$n]}
    LAB_NODE=$n reset_left_nothing check strict_or_info
    STAGE=reset
    if [[ $n != "$CP" ]]; then kc delete node "$n" > /dev/null 2>&1 || true; fi
  done
}

main "$@"
