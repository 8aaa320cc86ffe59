#!/usr/bin/env bash
# The Kubernetes conformance subset: e2e.test of K8S_VERSION runs the [Conformance] tests of
# lib/conformance-run.sh's list on join.sh's cluster (one control plane and two workers made by
# `init` and `join`), then join.sh resets every node, takes the nodes down and checks the host.
#   bash test/e2e/conformance.sh          E2E_TOOL=mini-kubeadm|kubeadm (default mini-kubeadm)
# Env: as join.sh's (LAB_NET, JOIN_NODES, JOIN_IP_BASE); CONFORMANCE_FOCUS=REGEX: other [Conformance] tests.
# Builds e2e.test and agnhost once (lib/build.sh e2e-test, cached by version) and the test images
# (lib/test-images.sh), installing the Debian packages those take their tools from.
set -euo pipefail
export E2E_TOOL=${E2E_TOOL:-mini-kubeadm}
. "$(dirname "${BASH_SOURCE[0]}")/lib/lab.sh"

ensure_packages "$CONFORMANCE_PACKAGES"
nice -n 10 bash "$E2E_DIR/lib/build.sh" e2e-test
bash "$E2E_DIR/lib/test-images.sh" > /dev/null
export JOIN_RUN_NAME=conformance-$E2E_TOOL
export JOIN_THEN="bash $E2E_DIR/lib/conformance-run.sh"
exec bash "$E2E_DIR/join.sh"
