#!/usr/bin/env bash
# Bootstrap time in the lab, reference kubeadm vs mini-kubeadm, on the same machine.
#   bash test/e2e/bench-lab.sh        (BENCH_RUNS=3, BENCH_TOOLS="kubeadm mini-kubeadm")
# Each run: a fresh node, `init` started at t=0 (the flannel manifest applied right after
# init unless the tool installed flannel itself), then measured:
#   api-healthy  t=0 -> first https://NODE:6443/readyz = ok
#   all-ready    t=0 -> every kube-system and kube-flannel pod Running+Ready, node Ready,
#                and kube-dns (10.96.0.10) answers for kubernetes.default (polled in the node
#                every 0.25 s from init's exit by lib/ready-poller.sh, then confirmed from the host)
#   floor        the kube-apiserver container's startedAt (crictl inspect) -> its first
#                healthy /readyz in the same run: what no bootstrap tool can shave off
#   peak-mem     the init process's peak resident memory (GNU time's %M in the node: the
#                largest of the tool and the commands it waited for)
#   per phase    each phase's seconds, from the init output stamped line by line (lib/stamp.mjs,
#                lib/phase-times.mjs: the same rule for both tools)
# Prints medians per tool (peak memory: the largest run), the per-phase medians, then exactly
# two ratio lines (n/a when mini-kubeadm cannot run). Each run's directory keeps init.out
# (stamped) and timeline.txt (kubelet starts, sandboxes, containers, Ready; lib/timeline.sh).
# Then the join row (lib/bench-join.sh; BENCH_JOIN_RUNS, default BENCH_RUNS, 0: none): medians
# of join-exit and node-ready per tool and a third ratio line, node-ready mini-kubeadm/kubeadm.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/lab.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/timeline.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/bench-join.sh"
RUNS=${BENCH_RUNS:-3}
JOIN_RUNS=${BENCH_JOIN_RUNS:-$RUNS}
TOOLS=${BENCH_TOOLS:-"kubeadm mini-kubeadm"}
OUT=${BENCH_OUT:-$LAB_CACHE/runs/bench-$(date +%Y%m%d-%H%M%S)}   # BENCH_OUT=DIR BENCH_RUNS=0: DIR's tables again
mkdir -p "$OUT"
trap 'node_down >/dev/null 2>&1; join_nodes_down; true' EXIT

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "n/a"} else if (NR%2) {print a[(NR+1)/2]} else {printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}}'; }
all_ready() {
  node_ready && pods_ready kube-system \
    && { ! kc get ns kube-flannel >/dev/null 2>&1 || pods_ready kube-flannel; } && dns_answers
}

one_run() { # TOOL RUN -> appends "api all floor" to $OUT/TOOL.times
  local tool=$1 i=$2 d=$OUT/$1-$2 t0 tinit rc=0 api_abs started
  mkdir -p "$d"
  E2E_TOOL=$tool
  node_up 2>"$d/node-up.log" || { log "$tool run $i: node up failed, see $d/node-up.log"; return 1; }
  render_init_config | node_put_root_file init-config.yaml
  # in-node poller: one nsenter, curl every 0.2 s, prints the wall clock of the first ok; both
  # pollers run at the lowest CPU priority, so that measuring takes as little as it can from the
  # tool measured (two cores)
  nx nice -n 19 sh -c 'while [ "$(curl -sk --max-time 1 https://'"${LAB_NODE_IP:-172.31.0.2}"':6443/readyz)" != ok ]; do sleep 0.2; done; date +%s.%N' > "$d/api-healthy" 2>/dev/null &
  local poller=$!
  t0=$(now)
  nx sh -c "/usr/bin/time -f %M -o /root/init-peak-kb $(tool_cmd init)" 2>&1 | T0=$t0 node "$E2E_DIR/lib/stamp.mjs" > "$d/init.out" || rc=$?
  local peak; peak=$(awk 'END{printf "%.0f", $1/1024}' "$(node_state_dir)/root/init-peak-kb" 2>/dev/null || echo "?")
  tinit=$(since "$t0")
  if [[ $rc != 0 ]]; then log "$tool run $i: init failed (exit $rc), see $d/init.out"; kill "$poller" 2>/dev/null; node_down 2>/dev/null; return 1; fi
  kc get ns kube-flannel >/dev/null 2>&1 || render_flannel | bash "$NODE_SH" exec -- kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f - >"$d/flannel.out" 2>&1
  local tall="" ready_abs
  # the clock is the in-node poller's (lib/ready-poller.sh); the host's own check confirms it
  ready_abs=$(nx nice -n 19 sh /dev/stdin < "$E2E_DIR/lib/ready-poller.sh" 2>/dev/null) || true
  if [[ -n $ready_abs ]] && all_ready; then tall=$(awk -v a="$ready_abs" -v b="$t0" 'BEGIN{printf "%.1f", a-b}'); fi
  wait "$poller" 2>/dev/null || true
  api_abs=$(cat "$d/api-healthy" 2>/dev/null || true)
  started=$(nx sh -c 'crictl inspect $(crictl ps -a --name "^kube-apiserver$" -q | tail -n 1)' 2>/dev/null | jq -r '.status.startedAt' 2>/dev/null || true)
  local api floor="" s
  api=$(awk -v a="$api_abs" -v b="$t0" 'BEGIN{printf "%.1f", a-b}')
  if [[ -n $started && $started != null ]]; then
    s=$(date -d "$started" +%s.%N); floor=$(awk -v a="$api_abs" -v b="$s" 'BEGIN{printf "%.1f", a-b}')
  fi
  log "$tool run $i: init exit at ${tinit}s, api-healthy ${api}s, all-ready ${tall:-timeout}s, floor ${floor:-?}s, peak memory ${peak}MB"
  { echo "$(awk -v a="$api_abs" -v b="$t0" 'BEGIN{printf "%7.2f", a-b}') API server healthy (/readyz)"; timeline "$t0"; } | sort -g > "$d/timeline.txt" 2>/dev/null || true
  node_down 2>/dev/null
  [[ -n $tall && -n $floor ]] || return 1
  echo "$api $tall $floor $peak" >> "$OUT/$tool.times"
}

