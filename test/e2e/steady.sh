#!/usr/bin/env bash
# Steadiness in the real-cluster lab: N consecutive runs of mini-kubeadm's init, each on a fresh
# node, must all reach the Ready state (node Ready, every kube-system and kube-flannel pod
# Ready, kube-dns answers).
#   bash test/e2e/steady.sh              (STEADY_RUNS=20; E2E_TOOL=kubeadm to try the reference,
#                                         whose flannel is then applied right after its init)
# Prints one line per run and, last, "steady: OK/N runs reached Ready". Exit 0 only if all did.
# A run that fails keeps its init output and diagnostics in ~/.cache/mini-kubeadm-lab/runs/steady-*.
set -uo pipefail
# before lab.sh, whose own default is kubeadm
E2E_TOOL=${E2E_TOOL:-mini-kubeadm}
. "$(dirname "${BASH_SOURCE[0]}")/lib/lab.sh"
N=${STEADY_RUNS:-20}
OUT=$LAB_CACHE/runs/steady-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
trap 'node_down >/dev/null 2>&1 || true' EXIT

one_run() { # I -> 0 when Ready
  local i=$1 d=$OUT/run-$1 t0 rc=0 tinit
  mkdir -p "$d"
  node_up 2>"$d/node-up.log" || { echo "run $i: node up failed ($d/node-up.log)"; return 1; }
  render_init_config | node_put_root_file init-config.yaml
  t0=$(now)
  nx sh -c "$(tool_cmd init)" > "$d/init.out" 2>&1 || rc=$?
  tinit=$(since "$t0")
  if [[ $rc != 0 ]]; then
    echo "run $i: init exit $rc after ${tinit}s: $(grep -m1 -E '^(error|\[ERROR)' "$d/init.out" || tail -n 1 "$d/init.out")"
    diagnose > "$d/diagnostics.txt" 2>&1; node_down >/dev/null 2>&1; return 1
  fi
  kc get ns kube-flannel >/dev/null 2>&1 || render_flannel | bash "$NODE_SH" exec -- kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f - >"$d/flannel.out" 2>&1
  if wait_until 420 cluster_ready; then
    echo "run $i: init exit 0 after ${tinit}s, Ready at $(since "$t0")s"
    node_down >/dev/null 2>&1; return 0
  fi
  echo "run $i: init exit 0 after ${tinit}s, NOT Ready within 420 s (diagnostics: $d/diagnostics.txt)"
  diagnose > "$d/diagnostics.txt" 2>&1; node_down >/dev/null 2>&1; return 1
}

ensure_deps >&2
tool_available || { echo "$E2E_TOOL cannot run here (npm ci && npm run build)" >&2; exit 1; }
! bash "$NODE_SH" status >/dev/null 2>&1 || { echo "node $NODE already runs: bash test/e2e/node.sh down" >&2; exit 1; }
ok=0
for i in $(seq "$N"); do one_run "$i" && ok=$((ok + 1)); done
echo "steady: $ok/$N runs reached Ready ($E2E_TOOL, outputs in $OUT)"
[[ $ok == "$N" ]]
