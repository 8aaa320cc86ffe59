# bench-lab.sh's join row (sourced): seconds from `join` to the joined Node Ready, per tool.
# A run: a control plane and a worker on the lab network BENCH_NET (mkl-bench; nodes
# BENCH_JOIN_NODES "bench-cp bench-w" at 172.31.1.10 and .11), both made by the tool measured;
# `init` on the control plane, the flannel manifest (unless the tool installed flannel), then the
# control plane waited for until all-ready (lib/ready-poller.sh). t=0 when `join` starts on the
# worker; measured:
#   join-exit    t=0 -> join exits 0
#   node-ready   t=0 -> the worker's Node Ready (polled every 0.25 s in the control plane by
#                lib/ready-poller.sh NODE at nice 19, started before the join)
# and, per run, timeline.txt: the worker's kubelet, sandboxes and containers, the Node, its CSRs
# and the pods bound to it (created, scheduled, Ready), in seconds since t=0 (lib/timeline.sh).
BENCH_NET=${BENCH_NET:-mkl-bench}
read -r -a BJ_NODES <<< "${BENCH_JOIN_NODES:-bench-cp bench-w}"
BJ_CP=${BJ_NODES[0]}; BJ_W=${BJ_NODES[1]}
BJ_IP_BASE=${BENCH_JOIN_IP_BASE:-172.31.1}

join_nodes_down() { local n; for n in "$BJ_W" "$BJ_CP"; do LAB_NET=$BENCH_NET LAB_NODE=$n bash "$NODE_SH" down >/dev/null 2>&1; done; }

join_run() { # TOOL RUN -> appends "node-ready join-exit" to $OUT/TOOL.join
  local tool=$1 i=$2 d=$OUT/join-$1-$2 n ip=10 t0 rc=0 args ready_abs tjoin tready
  mkdir -p "$d"
  E2E_TOOL=$tool
  for n in "$BJ_CP" "$BJ_W"; do
    LAB_NET=$BENCH_NET LAB_NODE=$n LAB_NODE_IP=$BJ_IP_BASE.$ip bash "$NODE_SH" up 2>>"$d/node-up.log" \
      || { log "join $tool run $i: node $n up failed, see $d/node-up.log"; join_nodes_down; return 1; }
    NODE=$n node_install_tool; ip=$((ip + 1))
  done
  NODE=$BJ_CP; render_init_config | node_put_root_file init-config.yaml
  on "$BJ_CP" sh -c "$(tool_cmd init)" > "$d/init.out" 2>&1 || rc=$?
  args=$(join_args_from "$d/init.out") || rc=1
  if [[ $rc != 0 ]]; then log "join $tool run $i: init failed, see $d/init.out"; join_nodes_down; return 1; fi
  on "$BJ_CP" kubectl --kubeconfig /etc/kubernetes/admin.conf get ns kube-flannel >/dev/null 2>&1 \
    || render_flannel | on "$BJ_CP" kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f - >"$d/flannel.out" 2>&1
  on "$BJ_CP" nice -n 19 sh /dev/stdin < "$E2E_DIR/lib/ready-poller.sh" > /dev/null 2>&1 \
    || { log "join $tool run $i: the control plane did not get all-ready"; join_nodes_down; return 1; }
  on "$BJ_CP" nice -n 19 sh /dev/stdin "$BJ_W" < "$E2E_DIR/lib/ready-poller.sh" > "$d/node-ready" 2>/dev/null &
  local poller=$!
  t0=$(now)
  on "$BJ_W" sh -c "$(tool_cmd join) $args --ignore-preflight-errors SystemVerification" > "$d/join.out" 2>&1 || rc=$?
  tjoin=$(since "$t0")
  if [[ $rc != 0 ]]; then log "join $tool run $i: join failed (exit $rc), see $d/join.out"; kill "$poller" 2>/dev/null; join_nodes_down; return 1; fi
  wait "$poller" 2>/dev/null || true
  ready_abs=$(cat "$d/node-ready" 2>/dev/null) || true
  tready=""; [[ -n $ready_abs ]] && tready=$(awk -v a="$ready_abs" -v b="$t0" 'BEGIN{printf "%.1f", a-b}')
  log "join $tool run $i: join exit at ${tjoin}s, node Ready ${tready:-timeout}s"
  # what happened on the worker and in the API after t=0 (lib/timeline.sh): timeline.txt
  { echo "$(printf '%7.2f' "$tjoin") join exited"
    LAB_NET=$BENCH_NET LAB_NODE=$BJ_W TIMELINE_API_NODE=$BJ_CP TIMELINE_NODE_NAME=$BJ_W timeline "$t0"; } | sort -g > "$d/timeline.txt" 2>/dev/null || true
  join_nodes_down
  [[ -n $tready ]] || return 1
  echo "$tready $tjoin" >> "$OUT/$tool.join"
}
