// startKeyGeneration (the early start an init calls before the certs phase): which keys it
// starts, in which order, for the files already on a node; and that the certs and kubeconfig
// phases of the same run then use exactly those keys (no key made twice, openssl-valid chains).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { nodePaths } from '../../src/host/paths.js';
import { KEY_POOL_STATE, KeyPool } from '../../src/pki/key-pool.js';
import { generateKey, type KeyPair } from '../../src/pki/keys.js';
import { startKeyGeneration, type KeyStartPhases } from '../../src/pki/start-keys.js';
import type { EncryptionAlgorithm } from '../../src/config/types.js';
import { testConfig } from '../helpers/test-config.js';
import { newNode, runInitPhases, verifyAll, type Node } from './certs-harness.js';

const PKI = '/etc/kubernetes/pki';
const CERT_KEYS = ['ca', 'apiserver', 'apiserver-kubelet-client', 'front-proxy-ca', 'front-proxy-client', 'etcd-ca', 'etcd-server', 'etcd-peer', 'etcd-healthcheck-client', 'apiserver-etcd-client', 'sa'];
// kubelet.conf's first; the components' before admin's and super-admin's (their manifests follow them in a whole init)
const KUBECONFIG_KEYS = ['kubelet', 'controller-manager', 'scheduler', 'admin', 'super-admin'].map((n) => `kubeconfig/${n}`);

/** a pool that records the ids it was asked to start (and makes cheap real keys) */
function recordingState(): { state: Map<string, unknown>; started: string[]; generated: () => number } {
  const started: string[] = [];
  let generated = 0;
  const pool = new KeyPool(2, (alg: EncryptionAlgorithm): Promise<KeyPair> => {
    generated++;
    return generateKey(alg);
  });
  const prefetch = pool.prefetch.bind(pool);
  pool.prefetch = (ids, alg) => {
    started.push(...ids);
    prefetch(ids, alg);
  };
  return { state: new Map([[KEY_POOL_STATE, pool]]), started, generated: () => generated };
}

function put(n: Node, file: string, text = 'x'): void {
  const f = n.file(file);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, text);
}

const CASES: { name: string; files: string[]; phases?: KeyStartPhases; want: string[] }[] = [
  // kubelet.conf's key first: a whole init writes kubelet.conf right after the CA and starts the kubelet on it
  { name: "a bare node: kubelet.conf's key, every cert key in sub-phase order, sa, then the controller-manager's, scheduler's, admin's and super-admin's kubeconfig keys", files: [], want: ['kubeconfig/kubelet', ...CERT_KEYS, ...KUBECONFIG_KEYS.filter((k) => k !== 'kubeconfig/kubelet')] },
  { name: 'kubeconfig phase skipped', files: [], phases: { kubeconfig: false }, want: CERT_KEYS },
  { name: 'certs phase skipped and no CA: nothing could sign the client certs', files: [], phases: { certs: false }, want: [] },
  {
    name: 'CA and admin.conf present: the missing rest',
    files: [`${PKI}/ca.crt`, `${PKI}/ca.key`, '/etc/kubernetes/admin.conf'],
    want: ['kubeconfig/kubelet', ...CERT_KEYS.filter((k) => k !== 'ca'), ...KUBECONFIG_KEYS.filter((k) => k !== 'kubeconfig/admin' && k !== 'kubeconfig/kubelet')],
  },
  {
    name: 'external CA (ca.crt without ca.key): only what other CAs sign',
    files: [`${PKI}/ca.crt`],
    want: ['front-proxy-ca', 'front-proxy-client', 'etcd-ca', 'etcd-server', 'etcd-peer', 'etcd-healthcheck-client', 'apiserver-etcd-client'],
  },
];

for (const c of CASES) {
  test(`startKeyGeneration: ${c.name}`, async (t) => {
    const n = newNode(t);
    for (const f of c.files) put(n, f);
    const r = recordingState();
    const cfg = testConfig((x) => (x.encryptionAlgorithm = 'ECDSA-P256'));
    await startKeyGeneration({ cfg, paths: nodePaths({ certificatesDir: cfg.certificatesDir, kubeconfigDir: '/etc/kubernetes' }), host: n.real, state: r.state }, c.phases);
    assert.deepEqual(r.started, c.want);
  });
}

test('startKeyGeneration, then certs and kubeconfig of the same run: each key made once, and used', async (t) => {
  const n = newNode(t);
  const r = recordingState();
  const cfg = testConfig((x) => (x.encryptionAlgorithm = 'ECDSA-P256'));
  await startKeyGeneration({ cfg, paths: nodePaths({ certificatesDir: cfg.certificatesDir, kubeconfigDir: '/etc/kubernetes' }), host: n.real, state: r.state });
  await runInitPhases(n, ['certs', 'kubeconfig'], { cfg: (x) => (x.encryptionAlgorithm = 'ECDSA-P256'), state: r.state });
  assert.equal(r.generated(), CERT_KEYS.length + KUBECONFIG_KEYS.length);
  const v = verifyAll(n.file(`${PKI}/ca.crt`), [n.file(`${PKI}/apiserver.crt`), n.file(`${PKI}/apiserver-kubelet-client.crt`)]);
  assert.ok(v.ok, v.out);
});

test("a whole init's options: the keys in the schedule's order, the held ones only once released", async (t) => {
  const n = newNode(t);
  const finish: (() => void)[] = [];
  const pair = await generateKey('ECDSA-P256');
  const pool = new KeyPool(1, () => new Promise<KeyPair>((resolve) => finish.push(() => resolve(pair))));
  let release!: () => void;
  const until = new Promise<void>((r) => (release = r));
  const paths = nodePaths({ certificatesDir: PKI, kubeconfigDir: '/etc/kubernetes' });
  const order = ['ca', 'kubeconfig/kubelet', 'kubeconfig/scheduler', 'etcd-ca'];
  await startKeyGeneration({ cfg: testConfig(), paths, host: n.real, state: new Map([[KEY_POOL_STATE, pool]]) }, {}, { concurrency: 1, order, later: { ids: ['kubeconfig/admin', 'kubeconfig/super-admin'], until } });
  const turn = () => new Promise((r) => setImmediate(r));
  for (let i = 0; i < 3; i++) {
    await turn();
    finish[i]!();
  }
  await turn();
  // made already: the third in the order given (without it, the third would be apiserver's)
  let ready = false;
  void pool.take('kubeconfig/scheduler', 'RSA-2048').then(() => (ready = true));
  await turn();
  assert.equal(ready, true, "scheduler.conf's key was the third made");
  // 11 certificate keys + sa + 5 kubeconfigs = 16 keys; the 14 not held are made one at a time
  for (let i = 3; i < 14; i++) {
    await turn();
    assert.equal(finish.length, i + 1, 'one at a time');
    finish[i]!();
  }
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(finish.length, 14, "admin's and super-admin's keys wait");
  release();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(finish.length, 15, 'released: one at a time again');
});
