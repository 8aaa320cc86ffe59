// `certs check-expiration` against the REAL kubeadm reading the SAME files (one node root,
// --rootfs): mini-kubeadm's certificates and kubeconfigs as init made them, after mini-kubeadm's
// `certs renew all`, after kubeadm's own `certs renew all` of mini-kubeadm's files, with a CA
// key taken away (externally managed) and with a certificate missing. Text tables must be
// identical (kubeadm's preamble about reading the cluster's config aside); 1.37's JSON and YAML
// (output.kubeadm.k8s.io/v1alpha3) too, but for residualTime, which the two runs read seconds apart.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { runCli } from '../helpers/run-cli.js';
import { kubeadmBinary, nodeRoot, configFor, CONFIG_API, CONFIG_FILE, VERSIONS, type RefVersion } from './kubeadm-reference.js';

type Info = { certificates: Record<string, unknown>[]; certificateAuthorities: Record<string, unknown>[] };

function kubeadm(version: RefVersion, root: string, args: string[]): string {
  const out = execFileSync(kubeadmBinary(version), [...args, '--rootfs', root], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  // kubeadm first tries the cluster's kubeadm-config (there is none), says so, then prints
  return out.replace(/^\[check-expiration\].*\n/gm, '').replace(/^\n/, '');
}

async function ours(root: string, args: string[]): Promise<string> {
  const r = await runCli([...args, '--rootfs', root]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

const withoutResidual = (i: Info) => {
  for (const e of [...i.certificates, ...i.certificateAuthorities]) {
    assert.equal(typeof e.residualTime, 'number');
    delete e.residualTime;
  }
  return i;
};

async function agree(version: RefVersion, root: string, when: string): Promise<void> {
  assert.equal(await ours(root, ['certs', 'check-expiration']), kubeadm(version, root, ['certs', 'check-expiration']), `${version} ${when}: text`);
  if (version !== 'v1.29.15') {
    // 1.29's kubeadm has no -o here
    const j = (s: string) => withoutResidual(JSON.parse(s) as Info);
    assert.deepEqual(j(await ours(root, ['certs', 'check-expiration', '-o', 'json'])), j(kubeadm(version, root, ['certs', 'check-expiration', '-o', 'json'])), `${version} ${when}: json`);
    const y = (s: string) => withoutResidual(yaml.load(s) as Info);
    assert.deepEqual(y(await ours(root, ['certs', 'check-expiration', '-o', 'yaml'])), y(kubeadm(version, root, ['certs', 'check-expiration', '-o', 'yaml'])), `${version} ${when}: yaml`);
  }
}

for (const version of VERSIONS) {
  test(`certs check-expiration reads the same files as kubeadm ${version} does`, async (t) => {
    const root = nodeRoot(configFor(version, () => {}), CONFIG_API[version], 'mk-exp-');
    t.after(() => rmSync(root, { recursive: true, force: true }));
    for (const phase of ['certs', 'kubeconfig']) await ours(root, ['init', 'phase', phase, 'all', '--config', CONFIG_FILE]);
    await agree(version, root, 'as init made them');
    // a new minute: the renewed dates must read differently in the table
    await new Promise((r) => setTimeout(r, 61_000 - (Date.now() % 60_000) + 500));
    const before = await ours(root, ['certs', 'check-expiration']);
    await ours(root, ['certs', 'renew', 'all']);
    assert.notEqual(await ours(root, ['certs', 'check-expiration']), before, 'renewal changed the expiry dates');
    await agree(version, root, 'after mini-kubeadm renew all');
    kubeadm(version, root, ['certs', 'renew', 'all']);
    await agree(version, root, 'after kubeadm renew all of the same files');
    rmSync(path.join(root, 'etc/kubernetes/pki/front-proxy-ca.key'));
    rmSync(path.join(root, 'etc/kubernetes/pki/apiserver-etcd-client.crt'));
    const text = await ours(root, ['certs', 'check-expiration']);
    assert.match(text, /^front-proxy-client .* front-proxy-ca +yes/m);
    assert.match(text, /^!MISSING! apiserver-etcd-client/m);
    await agree(version, root, 'with an external front-proxy CA and a missing certificate');
  });
}
