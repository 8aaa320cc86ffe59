// `phase certs all` and `phase kubeconfig all` as a user runs them, flags and all, with the
// results checked by openssl and kubectl; a conflicting re-run exits 1 and changes nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { runCli } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-host.js';
import { certFacts, verifyAll } from '../host/certs-harness.js';

const NODE = ['--node-name', 'cli-node', '--apiserver-advertise-address', '10.1.2.3'];

test('phase certs all with flags, then phase kubeconfig all: openssl and kubectl agree', async (t) => {
  const d = tmpDir(t, 'mk-cli-');
  const certs = await runCli(['phase', 'certs', 'all', '--cert-dir', `${d}/pki`, ...NODE, '--service-cidr', '10.200.0.0/16', '--apiserver-cert-extra-sans', 'x.example.com,10.9.9.9']);
  assert.equal(certs.code, 0, certs.stderr);
  assert.match(certs.stdout + certs.stderr, /apiserver serving cert is signed for DNS names \[cli-node kubernetes .* x\.example\.com\] and IPs \[10\.200\.0\.1 10\.1\.2\.3 10\.9\.9\.9\]/);

  const api = certFacts(`${d}/pki/apiserver.crt`);
  assert.equal(
    api.san,
    'DNS:cli-node, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local, DNS:x.example.com, IP Address:10.200.0.1, IP Address:10.1.2.3, IP Address:10.9.9.9',
  );
  assert.equal(certFacts(`${d}/pki/etcd/server.crt`).subject, 'CN=cli-node');
  assert.ok(verifyAll(`${d}/pki/ca.crt`, [`${d}/pki/apiserver.crt`, `${d}/pki/apiserver-kubelet-client.crt`]).ok);
  assert.ok(verifyAll(`${d}/pki/etcd/ca.crt`, [`${d}/pki/etcd/server.crt`, `${d}/pki/etcd/peer.crt`, `${d}/pki/apiserver-etcd-client.crt`]).ok);

  const kc = await runCli(['phase', 'kubeconfig', 'all', '--cert-dir', `${d}/pki`, '--kubeconfig-dir', `${d}/kc`, ...NODE, '--control-plane-endpoint', 'cp.example.com']);
  assert.equal(kc.code, 0, kc.stderr);
  assert.deepEqual(readdirSync(`${d}/kc`).sort(), ['admin.conf', 'controller-manager.conf', 'kubelet.conf', 'scheduler.conf', 'super-admin.conf']);
  const view = (name: string) =>
    JSON.parse(execFileSync('kubectl', ['config', 'view', '--kubeconfig', `${d}/kc/${name}.conf`, '--raw', '-o', 'json'], { encoding: 'utf8' })) as {
      clusters: { cluster: { server: string } }[];
      'current-context': string;
      users: { user: { 'client-certificate-data': string } }[];
    };
  const admin = view('admin');
  assert.equal(admin.clusters[0]!.cluster.server, 'https://cp.example.com:6443');
  assert.equal(admin['current-context'], 'kubernetes-admin@kubernetes');
  const kubelet = view('kubelet');
  assert.equal(kubelet.clusters[0]!.cluster.server, 'https://10.1.2.3:6443', 'kubelet.conf talks to its own API server (1.33+)');
  assert.equal(kubelet['current-context'], 'system:node:cli-node@kubernetes');
  const clientCert = Buffer.from(kubelet.users[0]!.user['client-certificate-data'], 'base64').toString();
  const subject = execFileSync('openssl', ['x509', '-noout', '-subject', '-nameopt', 'RFC2253'], { input: clientCert, encoding: 'utf8' }).trim();
  assert.equal(subject, 'subject=CN=system:node:cli-node,O=system:nodes');
});

test('a re-run that needs a new SAN exits 1, names the file, and leaves the cert dir as it was', async (t) => {
  const d = tmpDir(t, 'mk-cli-');
  const args = ['phase', 'certs', 'apiserver', '--cert-dir', `${d}/pki`, ...NODE];
  assert.equal((await runCli(['phase', 'certs', 'ca', '--cert-dir', `${d}/pki`])).code, 0);
  assert.equal((await runCli(args)).code, 0);
  const before = readFileSync(`${d}/pki/apiserver.crt`, 'utf8');
  const again = await runCli([...args, '--apiserver-cert-extra-sans', 'new.example.com']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, new RegExp(`error: .*${d}/pki/apiserver\\.crt lacks .*DNS:new\\.example\\.com`));
  assert.match(again.stderr, /hint: delete /);
  assert.equal(readFileSync(`${d}/pki/apiserver.crt`, 'utf8'), before);
});

test('--dry-run writes nothing and lists what it would write', async (t) => {
  const d = tmpDir(t, 'mk-cli-');
  const r = await runCli(['phase', 'certs', 'all', '--dry-run', '--cert-dir', `${d}/pki`, ...NODE]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(d), []);
  assert.match(r.stdout + r.stderr, new RegExp(`${d}/pki/apiserver\\.key`));
});