ensure_deps >&2
# runs interleave (kubeadm, mini-kubeadm, kubeadm, ...) so that a change in the machine's
# load hits both tools alike
avail=()
for tool in $TOOLS; do
  E2E_TOOL=$tool
  if tool_available; then avail+=("$tool"); else log "$tool cannot run yet: skipped"; fi
done
for i in $(seq "$RUNS"); do
  for tool in "${avail[@]}"; do one_run "$tool" "$i" || log "$tool run $i did not complete"; done
done
for i in $(seq "$JOIN_RUNS"); do
  for tool in "${avail[@]}"; do join_run "$tool" "$i" || log "join $tool run $i did not complete"; done
done

declare -A MA MR MF MM N
printf '%-14s %5s %16s %15s %10s %14s\n' tool runs api-healthy[s] all-ready[s] floor[s] peak-mem[MB]
for tool in $TOOLS; do
  f=$OUT/$tool.times
  N[$tool]=$( [[ -f $f ]] && wc -l < "$f" || echo 0)
  MA[$tool]=$( [[ -f $f ]] && awk '{print $1}' "$f" | median || echo n/a)
  MR[$tool]=$( [[ -f $f ]] && awk '{print $2}' "$f" | median || echo n/a)
  MF[$tool]=$( [[ -f $f ]] && awk '{print $3}' "$f" | median || echo n/a)
  MM[$tool]=$( [[ -f $f ]] && awk '{print $4}' "$f" | sort -g | tail -n 1 || echo n/a)
  printf '%-14s %5s %16s %15s %10s %14s\n' "$tool" "${N[$tool]}" "${MA[$tool]}" "${MR[$tool]}" "${MF[$tool]}" "${MM[$tool]} (max)"
done
phase_args=()
for tool in $TOOLS; do
  files=$(ls "$OUT"/"$tool"-*/init.out 2>/dev/null | paste -sd, -) || true
  [[ -n $files ]] && phase_args+=("$tool=$files")
done
echo
((${#phase_args[@]})) && node "$E2E_DIR/lib/phase-times.mjs" "${phase_args[@]}"
echo
ratio() { if [[ $1 == n/a || $2 == n/a || -z $1 || -z $2 ]]; then echo n/a; else awk -v a="$1" -v b="$2" 'BEGIN{ if (b+0==0) print "n/a"; else printf "%.2f\n", a/b }'; fi; }
echo "ratio all-ready mini-kubeadm/kubeadm = $(ratio "${MR[mini-kubeadm]:-n/a}" "${MR[kubeadm]:-n/a}")"
echo "ratio api-healthy mini-kubeadm/floor = $(ratio "${MA[mini-kubeadm]:-n/a}" "${MF[mini-kubeadm]:-n/a}")"
echo
printf '%-14s %5s %13s %15s   (join: t=0 at join, control plane all-ready before)\n' tool runs join-exit[s] node-ready[s]
declare -A MJ
for tool in $TOOLS; do
  f=$OUT/$tool.join
  MJ[$tool]=$( [[ -f $f ]] && awk '{print $1}' "$f" | median || echo n/a)
  printf '%-14s %5s %13s %15s\n' "$tool" "$( [[ -f $f ]] && wc -l < "$f" || echo 0)" "$( [[ -f $f ]] && awk '{print $2}' "$f" | median || echo n/a)" "${MJ[$tool]}"
done
echo "ratio join node-ready mini-kubeadm/kubeadm = $(ratio "${MJ[mini-kubeadm]:-n/a}" "${MJ[kubeadm]:-n/a}")"
