// join's phase list per minor (kubeadm-join-spec.md §3.2): the visible and hidden phases of
// each minor, as `join --help` of that kubeadm lists them, built from versions.ts's JOIN_ROWS.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinPhases, joinPhasesFor } from '../../src/phases/join/index.js';
import { placePhases, selectPhases } from '../../src/workflow/runner.js';
import { etcdJoinsAsLearner, joinWaitsForControlPlane, joinWaitsInOwnPhase, kubeletConfUsesLocalEndpoint } from '../../src/config/versions.js';

const CPP = ['control-plane-prepare', 'control-plane-prepare/download-certs', 'control-plane-prepare/certs', 'control-plane-prepare/kubeconfig', 'control-plane-prepare/control-plane'];
/** [minor, visible phases in order, hidden phases] from the spec's table */
const expected: [number, string[], string[]][] = [
  [29, ['preflight', ...CPP, 'kubelet-start', 'control-plane-join', 'control-plane-join/etcd', 'control-plane-join/update-status', 'control-plane-join/mark-control-plane'], ['check-etcd']],
  [30, ['preflight', ...CPP, 'kubelet-start', 'control-plane-join', 'control-plane-join/etcd', 'control-plane-join/update-status', 'control-plane-join/mark-control-plane', 'wait-control-plane'], ['check-etcd']],
  [31, ['preflight', ...CPP, 'kubelet-start', 'control-plane-join', 'control-plane-join/etcd', 'control-plane-join/mark-control-plane', 'wait-control-plane'], ['check-etcd', 'etcd-join', 'kubelet-wait-bootstrap']],
  [32, ['preflight', ...CPP, 'kubelet-start', 'control-plane-join', 'control-plane-join/etcd', 'control-plane-join/mark-control-plane', 'wait-control-plane'], ['check-etcd', 'etcd-join', 'kubelet-wait-bootstrap']],
  [33, ['preflight', ...CPP, 'kubelet-start', 'etcd-join', 'control-plane-join', 'control-plane-join/etcd', 'control-plane-join/mark-control-plane', 'wait-control-plane'], ['check-etcd', 'kubelet-wait-bootstrap']],
  [34, ['preflight', ...CPP, 'kubelet-start', 'etcd-join', 'control-plane-join', 'control-plane-join/etcd', 'control-plane-join/mark-control-plane', 'wait-control-plane'], ['check-etcd', 'kubelet-wait-bootstrap']],
  [35, ['preflight', ...CPP, 'kubelet-start', 'etcd-join', 'kubelet-wait-bootstrap', 'control-plane-join', 'control-plane-join/mark-control-plane', 'wait-control-plane'], ['check-etcd', 'control-plane-join/etcd']],
  [36, ['preflight', ...CPP, 'kubelet-start', 'etcd-join', 'kubelet-wait-bootstrap', 'control-plane-join', 'control-plane-join/mark-control-plane', 'wait-control-plane'], ['check-etcd']],
  [37, ['preflight', ...CPP, 'kubelet-start', 'etcd-join', 'kubelet-wait-bootstrap', 'control-plane-join', 'control-plane-join/mark-control-plane', 'wait-control-plane'], ['check-etcd']],
];

for (const [minor, visible, hidden] of expected) {
  test(`join phases of Kubernetes 1.${minor}`, () => {
    const placed = placePhases(joinPhasesFor(minor));
    assert.deepEqual(placed.filter((p) => !p.phase.hidden).map((p) => p.path), visible);
    assert.deepEqual(placed.filter((p) => p.phase.hidden).map((p) => p.path), hidden);
  });
}

test('the CLI tree (default minor) keeps the other minors\' phases hidden, so their names resolve', () => {
  const placed = placePhases(joinPhases);
  const hidden = placed.filter((p) => p.phase.hidden).map((p) => p.path);
  assert.deepEqual(hidden, ['check-etcd', 'control-plane-join/etcd', 'control-plane-join/update-status']);
  assert.deepEqual(selectPhases(joinPhases, undefined, ['control-plane-join/update-status']).map((p) => p.path).includes('control-plane-join/update-status'), false);
  assert.throws(() => selectPhases(joinPhases, undefined, ['kubelet-finalize']), /unknown phase in --skip-phases "kubelet-finalize"/);
});

test('where the TLS-bootstrap wait runs: kubelet-start ≤1.30 and 1.31-1.34 with the gate off, its own phase otherwise', () => {
  const v = (minor: number) => ({ major: 1, minor, patch: 0, text: `v1.${minor}.0` });
  assert.equal(joinWaitsInOwnPhase(v(29), {}), false);
  assert.equal(joinWaitsInOwnPhase(v(30), { ControlPlaneKubeletLocalMode: true }), false);
  assert.equal(joinWaitsInOwnPhase(v(31), {}), false);
  assert.equal(joinWaitsInOwnPhase(v(32), { ControlPlaneKubeletLocalMode: true }), true);
  assert.equal(joinWaitsInOwnPhase(v(33), {}), true);
  assert.equal(joinWaitsInOwnPhase(v(34), { ControlPlaneKubeletLocalMode: false }), false);
  assert.equal(joinWaitsInOwnPhase(v(35), { ControlPlaneKubeletLocalMode: false }), true);
  assert.equal(joinWaitsInOwnPhase(v(37), {}), true);
});

