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
