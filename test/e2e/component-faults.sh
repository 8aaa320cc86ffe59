#!/usr/bin/env bash
# A control plane that cannot start, in the real-cluster lab: init must fail soon, with the reason.
#   bash test/e2e/component-faults.sh                    (npm run test:component-faults)
#   FAULT_CASES="images kube-apiserver" bash test/e2e/component-faults.sh
# Cases, each on a fresh node (LAB_NODE, default node-f), mini-kubeadm installed as a user would:
#   images: init of v1.36.3 on a node that has only v1.37.2's images, imagePullPolicy Never
#     (the lab's): preflight fails at once (exit 2), its ImagePull error names each missing
#     image (and not the pause image the node has), and nothing is written;
#   images-pull: the same with imagePullPolicy IfNotPresent: no registry answers here, so
#     each pull fails (the node's DNS gives up after ~10 s); preflight fails within 120 s,
#     naming each image with the runtime's reason, nothing written;
#   etcd, kube-apiserver, kube-controller-manager, kube-scheduler: init --config with one
#     unknown flag in that component's extraArgs: init exits non-zero within FAULT_LIMIT
#     seconds (60), its error names the component and shows the container's own error line
#     (the unknown flag); `reset --force` then leaves nothing (lib/clean.sh).
# Every init runs under `timeout` (FAULT_HARD_LIMIT, 180 s) inside the node: a hang is a failure,
# never a stuck test. Each node goes down after its case and the host must be as before
# (lib/hostcheck.sh). A failed assertion fails its case; the other cases still run.
set -Eeuo pipefail
export LAB_NODE=${LAB_NODE:-node-f}
. "$(dirname "${BASH_SOURCE[0]}")/lib/lab.sh"
. "$E2E_DIR/lib/clean.sh"
. "$E2E_DIR/lib/hostcheck.sh"
E2E_TOOL=mini-kubeadm
RUN=$LAB_CACHE/runs/component-faults
LIMIT=${FAULT_LIMIT:-60}
HARD_LIMIT=${FAULT_HARD_LIMIT:-180}
CASES=${FAULT_CASES:-images images-pull etcd kube-apiserver kube-controller-manager kube-scheduler}
T_START=$(now)
STAGE=setup
passes=0
failures=0
case_failed=0

pass() { printf 'PASS  [%s] %s\n' "$STAGE" "$*"; passes=$((passes + 1)); }
fail() { printf 'FAIL  [%s] %s\n' "$STAGE" "$*" >&2; failures=$((failures + 1)); case_failed=1; }
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
die() { printf 'FAIL  [%s] %s\n' "$STAGE" "$*" >&2; exit 1; }

# the ClusterConfiguration field that holds each component's extraArgs (v1beta4 list form),
# and the line the component itself writes for an unknown flag (pflag for the kube-*
# components; etcd parses its flags with Go's flag package)
declare -A FIELD=(
  [etcd]=$'etcd:\n  local:\n    extraArgs:\n    - name: no-such-flag\n      value: "1"'
  [kube-apiserver]=$'apiServer:\n  extraArgs:\n  - name: no-such-flag\n    value: "1"'
  [kube-controller-manager]=$'controllerManager:\n  extraArgs:\n  - name: no-such-flag\n    value: "1"'
  [kube-scheduler]=$'scheduler:\n  extraArgs:\n  - name: no-such-flag\n    value: "1"'
)
declare -A OWN_ERROR=(
  [etcd]='flag provided but not defined: -no-such-flag'
  [kube-apiserver]='unknown flag: --no-such-flag'
  [kube-controller-manager]='unknown flag: --no-such-flag'
  [kube-scheduler]='unknown flag: --no-such-flag'
)

# the lab's init config with TEXT added to its ClusterConfiguration (after its kind line)
config_with() { render_init_config | awk -v add="$1" '{ print } /^kind: ClusterConfiguration$/ { print add }'; }

