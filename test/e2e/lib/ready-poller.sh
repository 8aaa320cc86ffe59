#!/bin/sh
# Runs INSIDE a lab node (bench-lab.sh: nx sh /dev/stdin < this file): polls until the cluster
# is in the Ready state, then prints the wall clock (epoch seconds). Ready: the node Ready,
# every kube-system and kube-flannel pod Running and Ready (at least one in each), and kube-dns
# answering for kubernetes.default. One kubectl call per round, every 0.25 s: a tighter clock
# than asking from the host (several nsenter + kubectl per round, ~1-2 s a round).
end=$(( $(date +%s) + ${READY_TIMEOUT:-420} ))
while [ "$(date +%s)" -lt "$end" ]; do
  if kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes,pods -A -o json 2>/dev/null | jq -e '
      def ready: .status.phase == "Running" and any(.status.conditions[]?; .type == "Ready" and .status == "True");
      def all_ready(ns): [.items[] | select(.kind == "Pod" and .metadata.namespace == ns)] | length > 0 and all(ready);
      ([.items[] | select(.kind == "Node")] | length > 0 and all(any(.status.conditions[]; .type == "Ready" and .status == "True")))
      and all_ready("kube-system") and all_ready("kube-flannel")' >/dev/null 2>&1 &&
     busybox nslookup kubernetes.default.svc.cluster.local 10.96.0.10 2>/dev/null | grep -q '10\.96\.0\.1$'; then
    date +%s.%N
    exit 0
  fi
  sleep 0.25
done
exit 1
