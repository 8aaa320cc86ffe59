// `certs renew` on files `init phase certs all` and `init phase kubeconfig all` made, checked
// with openssl and kubectl: each renewed certificate keeps its subject, SANs, usages, issuer and
// key (unless --new-key), gets a new serial and new dates, and verifies against the CA, which is
// untouched; each renewed kubeconfig keeps its server, context and user and its client
// certificate verifies; with no static pod manifests on the node nothing is restarted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-host.js';
import { certFacts, keyPublicKey, mode, openssl, verifyChain } from './certs-harness.js';

const NODE = ['--node-name', 'renew-node', '--apiserver-advertise-address', '10.4.5.6'];
const LEAVES = ['apiserver', 'apiserver-kubelet-client', 'front-proxy-client', 'etcd/server', 'etcd/peer', 'etcd/healthcheck-client', 'apiserver-etcd-client'];
const CA_OF: Record<string, string> = { 'front-proxy-client': 'front-proxy-ca', 'etcd/server': 'etcd/ca', 'etcd/peer': 'etcd/ca', 'etcd/healthcheck-client': 'etcd/ca', 'apiserver-etcd-client': 'etcd/ca' };
const KUBECONFIGS = ['admin', 'super-admin', 'controller-manager', 'scheduler'];

async function cluster(t: Parameters<typeof tmpDir>[0], extra: string[] = []): Promise<{ root: string; pki: string; kdir: string }> {
  const root = tmpDir(t, 'mk-renew-');
  for (const phase of ['certs', 'kubeconfig']) {
    const r = await runCli(['init', 'phase', phase, 'all', '--rootfs', root, ...NODE, ...(phase === 'certs' ? extra : [])]);
    assert.equal(r.code, 0, r.stderr);
  }
  return { root, pki: path.join(root, 'etc/kubernetes/pki'), kdir: path.join(root, 'etc/kubernetes') };
}