/**
 * A control-plane join per minor, default gates (§3.2, §7): the phases that act, in order. The
 * etcd member is added after the TLS bootstrap ≤1.32 (control-plane-join/etcd), before it with
 * ControlPlaneKubeletLocalMode (etcd-join, 1.33+); wait-control-plane waits from 1.33.
 */
const cpActs: [number, string[]][] = [
  [29, ['kubelet-start+tls-wait', 'control-plane-join/etcd', 'control-plane-join/update-status', 'control-plane-join/mark-control-plane']],
  [30, ['kubelet-start+tls-wait', 'control-plane-join/etcd', 'control-plane-join/update-status', 'control-plane-join/mark-control-plane']],
  [31, ['kubelet-start+tls-wait', 'control-plane-join/etcd', 'control-plane-join/mark-control-plane']],
  [32, ['kubelet-start+tls-wait', 'control-plane-join/etcd', 'control-plane-join/mark-control-plane']],
  [33, ['kubelet-start', 'etcd-join', 'kubelet-wait-bootstrap', 'control-plane-join/etcd(no-op)', 'control-plane-join/mark-control-plane', 'wait-control-plane']],
  [34, ['kubelet-start', 'etcd-join', 'kubelet-wait-bootstrap', 'control-plane-join/etcd(no-op)', 'control-plane-join/mark-control-plane', 'wait-control-plane']],
  [35, ['kubelet-start', 'etcd-join', 'kubelet-wait-bootstrap', 'control-plane-join/etcd(no-op)', 'control-plane-join/mark-control-plane', 'wait-control-plane']],
  [36, ['kubelet-start', 'etcd-join', 'kubelet-wait-bootstrap', 'control-plane-join/mark-control-plane', 'wait-control-plane']],
  [37, ['kubelet-start', 'etcd-join', 'kubelet-wait-bootstrap', 'control-plane-join/mark-control-plane', 'wait-control-plane']],
];

for (const [minor, acts] of cpActs) {
  test(`a control-plane join of Kubernetes 1.${minor}: what acts, in order (default gates)`, () => {
    const v = { major: 1, minor, patch: 0, text: `v1.${minor}.0` };
    const local = kubeletConfUsesLocalEndpoint(v, {});
    const placed = placePhases(joinPhasesFor(minor)).map((p) => p.path);
    const did = placed.flatMap((p): string[] => {
      switch (p) {
        case 'kubelet-start':
          return [joinWaitsInOwnPhase(v, {}) ? p : `${p}+tls-wait`];
        case 'etcd-join':
        case 'kubelet-wait-bootstrap':
          return local ? [p] : [];
        case 'control-plane-join/etcd':
          return [local ? `${p}(no-op)` : p];
        case 'control-plane-join/update-status':
        case 'control-plane-join/mark-control-plane':
          return [p];
        case 'wait-control-plane':
          return joinWaitsForControlPlane(v, {}) ? [p] : [];
        default:
          return [];
      }
    });
    assert.deepEqual(did, acts);
    assert.equal(etcdJoinsAsLearner(v, {}), true, 'EtcdLearnerMode is on by default in every minor');
  });
}

test('the gates that move a control-plane join: LocalMode opt-in 1.31-1.32, wait gate 1.30-1.33, learner off ≤1.31', () => {
  const v = (minor: number) => ({ major: 1, minor, patch: 0, text: `v1.${minor}.0` });
  assert.equal(kubeletConfUsesLocalEndpoint(v(32), { ControlPlaneKubeletLocalMode: true }), true);
  assert.equal(kubeletConfUsesLocalEndpoint(v(33), { ControlPlaneKubeletLocalMode: false }), false);
  assert.equal(joinWaitsForControlPlane(v(30), { WaitForAllControlPlaneComponents: true }), true);
  assert.equal(joinWaitsForControlPlane(v(33), { WaitForAllControlPlaneComponents: false }), false);
  assert.equal(joinWaitsForControlPlane(v(34), { WaitForAllControlPlaneComponents: false }), true, 'GA 1.34: the gate is not read');
  assert.equal(etcdJoinsAsLearner(v(31), { EtcdLearnerMode: false }), false);
  assert.equal(etcdJoinsAsLearner(v(32), { EtcdLearnerMode: false }), true, 'GA-locked 1.32');
});
