#!/usr/bin/env bash
# join.sh's JOIN_THEN for conformance.sh: imports the test images into every node, runs e2e.test
# in the control-plane node (the lab network is reachable only there) on the subset below, prints
# each test's result and the counts, and fails when a test failed or none passed.
# Env (from join.sh): JOIN_CP, JOIN_WORKERS, JOIN_RUN; CONFORMANCE_FOCUS replaces the subset.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lab.sh"

# The subset: [Conformance] tests of pod networking across nodes, Services, DNS, DaemonSets,
# Deployments, ConfigMaps and Secrets that need only agnhost, busybox, glibc-dns-testing and
# pause, and finish in ~20 minutes on two cores (each line a part of the test's full name)
SUBSET=(
  'Networking Granular Checks: Pods should function for intra-pod communication: http'
  'Networking Granular Checks: Pods should function for intra-pod communication: udp'
  'Networking Granular Checks: Pods should function for node-pod communication: http'
  'Services should serve a basic endpoint from pods'
  'Services should serve multiport endpoints from pods'
  'Services should find a service from listing all namespaces'
  'Services should be able to change the type from ExternalName to ClusterIP'
  'Services should have session affinity work for service with type clusterIP'
  'DNS should provide DNS for the cluster'
  'DNS should provide DNS for services'
  'DNS should provide /etc/hosts entries for the cluster'
  'DNS should support configurable pod DNS nameservers'
  'Daemon set should run and stop simple daemon'
  'Daemon set should run and stop complex daemon'
  'Daemon set should update pod when spec was updated and update strategy is RollingUpdate'
  'Daemon set should rollback without unnecessary restarts'
  'Deployment RollingUpdateDeployment should delete old pods and create new ones'
  'Deployment RecreateDeployment should delete old pods and create new ones'
  'Deployment deployment should support rollover'
  'Deployment should run the lifecycle of a Deployment'
  'ConfigMap should be consumable via environment variable \['
  'ConfigMap should be consumable from pods in volume \['
  'ConfigMap updates should be reflected in volume'
  'ConfigMap should run through a ConfigMap lifecycle'
  'Secrets should be consumable from pods in env vars'
  'Secrets should be consumable from pods in volume \['
  'Secrets should be consumable in multiple volumes in a pod'
  'Secrets should patch a secret'
)
# (the label filter keeps to [Conformance] tests: the tag's place in the name varies)
focus=${CONFORMANCE_FOCUS:-"$(IFS='|'; echo "${SUBSET[*]}")"}

images=$(bash "$E2E_DIR/lib/test-images.sh")
t0=$(now)
for n in $JOIN_CP $JOIN_WORKERS; do
  while read -r ref file; do
    LAB_NODE=$n bash "$NODE_SH" exec -- ctr -n k8s.io images import - < "$images/$file" > /dev/null \
      || { echo "FAIL  [then] importing $ref into $n" >&2; exit 1; }
  done < "$images/index"
done
echo "      test images imported into $JOIN_CP $JOIN_WORKERS ($(since "$t0")s): $(cut -d' ' -f1 "$images/index" | paste -sd' ')"

NODE=$JOIN_CP
install -m 0755 "$LAB_CACHE/e2e-test@$K8S_VERSION/bin/e2e.test" "$(node_state_dir)/root/e2e.test"
echo "      e2e.test $K8S_VERSION on $JOIN_CP, focus: $focus"
t0=$(now); rc=0
LAB_NODE=$JOIN_CP bash "$NODE_SH" exec -- /root/e2e.test --kubeconfig=/etc/kubernetes/admin.conf --provider=skeleton \
  --ginkgo.focus="$focus" --ginkgo.label-filter=Conformance --ginkgo.no-color --ginkgo.timeout=2h --ginkgo.json-report=/root/e2e-report.json \
  > "$JOIN_RUN/e2e.out" 2>&1 || rc=$?
secs=$(since "$t0")
cp "$(node_state_dir)/root/e2e-report.json" "$JOIN_RUN/" 2>/dev/null || true
report=$JOIN_RUN/e2e-report.json
[[ -s $report ]] || { tail -n 60 "$JOIN_RUN/e2e.out"; echo "FAIL  [then] e2e.test exited $rc without a report (output: $JOIN_RUN/e2e.out)" >&2; exit 1; }
specs='.[0].SpecReports[] | select(.LeafNodeType == "It" and .State != "skipped")'
jq -r "$specs | \"\(.State)\t\(.RunTime / 1e9 | floor)s\t\(.ContainerHierarchyTexts | join(\" \")) \(.LeafNodeText)\"" "$report" \
  | awk -F'\t' '{printf "      %-8s %5s  %s\n", $1, $2, $3}'
passed=$(jq "[$specs | select(.State == \"passed\")] | length" "$report")
ran=$(jq "[$specs] | length" "$report")
failed=$((ran - passed))
if ((failed)); then sed -n '/^Summarizing/,$p' "$JOIN_RUN/e2e.out" | head -n 60; fi
echo "conformance: $passed passed, $failed failed of $ran run (e2e.test $K8S_VERSION exit $rc, ${secs}s; output: $JOIN_RUN/e2e.out)"
((failed == 0 && passed > 0 && rc == 0))