# init under a hard limit inside the node (a hang ends there: exit 124); OUT gets its output,
# the exit code and seconds go to INIT_RC and INIT_SECS
run_init() {
  local out=$1 t0; t0=$(now); INIT_RC=0
  nx timeout -k 10 "$HARD_LIMIT" sh -c "$(tool_cmd init)" > "$out" 2>&1 || INIT_RC=$?
  INIT_SECS=$(since "$t0")
  echo "      init: exit $INIT_RC after ${INIT_SECS}s (output: $out)"
}
within() { awk -v s="$INIT_SECS" -v l="$1" 'BEGIN { exit !(s <= l) }'; }
# the error part of init's output: from its "error:" line on
error_part() { sed -n '/^error: /,$p' "$1"; }
error_names() { error_part "$1" | grep -qF -- "$2"; }
# what exists under the paths init writes, in the node (for "nothing written")
written_paths() { nx sh -c 'find /etc/kubernetes /var/lib/kubelet /var/lib/etcd -mindepth 1 2>/dev/null | sort'; }

# images POLICY: v1.36.3's images wanted, the node has v1.37.2's (pause 3.10.2 is the same)
case_images() {
  local policy=$1 out=$RUN/$STAGE/init.out before after i limit problem count
  # the lab's config for v1.36.3; kubelet 1.37.2 is newer than that control plane, which
  # KubeletVersion refuses: ignored, so that ImagePull is the check that stops init
  config_with '' | sed -e 's|^kubernetesVersion: .*|kubernetesVersion: v1.36.3|' -e 's|^  - SystemVerification$|  - SystemVerification\n  - KubeletVersion|' \
    -e "s|^  imagePullPolicy: .*|  imagePullPolicy: $policy|" | node_put_root_file init-config.yaml
  if [[ $policy == Never ]]; then
    limit=20; problem='not present'; count='6 of the 7 control-plane images are not in the container runtime (imagePullPolicy Never)'
  else
    # no registry: each pull ends at the node's DNS timeout (~10 s, 'lookup registry.k8s.io ... i/o timeout')
    limit=120; problem='pull failed: '; count="6 of the 7 control-plane images are not available (imagePullPolicy $policy)"
  fi
  before=$(written_paths)
  run_init "$out"
  check "init exits 2 (a failed preflight check), not by the time limit (exit $INIT_RC)" test "$INIT_RC" = 2
  check "init fails within ${limit}s (${INIT_SECS}s)" within "$limit"
  check "the error is ImagePull's" error_names "$out" '[ERROR ImagePull]'
  for i in registry.k8s.io/kube-apiserver:v1.36.3 registry.k8s.io/kube-controller-manager:v1.36.3 registry.k8s.io/kube-scheduler:v1.36.3 \
           registry.k8s.io/kube-proxy:v1.36.3 registry.k8s.io/coredns/coredns:v1.14.2 registry.k8s.io/etcd:3.6.8-0; do
    check "the error names $i: $problem..." error_names "$out" "$i: $problem"
  done
  [[ $policy == Never ]] || check "each reason is the runtime's own, without crictl's log frame (failed to pull and unpack image ... lookup registry.k8s.io)" \
    eval '[[ $(error_part "$out" | grep -c ": pull failed: .*failed to pull and unpack image .*lookup registry.k8s.io") == 6 && -z $(error_part "$out" | grep -F "level=error") ]]'
  check "the error does not name the pause image the node has (registry.k8s.io/pause:3.10.2)" eval '! error_names "$out" registry.k8s.io/pause:3.10.2'
  check "the error counts them: $count" error_names "$out" "$count"
  check "the hint says how to get them (kubeadm config images pull --kubernetes-version v1.36.3, ctr -n k8s.io images import)" \
    eval 'error_names "$out" "kubeadm config images pull --kubernetes-version v1.36.3" && error_names "$out" "ctr -n k8s.io images import"'
  after=$(written_paths)
  check "nothing written under /etc/kubernetes, /var/lib/kubelet, /var/lib/etcd" test "$before" = "$after"
  [[ $case_failed == 0 ]] || error_part "$out" | head -n 30 | sed 's/^/      | /'
}

case_component() {
  local c=$1 out=$RUN/$1/init.out
  config_with "${FIELD[$c]}" | node_put_root_file init-config.yaml
  run_init "$out"
  check "init exits non-zero, not by the ${HARD_LIMIT}s limit (exit $INIT_RC)" eval '[[ $INIT_RC != 0 && $INIT_RC != 124 && $INIT_RC != 137 ]]'
  check "init fails within ${LIMIT}s (${INIT_SECS}s)" within "$LIMIT"
  check "its error names $c" error_names "$out" "$c"
  check "its error shows the container's own line: ${OWN_ERROR[$c]}" error_names "$out" "${OWN_ERROR[$c]}"
  [[ $case_failed == 0 ]] || { error_part "$out" | head -n 30 | sed 's/^/      | /'; diagnose > "$RUN/$c/diagnose.out" 2>&1 || true; }
  local r=$RUN/$c/reset.out
  if nx sh -c "$(tool_cmd reset)" > "$r" 2>&1; then pass "reset --force exits 0"; else tail -n 20 "$r"; fail "reset --force exits 0 (see $r)"; fi
  reset_left_nothing check
}

