#!/usr/bin/env bash
# Three control planes behind a load balancer (issue 14, lab (b)): haproxy from Debian runs in the
# lab network's own namespace on its bridge address (172.31.1.1:6443, TCP, health checks on
# /readyz) as the control-plane endpoint; mini-kubeadm `init --control-plane-endpoint ...
# --upload-certs` on the first node, `join --control-plane --certificate-key` of the two others.
# Checked: three voting etcd members healthy, every API server and the endpoint answer; one
# control plane stopped: the API still answers through the endpoint and writes succeed; that
# node back wiped under the same name: its join names the stale etcd member, run again with
# --replace-stale-member it ends with three healthy members; a join killed (SIGKILL) halfway and
# run again finishes; `reset` of a control plane leaves two healthy members. Then every node goes,
# haproxy goes, and the host is as before.
#   bash test/e2e/ha.sh          (npm run test:ha)
#   E2E_PROFILE=cis bash test/e2e/ha.sh   (the cluster made with init --profile cis: every node
#                                get an etcd user first; after the joins, stage "profile" checks
#                                that each node has the init node's profile files, its per-node
#                                settings, and that a Secret written through one API server reads
#                                back through the others, which needs the same encryption key)
# Env: LAB_NET (mkl-ha), HA_NODES ("ha-a ha-b ha-c"), HA_IP_BASE (172.31.1: nodes .10 .11 .12,
#      the endpoint on the bridge's .1); E2E_REPO: the checkout whose build the nodes get;
#      HA_LIB_DIR: the lab library to use (default test/e2e/lib); E2E_KEEP_NODE=1 keeps the nodes.
set -Eeuo pipefail
trap 'echo "ha: unexpected error (exit $?) at ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND" >&2' ERR
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export E2E_REPO=${E2E_REPO:-$(cd "$HERE/../.." && pwd)}
. "${HA_LIB_DIR:-$HERE/lib}/lab.sh"
. "$E2E_DIR/lib/hostcheck.sh"
E2E_TOOL=mini-kubeadm

export LAB_NET=${LAB_NET:-mkl-ha}
export LAB_NETS_OURS=$LAB_NET
export HOSTCHECK_SENTINEL=/tmp/.mini-kubeadm-lab-sentinel-ha-$LAB_NET
export HOSTCHECK_NODES="${HA_NODES:-ha-a ha-b ha-c}"
read -r -a NODES <<< "${HA_NODES:-ha-a ha-b ha-c}"
A=${NODES[0]}; B=${NODES[1]}; C=${NODES[2]}
IP_BASE=${HA_IP_BASE:-172.31.1}
ENDPOINT=$IP_BASE.1:6443
declare -A IP
i=10; for n in "${NODES[@]}"; do IP[$n]=$IP_BASE.$i; i=$((i + 1)); done
RUN=$LAB_CACHE/runs/ha
HAPROXY_VERSION=2.6.12-1+deb12u4
HAPROXY_DIR=$LAB_CACHE/haproxy@$HAPROXY_VERSION
T_START=$(now)
STAGE=setup

kc() { on "$A" kubectl --kubeconfig /etc/kubernetes/admin.conf "$@"; }
# kubectl through the control-plane endpoint (the load balancer), from a node that is up
kc_lb() { on "$A" kubectl --kubeconfig /etc/kubernetes/admin.conf -s "https://$ENDPOINT" "$@"; }
mk() { echo "$(mk_in_node) $*"; }

pass() { printf 'PASS  [%s] %s\n' "$STAGE" "$*"; }
fail() { printf 'FAIL  [%s] %s\n' "$STAGE" "$*" >&2; diagnose_all >&2 || true; exit 1; }
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
await() { local t=$1 d=$2 t0; shift 2; t0=$(now); if wait_until "$t" "$@"; then pass "$d ($(since "$t0")s)"; else fail "$d (not within ${t}s)"; fi; }

diagnose_all() {
  echo "======== diagnostics (HA cluster on $LAB_NET: ${NODES[*]}, endpoint $ENDPOINT) ========"
  LAB_NET=$LAB_NET bash "$NODE_SH" net status 2>&1 || true
  [[ -f $RUN/haproxy.log ]] && { echo "---- haproxy (last 20 lines)"; tail -n 20 "$RUN/haproxy.log"; }
  local n
  for n in "${NODES[@]}"; do
    LAB_NODE=$n bash "$NODE_SH" status >/dev/null 2>&1 || continue
    echo "==== node $n"; on "$n" crictl ps -a 2>&1 | head -15
    echo "---- kubelet log (last 20 lines)"; LAB_NODE=$n bash "$NODE_SH" logs kubelet 2>/dev/null | tail -n 20
  done
  members table 2>&1 || true
}

