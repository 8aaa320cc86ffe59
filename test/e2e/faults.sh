#!/usr/bin/env bash
# Faults in the real-cluster lab: mini-kubeadm's init killed (SIGKILL) at each phase boundary.
#   bash test/e2e/faults.sh                       (every boundary of init)
#   FAULT_PHASES="certs kubelet-start" bash test/e2e/faults.sh
# For each top-level phase P of init but the last, on one node:
#   1. init is killed the moment it reports "P done" (--output json: the next phase may have
#      begun, as in a real crash); then `reset --force` must leave nothing behind;
#   2. init is killed there again, and the same init run once more must exit 0 and reach a
#      Ready cluster (node Ready, every kube-system and kube-flannel pod Ready, kube-dns
#      answers); `reset --force` must then leave nothing behind again, for the next boundary.
# The node is removed at the end (trap); E2E_KEEP_NODE=1 keeps it after a failure.
set -Eeuo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/lab.sh"
. "$E2E_DIR/lib/clean.sh"
E2E_TOOL=mini-kubeadm
RUN=$LAB_CACHE/runs/faults
T_START=$(now)
STAGE=setup
passes=0

pass() { printf 'PASS  [%s] %s\n' "$STAGE" "$*"; passes=$((passes + 1)); }
fail() { printf 'FAIL  [%s] %s\n' "$STAGE" "$*" >&2; diagnose >&2 || true; exit 1; }
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
await() { local t=$1 d=$2 t0; shift 2; t0=$(now); if wait_until "$t" "$@"; then pass "$d ($(since "$t0")s)"; else fail "$d (not within ${t}s)"; fi; }

cleanup() {
  local rc=$?
  set +e
  if [[ ${E2E_KEEP_NODE:-0} == 1 && $rc != 0 ]]; then echo "node kept (E2E_KEEP_NODE=1): bash test/e2e/node.sh down"; else node_down >/dev/null 2>&1; fi
  echo "faults $([[ $rc == 0 ]] && echo PASSED || echo FAILED): $passes assertions in $(since "$T_START")s; outputs in $RUN"
  exit $rc
}

# init's top-level phases in run order, as the tool itself lists them (its help's phase table)
init_phases() { nx sh -c "$(tool_cmd init) --help" | awk '/executes the following phases/ {on=1; next} on && /^```/ {if (n++) exit; next} on && /^[a-z]/ {print $1}'; }

# kill_init_after PHASE OUT: init with JSON events; SIGKILL the moment PHASE reports its end
kill_init_after() {
  local phase=$1 out=$2
  nx sh -c '
    rm -f /tmp/events; mkfifo /tmp/events
    '"$(tool_cmd init)"' --output json > /tmp/events 2>/tmp/init.err & pid=$!
    killed=no
    while IFS= read -r line; do
      printf "%s\n" "$line"
      case $line in *"\"event\":\"phase-end\",\"phase\":\"$0\","*) kill -9 $pid; killed=yes; break ;; esac
    done < /tmp/events
    wait $pid; rc=$?
    cat /tmp/init.err >&2; rm -f /tmp/events
    echo "init: killed=$killed exit=$rc"
    [ $killed = yes ]' "$phase" > "$out" 2>&1
}

reset_node() { # OUT
  nx sh -c "$(tool_cmd reset)" > "$1" 2>&1 || { tail -n 30 "$1"; fail "reset exits 0 (see $1)"; }
  pass "reset exits 0"
  reset_left_nothing check
}

main() {
  mkdir -p "$RUN"; rm -rf "${RUN:?}"/*
  ensure_deps
  tool_available || fail "mini-kubeadm is not built (npm ci && npm run build)"
  ! bash "$NODE_SH" status >/dev/null 2>&1 || fail "node $NODE already runs: bash test/e2e/node.sh down"
  trap cleanup EXIT
  trap 'exit 130' INT; trap 'exit 143' TERM   # an interrupted run ends FAILED, its clean-up done
  STAGE=node; node_up; pass "node $NODE up"
  render_init_config | node_put_root_file init-config.yaml

  local all phases p t0 rc
  all=$(init_phases)
  [[ $(echo "$all" | head -n 1) == preflight && $(echo "$all" | wc -l) -ge 10 ]] || fail "init's phase list read from its --help: got '$all'"
  phases=${FAULT_PHASES:-$(echo "$all" | sed '$d')}   # the last phase's end is a complete init
  echo "faults: boundaries after: $(echo $phases)"
  for p in $phases; do
    STAGE="after $p"
    t0=$(now)
    kill_init_after "$p" "$RUN/$p-1.out" || { tail -n 20 "$RUN/$p-1.out"; fail "init killed after $p"; }
    pass "init killed right after phase $p ended"
    reset_node "$RUN/$p-reset-1.out"
    kill_init_after "$p" "$RUN/$p-2.out" || { tail -n 20 "$RUN/$p-2.out"; fail "init killed after $p (again)"; }
    rc=0; nx sh -c "$(tool_cmd init)" > "$RUN/$p-rerun.out" 2>&1 || rc=$?
    [[ $rc == 0 ]] || { tail -n 30 "$RUN/$p-rerun.out"; fail "init run again after the kill exits 0 (exit $rc)"; }
    pass "init run again after the kill exits 0"
    await 300 "the cluster is Ready (node, kube-system and flannel pods, kube-dns answers)" cluster_ready
    reset_node "$RUN/$p-reset-2.out"
    echo "      boundary $p took $(since "$t0")s"
  done
}

main "$@"
