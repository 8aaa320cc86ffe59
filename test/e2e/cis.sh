#!/usr/bin/env bash
# The CIS Kubernetes Benchmark (kube-bench) against the clusters `init` makes: kubeadm's default,
# mini-kubeadm's default and mini-kubeadm's `--profile cis`, one after another on one node.
#   bash test/e2e/cis.sh            (npm run test:cis; LAB_NODE=cs-1 by default)
# Each run: node up, init with the lab's config, flannel (applied unless init did) and every
# kube-system pod Ready, then kube-bench
# (its master, etcd, controlplane and node targets, benchmark CIS_BENCHMARK) inside the node,
# JSON kept in ~/.cache/mini-kubeadm-lab/runs/cis/; node down. Then lib/cis-compare.mjs prints the
# counts side by side and judges: mini-kubeadm's default fails no check kubeadm's passes, and
# the profile leaves no automated check unpassed that is not in manifests/cis-not-applicable.tsv.
# CIS_RUNS picks runs by name (default: all three).
set -Eeuo pipefail
export LAB_NODE=${LAB_NODE:-cs-1}
. "$(dirname "${BASH_SOURCE[0]}")/lib/lab.sh"
. "$E2E_DIR/lib/hostcheck.sh"

CIS_BENCHMARK=${CIS_BENCHMARK:-cis-1.11}   # kube-bench v0.14.0's config.yaml maps up to 1.32; 1.37 is named here
CIS_TARGETS=master,etcd,controlplane,node
RUN=$LAB_CACHE/runs/cis
KB_DIR=$LAB_CACHE/kube-bench@$KUBE_BENCH_VERSION
export HOSTCHECK_NODES=$NODE HOSTCHECK_SENTINEL=/tmp/.mini-kubeadm-lab-sentinel-cis-$NODE
# the runs: name, tool, profile (E2E_PROFILE), what the node gets first (as a user of the profile
# is told: an etcd system user, for the etcd data directory's owner)
RUNS=(
  "kubeadm-default|kubeadm||"
  "mini-kubeadm-default|mini-kubeadm||"
  "mini-kubeadm-cis|mini-kubeadm|cis|useradd --system --no-create-home --shell /usr/sbin/nologin etcd"
)
T_START=$(now)

fail() { echo "FAIL  $*" >&2; diagnose >&2 || true; exit 1; }

cleanup() {
  local rc=$?
  set +e
  if bash "$NODE_SH" status >/dev/null 2>&1; then node_down; fi
  if [[ -d $RUN/before ]]; then
    host_snapshot "$RUN/after"
    host_compare "$RUN/before" "$RUN/after" || { echo "FAIL  the lab changed the host (above)" >&2; rc=1; }
  fi
  rm -f "$HOSTCHECK_SENTINEL"
  echo "cis $([[ $rc == 0 ]] && echo PASSED || echo FAILED) in $(since "$T_START")s; outputs in $RUN"
  exit $rc
}

one_run() { # NAME TOOL PROFILE PREPARE
  local name=$1 prepare=$4 t0 rc=0
  export E2E_TOOL=$2 E2E_PROFILE=$3
  log "run $name: $(tool_cmd init)"
  node_up
  mkdir -p "$(node_state_dir)/root/kube-bench"
  cp -a "$KB_DIR/bin/kube-bench" "$KB_DIR/cfg" "$(node_state_dir)/root/kube-bench/"
  [[ -z $prepare ]] || nx sh -c "$prepare"
  render_init_config | node_put_root_file init-config.yaml
  t0=$(now)
  nx sh -c "$(tool_cmd init)" > "$RUN/$name.init.out" 2>&1 || rc=$?
  [[ $rc == 0 ]] || { tail -n 30 "$RUN/$name.init.out"; fail "$name: init exits $rc"; }
  log "  init took $(since "$t0")s"
  # the cluster as test:e2e has it: the pod network, and every kube-system pod Ready (1.1.10 reads the
  # CNI's IP allocations, made once CoreDNS has its addresses; the node target reads kube-proxy's command line)
  if [[ -z $(kc get ds -n kube-flannel -o name 2>/dev/null) ]]; then
    render_flannel | nx kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f - > "$RUN/$name.flannel.out" 2>&1 || fail "$name: flannel manifest applies"
  fi
  wait_until 300 pods_ready kube-flannel kube-system || fail "$name: flannel and kube-system pods not Ready within 300s"
  nx /root/kube-bench/kube-bench run --config-dir /root/kube-bench/cfg --benchmark "$CIS_BENCHMARK" \
     --targets "$CIS_TARGETS" --json > "$RUN/$name.json" 2> "$RUN/$name.kube-bench.err" \
    || { cat "$RUN/$name.kube-bench.err" >&2; fail "$name: kube-bench exits non-zero"; }
  node_down
}

main() {
  mkdir -p "$RUN"; rm -rf "${RUN:?}"/*
  ensure_deps
  bash "$E2E_DIR/lib/build.sh" kube-bench
  E2E_TOOL=mini-kubeadm tool_available || fail "mini-kubeadm cannot run here yet (npm run build first)"
  ! bash "$NODE_SH" status >/dev/null 2>&1 || fail "node $NODE already runs: bash test/e2e/node.sh down first"
  touch "$HOSTCHECK_SENTINEL"
  host_snapshot "$RUN/before"
  trap cleanup EXIT
  trap 'exit 130' INT; trap 'exit 143' TERM   # an interrupted run ends FAILED, its clean-up done
  local r name tool profile prepare want=" ${CIS_RUNS:-kubeadm-default mini-kubeadm-default mini-kubeadm-cis} "
  for r in "${RUNS[@]}"; do
    IFS='|' read -r name tool profile prepare <<< "$r"
    [[ $want == *" $name "* ]] || continue
    one_run "$name" "$tool" "$profile" "$prepare"
  done
  KUBE_BENCH_VERSION=$KUBE_BENCH_VERSION CIS_BENCHMARK=$CIS_BENCHMARK node "$E2E_DIR/lib/cis-compare.mjs" "$RUN" "$E2E_DIR/manifests/cis-not-applicable.tsv"
}

main "$@"