# host_snapshot, narrowed to this node: other sessions run their own lab nodes and test:api
# components on this machine meanwhile, so their cgroups (mini-kubeadm-lab-OTHER) are left out
# (as are npm test's temp dirs in /tmp and its network namespaces), and the lab processes recorded are those in this node's cgroup (every process of a node,
# containers included, lives under it); mounts, links, iptables, sysctls, paths stay whole
host_snapshot_node() {
  local d=$1 f pid
  # the sentinel says /tmp is shared (hostcheck.sh); another lab script ending meanwhile removes it
  touch /tmp/.mini-kubeadm-lab-sentinel
  host_snapshot "$d"
  # npm test's temp dirs (test/helpers/tmp-host.ts: mk-*) come and go with other sessions' runs
  f=$d/tmp; grep -v '^mk-' "$f" > "$f.n" || true; mv "$f.n" "$f"
  # and their network namespaces (test/helpers/netns.ts: /run/netns/mk-*)
  f=$d/mounts; grep -v -e '^/run/netns/mk-' -e ' mk-reset-test' "$f" > "$f.n" || true; mv "$f.n" "$f"
  f=$d/cgroups; awk -v own="mini-kubeadm-lab-$NODE" '!/mini-kubeadm-lab-/ || index($0, own "/") || $0 ~ own "$"' "$f" > "$f.n" && mv "$f.n" "$f"
  for f in /proc/[0-9]*/cgroup; do
    pid=${f#/proc/}; pid=${pid%/cgroup}
    grep -q "mini-kubeadm-lab-$NODE\(/\|$\)" "$f" 2>/dev/null && echo "$pid $(cat "/proc/$pid/comm" 2>/dev/null)"
  done | sort > "$d/lab-procs" || true
}

cleanup() {
  local rc=$?
  set +e
  bash "$NODE_SH" status >/dev/null 2>&1 && node_down >/dev/null 2>&1
  [[ $SENTINEL_WAS == 1 ]] || rm -f /tmp/.mini-kubeadm-lab-sentinel
  (( failures == 0 )) || rc=1
  echo "component-faults $([[ $rc == 0 ]] && echo PASSED || echo FAILED): $passes assertions passed, $failures failed, in $(since "$T_START")s; outputs in $RUN"
  exit $rc
}

main() {
  mkdir -p "$RUN"; rm -rf "${RUN:?}"/*
  ensure_deps
  tool_available || die "mini-kubeadm is not built (npm ci && npm run build)"
  ! bash "$NODE_SH" status >/dev/null 2>&1 || die "node $NODE already runs: LAB_NODE=$NODE bash test/e2e/node.sh down"
  SENTINEL_WAS=0; [[ ! -e /tmp/.mini-kubeadm-lab-sentinel ]] || SENTINEL_WAS=1
  trap cleanup EXIT
  trap 'exit 130' INT; trap 'exit 143' TERM   # an interrupted run ends FAILED, its clean-up done
  local c t0
  for c in $CASES; do
    [[ $c == images || $c == images-pull || -n ${FIELD[$c]:-} ]] || die "unknown case $c (images images-pull etcd kube-apiserver kube-controller-manager kube-scheduler)"
    STAGE=$c; case_failed=0; t0=$(now)
    mkdir -p "$RUN/$c"
    host_snapshot_node "$RUN/$c/host-before"
    node_up >/dev/null 2>&1 || die "node $NODE up"
    case $c in
      images) case_images Never ;;
      images-pull) case_images IfNotPresent ;;
      *) case_component "$c" ;;
    esac
    node_down >/dev/null 2>&1 || fail "node $NODE down"
    host_snapshot_node "$RUN/$c/host-after"
    if host_compare "$RUN/$c/host-before" "$RUN/$c/host-after"; then pass "node down, host unchanged"; else fail "node down, host unchanged (above)"; fi
    echo "      case $c took $(since "$t0")s"
  done
}

main "$@"