const serial = (f: string) => openssl(['x509', '-in', f, '-noout', '-serial']).trim();
/** what must not change: the names, SANs, usages and constraints openssl prints */
const identity = (f: string) => {
  const c = certFacts(f);
  return { subject: c.subject, issuer: c.issuer, san: c.san, keyUsage: c.keyUsage, extKeyUsage: c.extKeyUsage, basicConstraints: c.basicConstraints, authorityKeyId: c.authorityKeyId, publicKey: c.publicKey };
};
const kubeconfigView = (file: string) =>
  JSON.parse(execFileSync('kubectl', ['config', 'view', '--kubeconfig', file, '--raw', '-o', 'json'], { encoding: 'utf8' })) as {
    clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
    contexts: unknown[];
    'current-context': string;
    users: { name: string; user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };

test('certs renew all: same identities, SANs, usages, keys and CA; new serials and dates; kubeconfigs keep server and user', async (t) => {
  const c = await cluster(t, ['--apiserver-cert-extra-sans', 'api.example.com,10.9.9.9']);
  const crt = (n: string) => path.join(c.pki, `${n}.crt`);
  const before = Object.fromEntries(LEAVES.map((n) => [n, { id: identity(crt(n)), serial: serial(crt(n)), dates: certFacts(crt(n)), key: readFileSync(path.join(c.pki, `${n}.key`)) }]));
  const cas = ['ca', 'front-proxy-ca', 'etcd/ca'].map((n) => [readFileSync(crt(n)), readFileSync(path.join(c.pki, `${n}.key`))]);
  const views = Object.fromEntries(KUBECONFIGS.map((k) => [k, kubeconfigView(path.join(c.kdir, `${k}.conf`))]));
  const kubelet = readFileSync(path.join(c.kdir, 'kubelet.conf'));
  // a new second, so the new dates cannot equal the old ones
  await new Promise((r) => setTimeout(r, 1100));

  const r = await runCli(['certs', 'renew', 'all', '--rootfs', c.root]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^certificate for serving the Kubernetes API renewed$/m);
  assert.match(r.stdout, /^certificate embedded in the kubeconfig file for the super-admin renewed$/m);
  assert.match(r.stdout, /no static pod manifest for etcd, kube-apiserver, kube-controller-manager, kube-scheduler/);

  for (const n of LEAVES) {
    const b = before[n]!;
    assert.deepEqual(identity(crt(n)), b.id, `${n}: identity`);
    assert.notEqual(serial(crt(n)), b.serial, `${n}: serial`);
    const after = certFacts(crt(n));
    assert.ok(after.notAfter > b.dates.notAfter, `${n}: notAfter moves on`);
    assert.ok(after.notBefore > b.dates.notBefore, `${n}: notBefore moves on`);
    assert.deepEqual(readFileSync(path.join(c.pki, `${n}.key`)), b.key, `${n}: key kept`);
    assert.equal(mode(crt(n)), 0o644);
    const v = verifyChain(crt(CA_OF[n] ?? 'ca'), crt(n));
    assert.ok(v.ok, `${n}: ${v.out}`);
  }
  assert.match(certFacts(crt('apiserver')).san!, /DNS:api\.example\.com.*IP Address:10\.9\.9\.9/);
  assert.deepEqual(['ca', 'front-proxy-ca', 'etcd/ca'].map((n) => [readFileSync(crt(n)), readFileSync(path.join(c.pki, `${n}.key`))]), cas, 'the CAs are untouched');
  assert.deepEqual(readFileSync(path.join(c.kdir, 'kubelet.conf')), kubelet, 'kubelet.conf is not kubeadm\'s to renew');

  for (const k of KUBECONFIGS) {
    const file = path.join(c.kdir, `${k}.conf`);
    const was = views[k]!;
    const now = kubeconfigView(file);
    assert.deepEqual(now.clusters, was.clusters, `${k}: cluster and server`);
    assert.deepEqual(now.contexts, was.contexts, `${k}: contexts`);
    assert.equal(now['current-context'], was['current-context']);
    assert.equal(now.users[0]!.name, was.users[0]!.name);
    assert.equal(now.users[0]!.user['client-key-data'], was.users[0]!.user['client-key-data'], `${k}: key kept`);
    assert.notEqual(now.users[0]!.user['client-certificate-data'], was.users[0]!.user['client-certificate-data'], `${k}: a new certificate`);
    assert.equal(mode(file), 0o600);
    const pemOf = (v: typeof now) => Buffer.from(v.users[0]!.user['client-certificate-data'], 'base64').toString();
    const dir = tmpDir(t, 'mk-renew-kc-');
    writeFileSync(`${dir}/old.crt`, pemOf(was));
    writeFileSync(`${dir}/new.crt`, pemOf(now));
    assert.deepEqual(identity(`${dir}/new.crt`), identity(`${dir}/old.crt`), `${k}: client identity`);
    const v = verifyChain(crt('ca'), `${dir}/new.crt`);
    assert.ok(v.ok, `${k}: ${v.out}`);
  }
});

test('certs renew NAME renews that file alone; --new-key gives it a new key that matches', async (t) => {
  const c = await cluster(t);
  const files = (await import('node:fs')).readdirSync(c.pki, { recursive: true }).map(String).filter((f) => /\.(crt|key)$/.test(f)).sort();
  const before = new Map(files.map((f) => [f, readFileSync(path.join(c.pki, f))]));
  const r = await runCli(['certs', 'renew', 'front-proxy-client', '--new-key', '--rootfs', c.root]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.split('\n')[0], 'certificate for the front proxy client renewed');
  for (const f of files) {
    const changed = !readFileSync(path.join(c.pki, f)).equals(before.get(f)!);
    assert.equal(changed, f.startsWith('front-proxy-client.'), `${f} changed: ${changed}`);
  }
  const key = path.join(c.pki, 'front-proxy-client.key');
  assert.equal(certFacts(path.join(c.pki, 'front-proxy-client.crt')).publicKey, keyPublicKey(key), 'the certificate carries the new key');
  assert.equal(mode(key), 0o600);
});
