// A whole `init` starts every certificate and kubeconfig key before preflight ends
// (src/pki/start-keys.ts, called from src/commands/init.ts); the phases then take those keys.
// Run for real into a temp root (the phases that need a kubelet and an API server skipped):
// every key must be the one its certificate carries, and every certificate must verify
// against its CA, checked with openssl.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../helpers/tmp-host.js';
import { runCli } from '../helpers/run-cli.js';

const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' });
const pubOfKey = (file: string) => openssl('pkey', '-in', file, '-pubout');
const pubOfCert = (file: string) => openssl('x509', '-in', file, '-noout', '-pubkey');

const AFTER_MANIFESTS = 'kubelet-start,wait-control-plane,upload-config,upload-certs,mark-control-plane,bootstrap-token,kubelet-finalize,addon,show-join-command';
const PAIRS: [cert: string, ca: string][] = [
  ['apiserver', 'ca'],
  ['apiserver-kubelet-client', 'ca'],
  ['front-proxy-client', 'front-proxy-ca'],
  ['etcd/server', 'etcd/ca'],
  ['etcd/peer', 'etcd/ca'],
  ['etcd/healthcheck-client', 'etcd/ca'],
  ['apiserver-etcd-client', 'etcd/ca'],
];

test('a whole init with its keys started early: every key is its certificate\'s, every certificate verifies (openssl)', async (t) => {
  const root = tmpDir(t);
  const r = await runCli(['init', '--rootfs', root, '--apiserver-advertise-address', '10.0.0.2', '--node-name', 'n1', '--kubernetes-version', 'v1.37.2', '--ignore-preflight-errors', 'all', '--skip-phases', AFTER_MANIFESTS]);
  assert.equal(r.code, 0, r.stderr);
  const pki = (f: string) => path.join(root, 'etc/kubernetes/pki', f);
  for (const [cert, ca] of PAIRS) {
    assert.equal(pubOfKey(pki(`${cert}.key`)), pubOfCert(pki(`${cert}.crt`)), `${cert}.key is the key of ${cert}.crt`);
    assert.match(openssl('verify', '-CAfile', pki(`${ca}.crt`), pki(`${cert}.crt`)), /: OK\n$/);
  }
  for (const conf of ['admin', 'super-admin', 'kubelet', 'controller-manager', 'scheduler']) {
    const text = readFileSync(path.join(root, 'etc/kubernetes', `${conf}.conf`), 'utf8');
    const field = (name: string) => Buffer.from(new RegExp(`${name}: (\\S+)`).exec(text)![1]!, 'base64').toString();
    const dir = tmpDir(t);
    const crt = path.join(dir, 'c.crt');
    const key = path.join(dir, 'c.key');
    execFileSync('sh', ['-c', 'cat > "$0"', crt], { input: field('client-certificate-data') });
    execFileSync('sh', ['-c', 'cat > "$0"', key], { input: field('client-key-data') });
    assert.equal(pubOfKey(key), pubOfCert(crt), `${conf}.conf: its key is its certificate's`);
    assert.match(openssl('verify', '-CAfile', pki('ca.crt'), crt), /: OK\n$/, `${conf}.conf's client certificate verifies against the CA`);
  }
});
