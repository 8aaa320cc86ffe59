// A control-plane join's own preflight (src/preflight/join-control-plane.ts): init's rows it adds
// (kubeadm §4.1, the bind port and the etcd data dir of the cluster's configuration), the shared
// files a join without a certificate key needs, and how an earlier run of the same join to the
// same cluster is told apart from a node of another cluster.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpHost } from '../helpers/tmp-host.js';
import { testConfig } from '../helpers/test-config.js';
import { applyProfile } from '../../src/profiles/apply.js';
import { profileNamed } from '../../src/profiles/profiles.js';
import { carryOnFromEarlierJoin, checkCanHostControlPlane, controlPlaneJoinChecks, earlierJoinOfThisCluster, sharedFiles } from '../../src/preflight/join-control-plane.js';
import type { PreflightCheck, PreflightEnv } from '../../src/preflight/checks.js';

const CA = '-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n';

test("the control-plane rows, in kubeadm's order, at this node's bind port and the cluster's etcd data dir", () => {
  const cfg = testConfig((c) => {
    c.localAPIEndpoint.bindPort = 6444;
    c.etcd.local!.dataDir = '/data/etcd';
  });
  assert.deepEqual(controlPlaneJoinChecks(cfg).map((c) => c.name), [
    'NumCPU', 'Mem', 'KubernetesVersion', 'Firewalld', 'Port-6444', 'Port-10259', 'Port-10257',
    'FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml', 'FileAvailable--etc-kubernetes-manifests-kube-controller-manager.yaml',
    'FileAvailable--etc-kubernetes-manifests-kube-scheduler.yaml', 'FileAvailable--etc-kubernetes-manifests-etcd.yaml',
    'Port-2379', 'Port-2380', 'DirAvailable--data-etcd',
  ]);
});

test('without a certificate key the shared files must be there; each missing one is named', async (t) => {
  const host = tmpHost(t);
  const cfg = testConfig((c) => (c.controlPlaneEndpoint = '10.0.0.10:6443'));
  await assert.rejects(checkCanHostControlPlane(cfg, host), (e: Error & { hint?: string }) => {
    for (const f of sharedFiles(cfg)) assert.ok(e.message.includes(f), f);
    assert.match(e.message, /One or more conditions for hosting a new control plane instance is not satisfied\./);
    assert.match(e.hint ?? '', /--certificate-key/);
    return true;
  });
  for (const f of sharedFiles(cfg)) await host.writeFile(f, 'x', 0o600);
  await checkCanHostControlPlane(cfg, host);
  cfg.certificateKey = 'ab'.repeat(32);
  await checkCanHostControlPlane(cfg, tmpHost(t));
  cfg.controlPlaneEndpoint = '';
  await assert.rejects(checkCanHostControlPlane(cfg, host), /doesn't have a stable controlPlaneEndpoint address/);
});

test('a --profile cis cluster without a certificate key: its profile files are shared files too', async (t) => {
  const host = tmpHost(t);
  const cfg = testConfig((c) => (c.controlPlaneEndpoint = '10.0.0.10:6443'));
  // as a joining node reads the cluster: the profile's API server volumes in the ClusterConfiguration
  applyProfile(cfg, profileNamed('cis')!);
  const shared = sharedFiles(cfg);
  assert.ok(shared.includes('/etc/kubernetes/cis/encryption-config.yaml'));
  for (const f of shared.filter((x) => !x.startsWith('/etc/kubernetes/cis/'))) await host.writeFile(f, 'x', 0o600);
  await assert.rejects(checkCanHostControlPlane(cfg, host), /the shared certificates and keys are missing: \/etc\/kubernetes\/cis\/audit-policy\.yaml, \/etc\/kubernetes\/cis\/admission-config\.yaml, \/etc\/kubernetes\/cis\/encryption-config\.yaml/);
  assert.ok(!sharedFiles(testConfig()).some((f) => f.includes('/cis/')), 'no profile: kubeadm\'s list');
});

test("an earlier run of this join: this cluster's CA and this node's apiserver.crt; another cluster's CA is not", async (t) => {
  const host = tmpHost(t);
  const cfg = testConfig();
  assert.equal(await earlierJoinOfThisCluster(host, cfg, CA), false, 'a fresh node');
  await host.writeFile('/etc/kubernetes/pki/ca.crt', CA, 0o644);
  assert.equal(await earlierJoinOfThisCluster(host, cfg, CA), false, 'a CA copied by hand, nothing made yet');
  await host.writeFile('/etc/kubernetes/pki/apiserver.crt', 'x', 0o644);
  assert.equal(await earlierJoinOfThisCluster(host, cfg, CA), true);
  assert.equal(await earlierJoinOfThisCluster(host, cfg, CA.replace('Q0E=', 'T1RIRVI=')), false, 'another cluster');
});

test('carried on: the errors of the file, port and dir rows become notes; other rows and warnings stay', async () => {
  const row = (name: string, severity: 'error' | 'warning'): PreflightCheck => ({ name, ignorable: true, fix: () => '', run: async () => [{ severity, message: `${name} failed` }] });
  const checks = carryOnFromEarlierJoin([row('Port-6443', 'error'), row('FileAvailable--etc-kubernetes-kubelet.conf', 'error'), row('DirAvailable--var-lib-etcd', 'error'), row('Swap', 'error'), row('Port-10250', 'warning')]);
  const env = {} as PreflightEnv;
  const out = await Promise.all(checks.map(async (c) => [c.name, (await c.run(env))[0]!.severity]));
  assert.deepEqual(out, [
    ['Port-6443', 'note'],
    ['FileAvailable--etc-kubernetes-kubelet.conf', 'note'],
    ['DirAvailable--var-lib-etcd', 'note'],
    ['Swap', 'error'],
    ['Port-10250', 'warning'],
  ]);
});
