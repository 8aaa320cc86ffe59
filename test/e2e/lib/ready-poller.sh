#!/bin/sh
# Runs INSIDE a lab node (bench-lab.sh: nx sh /dev/stdin < this file): polls until the cluster
# is in the Ready state, then prints the wall clock (epoch seconds). Ready: the node Ready,
# every kube-system and kube-flannel pod Running and Ready (at least one in each), and kube-dns
# answering for kubernetes.default. Every 0.25 s, with one curl call to the API server (admin.conf's
# client pair, both lists over one connection) and one jq: a kubectl call costs ~0.2 s of CPU, four a second took ~40% of this
# 2-core machine from both tools while it measured them; this round costs about a quarter of that. Asked from
# the host instead, the clock lagged 1-2 s a round. The DNS question gets 1 s: busybox's nslookup
# otherwise waits out its own timeouts while kube-proxy has no rule for kube-dns yet.
# With an argument NODE (bench-lab.sh's join row: sh /dev/stdin NODE), Ready is only: the Node
# NODE exists and its Ready condition is True (one curl a round, for that Node alone).
end=$(( $(date +%s) + ${READY_TIMEOUT:-420} ))
conf=/etc/kubernetes/admin.conf
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
field() { sed -n "s/^ *$1: *//p" "$conf" | head -1; }
field client-certificate-data | base64 -d > "$dir/crt"
field client-key-data | base64 -d > "$dir/key"
field certificate-authority-data | base64 -d > "$dir/ca"
server=$(field server)
# one curl, one TLS connection for both lists
get() { curl -s --max-time 2 --cacert "$dir/ca" --cert "$dir/crt" --key "$dir/key" "$@"; }
lists() { get "$server/api/v1/nodes" "$server/api/v1/pods"; }
node_ready() { get "$server/api/v1/nodes/$1" 2>/dev/null | jq -e 'any(.status.conditions[]?; .type == "Ready" and .status == "True")' >/dev/null 2>&1; }
while [ "$(date +%s)" -lt "$end" ]; do
  if [ -n "${1:-}" ]; then
    if node_ready "$1"; then date +%s.%N; exit 0; fi
  elif lists 2>/dev/null | jq -s -e '
      def ready: .status.phase == "Running" and any(.status.conditions[]?; .type == "Ready" and .status == "True");
      def all_ready(ns): [.[1].items[] | select(.metadata.namespace == ns)] | length > 0 and all(ready);
      (.[0].items | length > 0 and all(any(.status.conditions[]; .type == "Ready" and .status == "True")))
      and all_ready("kube-system") and all_ready("kube-flannel")' >/dev/null 2>&1 &&
     timeout 1 busybox nslookup kubernetes.default.svc.cluster.local 10.96.0.10 2>/dev/null | grep -q '10\.96\.0\.1$'; then
    date +%s.%N
    exit 0
  fi
  sleep 0.25
done
exit 1
