# Sourced by bench-lab.sh: `timeline T0` prints what happened on the node, in seconds since
# T0 (epoch seconds), sorted: kubelet starts and sync loops, pod sandboxes, container creation
# and start, pods' Ready and the node's Ready (the API's second resolution). Needs the node up.
# For a joined worker (no admin.conf of its own): TIMELINE_API_NODE names the control-plane node
# the API is read from, TIMELINE_NODE_NAME keeps the pods of that Node only and adds the Node's
# creation, its kubelet CSRs (created, approved) and the pods' creation and scheduling.
tl_kc() {
  if [[ -n ${TIMELINE_API_NODE:-} ]]; then on "$TIMELINE_API_NODE" kubectl --kubeconfig /etc/kubernetes/admin.conf "$@"; else kc "$@"; fi
}
timeline() {
  local t0=$1 day
  day=$(date -d "@${t0%.*}" +%F)
  {
    bash "$NODE_SH" logs kubelet 2>/dev/null | awk -v day="$day" '
      /^-- mkl-supervise .* starting kubelet/ { print "iso", $3, "kubelet process started"; next }
      /Starting kubelet main sync loop/ { print "klog", day "T" $2 "Z", "kubelet sync loop" }
      /Successfully registered node/ { print "klog", day "T" $2 "Z", "node registered" }'
    nx crictl pods -o json 2>/dev/null | jq -r '.items[] | "ns \(.createdAt) sandbox \(.metadata.name)"'
    nx crictl ps -a -o json 2>/dev/null | jq -r '.containers[] | "ns \(.createdAt) container created \(.metadata.name)"'
    nx sh -c 'for c in $(crictl ps -a -q); do crictl inspect "$c"; done' 2>/dev/null |
      jq -r 'select(.status.startedAt != null and .status.startedAt != "0001-01-01T00:00:00Z") | "iso \(.status.startedAt) container started \(.status.metadata.name)"'
    tl_kc get pods -A -o json 2>/dev/null | jq -r --arg node "${TIMELINE_NODE_NAME:-}" '.items[] | select($node == "" or .spec.nodeName == $node) | . as $p | .status.conditions[]? | select(.type == "Ready" and .status == "True") | "iso \(.lastTransitionTime) pod Ready \($p.metadata.name)"'
    tl_kc get nodes -o json 2>/dev/null | jq -r '.items[] | . as $n | .status.conditions[] | select(.type == "Ready" and .status == "True") | "iso \(.lastTransitionTime) node Ready \($n.metadata.name)"'
    if [[ -n ${TIMELINE_NODE_NAME:-} ]]; then
      tl_kc get node "$TIMELINE_NODE_NAME" -o json 2>/dev/null | jq -r '"iso \(.metadata.creationTimestamp) Node object created (podCIDR \(.spec.podCIDR // "none"))"'
      tl_kc get pods -A -o json 2>/dev/null | jq -r --arg node "$TIMELINE_NODE_NAME" '.items[] | select(.spec.nodeName == $node) | "iso \(.metadata.creationTimestamp) pod created \(.metadata.name)", (. as $p | .status.conditions[]? | select(.type == "PodScheduled" and .status == "True") | "iso \(.lastTransitionTime) pod scheduled \($p.metadata.name)")'
      tl_kc get csr -o json 2>/dev/null | jq -r --arg u "system:node:$TIMELINE_NODE_NAME" '.items[] | select(.spec.username == $u or (.spec.username | startswith("system:bootstrap:"))) | "iso \(.metadata.creationTimestamp) CSR created \(.metadata.name) by \(.spec.username)", (.status.conditions[]? | "iso \(.lastUpdateTime) CSR \(.type)")'
    fi
  } | while read -r kind when what; do
    local s
    case $kind in
      ns) s=$(awk -v n="$when" 'BEGIN{printf "%.3f", n/1e9}') ;;
      iso|klog) s=$(date -d "$when" +%s.%N 2>/dev/null) || continue ;;
    esac
    awk -v s="$s" -v t="$t0" -v w="$what" 'BEGIN{printf "%7.2f %s\n", s-t, w}'
  done | sort -g
}