# ---- haproxy from Debian, in the lab network's namespace ------------------------------------
haproxy_fetch() { # the Debian package and the libraries it needs beyond the host's, unpacked into the lab cache
  [[ -x $HAPROXY_DIR/usr/sbin/haproxy ]] && return 0
  local tmp; tmp=$(mktemp -d); mkdir -p "$HAPROXY_DIR.tmp"
  (cd "$tmp" && apt-get download "haproxy=$HAPROXY_VERSION" liblua5.3-0 libopentracing-c-wrapper0 libopentracing1 >/dev/null 2>&1) || { rm -rf "$tmp"; fail "apt-get download haproxy $HAPROXY_VERSION (and its libraries)"; }
  local d; for d in "$tmp"/*.deb; do dpkg-deb -x "$d" "$HAPROXY_DIR.tmp"; done
  rm -rf "$tmp"; mv "$HAPROXY_DIR.tmp" "$HAPROXY_DIR"
}
haproxy_cmd() { echo "env LD_LIBRARY_PATH=$HAPROXY_DIR/usr/lib/x86_64-linux-gnu $HAPROXY_DIR/usr/sbin/haproxy"; }
haproxy_start() {
  local n
  { printf 'global\n  maxconn 256\n  log stdout format raw local0\ndefaults\n  mode tcp\n  log global\n  option tcplog\n'
    printf '  timeout connect 5s\n  timeout client 10m\n  timeout server 10m\n'
    printf 'frontend control-plane\n  bind %s\n  default_backend apiservers\n' "$ENDPOINT"
    printf 'backend apiservers\n  option httpchk GET /readyz\n  http-check expect status 200\n'
    printf '  default-server check check-ssl verify none inter 2s fall 2 rise 1\n'
    for n in "${NODES[@]}"; do printf '  server %s %s:6443\n' "$n" "${IP[$n]}"; done
  } > "$RUN/haproxy.cfg"
  local holder; holder=$(cat "${LAB_STATE_ROOT:-/var/lib/mini-kubeadm-lab}/_net-$LAB_NET/pid")
  # foreground (-db) in the background: its pid is ours to kill, its log goes to the run dir
  nsenter -t "$holder" -n -- $(haproxy_cmd) -db -f "$RUN/haproxy.cfg" > "$RUN/haproxy.log" 2>&1 &
  HAPROXY_PID=$!
  sleep 1
  kill -0 "$HAPROXY_PID" 2>/dev/null || fail "haproxy starts in the lab network namespace ($(tail -n 5 "$RUN/haproxy.log"))"
}
haproxy_stop() { if [[ -n ${HAPROXY_PID:-} ]]; then kill "$HAPROXY_PID" 2>/dev/null; wait "$HAPROXY_PID" 2>/dev/null || true; fi; HAPROXY_PID=; }

# ---- etcd, asked with etcdctl inside a node's etcd container ---------------------------------
ETCDCTL='id=$(crictl ps --name etcd -q | head -1); exec crictl exec $id etcdctl --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key'
etcdctl_on() { local n=$1; shift; on "$n" sh -c "$ETCDCTL $*"; }
members() { etcdctl_on "$A" member list -w "${1:-simple}"; }
# exactly these node names as voting, started members
voters_are() { local want got; want=$(printf '%s\n' "$@" | sort | tr '\n' ' '); got=$(members | awk -F', ' '$2=="started" && $6=="false" {print $3}' | sort | tr '\n' ' '); [[ $(members | wc -l) == $# && $got == "$want" ]]; }
healthy_on() { local eps="" n; for n in "$@"; do eps+="${eps:+,}https://${IP[$n]}:2379"; done; etcdctl_on "$A" --endpoints "$eps" endpoint health >/dev/null 2>&1; }
# lb_marked_down NODE LINES: haproxy's log says NODE is DOWN after its first LINES lines
lb_marked_down() { tail -n +$(($2 + 1)) "$RUN/haproxy.log" | grep -q "apiservers/$1 is DOWN"; }
api_ready_at() { kc -s "https://$1" get --raw /readyz 2>/dev/null | grep -qx ok; }
node_is() { [[ $(kc get node "$1" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == "$2" ]]; }
node_not_ready() { ! node_is "$1" True; }

# the step after which the interrupted join is killed: its etcd member is announced and not yet started, the
# state in which kubeadm's second try fails with "Peer URLs already exists" (kubeadm issue 2095)
KILL_AFTER='Announced new etcd member'
# run a control-plane join on node $1 and SIGKILL it (inside the node's own PID namespace) as soon as its output
# shows line $2: the kill follows the join's progress, not a clock; fails if the join ends first
kill_join_after() {
  local n=$1 line=$2 out=$3 pid i
  on "$n" sh -c "$(mk join) $JOIN_ARGS --ignore-preflight-errors SystemVerification" > "$out" 2>&1 &
  pid=$!
  for ((i = 0; i < 3000; i++)); do
    grep -qF "$line" "$out" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  grep -qF "$line" "$out" || { local rc=0; wait "$pid" || rc=$?; tail -n 20 "$out"; fail "the join on $n shows \"$line\" before it ends (exit $rc)"; }
  on "$n" pkill -KILL -f 'mini-kubeadm join' || true
  wait "$pid" && fail "the join on $n is killed after \"$line\" (it exited 0 first)"
  grep -q 'This node has joined the cluster' "$out" && fail "the join on $n is killed before it finishes"
  return 0
}

cleanup() {
  local rc=$? n
  set +e
  trap - ERR
  STAGE=cleanup
  if [[ ${E2E_KEEP_NODE:-0} == 1 ]]; then
    echo "nodes kept running (E2E_KEEP_NODE=1): kill $HAPROXY_PID (haproxy); for n in ${NODES[*]}; do LAB_NODE=\$n bash test/e2e/node.sh down; done"
  else
    # haproxy first: a process in the lab namespace would keep it alive after the last node
    haproxy_stop
    for n in "$C" "$B" "$A"; do LAB_NODE=$n bash "$NODE_SH" down >/dev/null 2>&1; done
    if [[ -d $RUN/before ]]; then
      host_snapshot "$RUN/after"
      if host_compare "$RUN/before" "$RUN/after"; then pass "host unchanged (nodes, haproxy and the lab network gone)"
      else echo "FAIL  [cleanup] the lab changed the host (above)" >&2; rc=1; fi
    fi
  fi
  rm -f "$HOSTCHECK_SENTINEL"
  echo "ha (${NODES[*]}, endpoint $ENDPOINT) $([[ $rc == 0 ]] && echo PASSED || echo FAILED) in $(since "$T_START")s; outputs in $RUN"
  exit $rc
}

join_line() { # the control-plane join command init printed, as arguments
  local f=$1 tok hash key
  tok=$(grep -oE -- '--token [a-z0-9]{6}\.[a-z0-9]{16}' "$f" | head -1 | cut -d' ' -f2)
  hash=$(grep -oE 'sha256:[0-9a-f]{64}' "$f" | head -1)
  key=$(grep -oE -- '--certificate-key [0-9a-f]{64}' "$f" | head -1 | cut -d' ' -f2)
  [[ -n $tok && -n $hash && -n $key ]] || return 1
  echo "$ENDPOINT --token $tok --discovery-token-ca-cert-hash $hash --control-plane --certificate-key $key"
}
up_node() {
  LAB_NODE=$1 LAB_NODE_IP=${IP[$1]} bash "$NODE_SH" up >/dev/null && NODE=$1 node_install_tool || return 1
  # the profile asks the user for an etcd system user (the etcd data directory's owner), as cis.sh does
  [[ -z ${E2E_PROFILE:-} ]] || on "$1" sh -c 'id etcd >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin etcd'
}
# the profile on every node: the init node's files, byte for byte and 0600; the per-node settings;
# the API server's flags; Secrets readable through every API server (one encryption key); an audit log
profile_checks() {
  local n sums f
  sums=$(on "$A" sh -c 'cd /etc/kubernetes/cis && sha256sum *.yaml')
  [[ -n $sums ]] || fail "the profile's files on $A"
  for n in "$B" "$C"; do
    check "$n has $A's profile files, byte for byte" eval '[[ "$(on "$n" sh -c "cd /etc/kubernetes/cis && sha256sum *.yaml")" == "$sums" ]]'
  done
  for n in "${NODES[@]}"; do
    for f in /etc/kubernetes/cis/audit-policy.yaml /etc/kubernetes/cis/admission-config.yaml /etc/kubernetes/cis/encryption-config.yaml /var/lib/kubelet/config.yaml; do
      check "$n: $f 0600" eval '[[ "$(on "$n" stat -c %a "$f")" == 600 ]]'
    done
    check "$n: /var/lib/etcd owned by etcd" eval '[[ "$(on "$n" stat -c %U:%G /var/lib/etcd)" == etcd:etcd ]]'
    check "$n: kube-apiserver reads the encryption configuration" on "$n" grep -q -- '--encryption-provider-config=/etc/kubernetes/cis/encryption-config.yaml' /etc/kubernetes/manifests/kube-apiserver.yaml
    await 60 "$n: the audit log is written" on "$n" test -s /var/log/kubernetes/audit/audit.log
  done
  kc -s "https://${IP[$A]}:6443" create secret generic ha-profile-a --from-literal=k=from-a >/dev/null || fail "a Secret written through $A's API server"
  kc -s "https://${IP[$C]}:6443" create secret generic ha-profile-c --from-literal=k=from-c >/dev/null || fail "a Secret written through $C's API server"
  for n in "${NODES[@]}"; do
    check "$n's API server reads the Secret written through $A" eval '[[ "$(kc -s "https://${IP[$n]}:6443" get secret ha-profile-a -o jsonpath={.data.k} | base64 -d)" == from-a ]]'
    check "$n's API server reads the Secret written through $C" eval '[[ "$(kc -s "https://${IP[$n]}:6443" get secret ha-profile-c -o jsonpath={.data.k} | base64 -d)" == from-c ]]'
  done
}
join_cp() { # NODE OUT [EXTRA...]: join NODE as a control plane; the exit code
  local n=$1 out=$2; shift 2
  on "$n" sh -c "$(mk join) $JOIN_ARGS --ignore-preflight-errors SystemVerification $*" > "$out" 2>&1
}

main() {
  mkdir -p "$RUN"; rm -f "$RUN"/*.out
  [[ -f $E2E_REPO/dist/src/main.js ]] || fail "mini-kubeadm is built in $E2E_REPO (npm run build)"
  local n
  for n in "${NODES[@]}"; do
    if LAB_NODE=$n bash "$NODE_SH" status >/dev/null 2>&1; then fail "node $n already runs: LAB_NODE=$n bash test/e2e/node.sh down"; fi
  done
  haproxy_fetch
  pass "haproxy $HAPROXY_VERSION from Debian in $HAPROXY_DIR"
  touch "$HOSTCHECK_SENTINEL"
  host_snapshot "$RUN/before"
  trap cleanup EXIT
  trap 'exit 130' INT; trap 'exit 143' TERM   # an interrupted run ends FAILED, its clean-up done

  STAGE=nodes
  for n in "${NODES[@]}"; do up_node "$n"; done
  pass "nodes ${NODES[*]} up on lab network $LAB_NET"
  haproxy_start
  pass "haproxy listens on $ENDPOINT in the lab network namespace (TCP, checks /readyz on ${NODES[*]})"

  STAGE=init
  render_init_config | sed "s|^kubernetesVersion: .*|&\ncontrolPlaneEndpoint: $ENDPOINT|" | NODE=$A node_put_root_file init-config.yaml
  local t0; t0=$(now)
  on "$A" sh -c "$(mk init --config /root/init-config.yaml --upload-certs ${E2E_PROFILE:+--profile $E2E_PROFILE})" > "$RUN/init-$A.out" 2>&1 || { tail -n 30 "$RUN/init-$A.out"; fail "init on $A exits 0"; }
  pass "init --control-plane-endpoint $ENDPOINT --upload-certs on $A ($(since "$t0")s)"
  JOIN_ARGS=$(join_line "$RUN/init-$A.out") || fail "init prints the control-plane join command (--control-plane --certificate-key)"
  await 120 "the endpoint $ENDPOINT answers (haproxy -> $A)" api_ready_at "$ENDPOINT"

  STAGE=join
  for n in "$B" "$C"; do
    t0=$(now)
    join_cp "$n" "$RUN/join-$n.out" || { tail -n 30 "$RUN/join-$n.out"; fail "join --control-plane on $n exits 0"; }
    pass "join --control-plane on $n ($(since "$t0")s)"
  done
  check "kubeadm's control-plane closing text" grep -q 'This node has joined the cluster and a new control plane instance was created' "$RUN/join-$C.out"
  await 60 "three voting etcd members: ${NODES[*]}" voters_are "${NODES[@]}"
  await 60 "every etcd member healthy" healthy_on "${NODES[@]}"
  for n in "${NODES[@]}"; do await 60 "the API server on $n answers /readyz" api_ready_at "${IP[$n]}:6443"; done
  await 300 "every node Ready" eval 'node_is "$A" True && node_is "$B" True && node_is "$C" True'
  members table
  if [[ -n ${E2E_PROFILE:-} ]]; then STAGE=profile; profile_checks; fi

  STAGE=one-down
  local lb_lines; lb_lines=$(wc -l < "$RUN/haproxy.log")
  LAB_NODE=$C bash "$NODE_SH" down >/dev/null
  pass "$C stopped (no reset)"
  # until haproxy's /readyz check (every 2 s, down after 2 failures) takes $C out, a connection
  # may still go to it and time out in the TLS handshake: that is the load balancer's window, not
  # the cluster's (a write once failed in it, 2026-12-05 12:53)
  await 30 "haproxy takes $C out of the backends" lb_marked_down "$C" "$lb_lines"
  await 60 "the API answers through $ENDPOINT with $C gone" api_ready_at "$ENDPOINT"
  check "a write through the endpoint succeeds" kc_lb create configmap ha-write-with-one-down --from-literal=a=b
  check "the other two members healthy (quorum 2 of 3)" healthy_on "$A" "$B"

  STAGE=stale
  up_node "$C"
  pass "$C back, wiped, same name and address"
  await 120 "Node $C no longer Ready (its old kubelet is gone)" node_not_ready "$C"
  if join_cp "$C" "$RUN/join-$C-stale.out"; then fail "join of the wiped $C stops at the stale etcd member"; fi
  check "the stale member is named" grep -q 'etcd still lists member .* left by an earlier node named "'"$C"'" that was not reset' "$RUN/join-$C-stale.out"
  check "the fix is named (--replace-stale-member)" grep -q -- '--replace-stale-member' "$RUN/join-$C-stale.out"
  check "check-etcd passed on quorum with the dead member" grep -q 'etcd has quorum: 2 of 3 members answer' "$RUN/join-$C-stale.out"
  join_cp "$C" "$RUN/join-$C-replace.out" --replace-stale-member || { tail -n 30 "$RUN/join-$C-replace.out"; fail "join run again with --replace-stale-member exits 0"; }
  pass "join run again with --replace-stale-member"
  check "it carried on with the files of the first run" grep -q 'earlier run of this join to the same cluster' "$RUN/join-$C-replace.out"
  await 60 "three voting etcd members again" voters_are "${NODES[@]}"
  await 60 "every etcd member healthy" healthy_on "${NODES[@]}"

  STAGE=interrupted
  on "$C" sh -c "$(mk reset --force)" > "$RUN/reset-$C.out" 2>&1 || fail "reset on $C exits 0"
  kc delete node "$C" >/dev/null
  await 60 "two voting members after the reset of $C" voters_are "$A" "$B"
  kill_join_after "$C" "$KILL_AFTER" "$RUN/join-$C-killed.out"
  pass "join on $C killed (SIGKILL) right after \"$KILL_AFTER\"; its last phase: $(grep -E '^\[[a-z/-]+\] ' "$RUN/join-$C-killed.out" | tail -1)"
  join_cp "$C" "$RUN/join-$C-again.out" || { tail -n 30 "$RUN/join-$C-again.out"; fail "the killed join, run again, exits 0"; }
  pass "the killed join, run again, finishes"
  await 60 "three voting etcd members" voters_are "${NODES[@]}"
  await 60 "every etcd member healthy" healthy_on "${NODES[@]}"
  await 240 "every node Ready" eval 'node_is "$A" True && node_is "$B" True && node_is "$C" True'

  STAGE=reset
  on "$B" sh -c "$(mk reset --force)" > "$RUN/reset-$B.out" 2>&1 || fail "reset on $B exits 0"
  check "reset on $B removed its etcd member" grep -q "removed etcd member" "$RUN/reset-$B.out"
  await 60 "two voting members remain: $A $C" voters_are "$A" "$C"
  check "both healthy" healthy_on "$A" "$C"
  await 60 "the API answers through $ENDPOINT" api_ready_at "$ENDPOINT"
  check "a write through the endpoint succeeds" kc_lb create configmap ha-write-after-reset --from-literal=a=b
}

main "$@"
