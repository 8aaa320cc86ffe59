// Bad input to `certs renew`, `certs check-expiration` and `config images`: exit 1, an error that
// names the cause and a hint, and not one file changed (every byte of the node root compared).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-host.js';

const NODE = ['--node-name', 'bad-node', '--apiserver-advertise-address', '10.4.5.7'];

/** every file under root with its bytes and mode */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(root, { recursive: true }).map(String).sort()) {
    const p = path.join(root, f);
    const st = statSync(p);
    if (st.isFile()) out.set(f, `${(st.mode & 0o777).toString(8)}:${readFileSync(p).toString('base64')}`);
  }
  return out;
}

let shared: string | undefined;
/** one node root with certificates and kubeconfigs, copied per case */
async function node(t: Parameters<typeof tmpDir>[0]): Promise<string> {
  if (!shared) {
    shared = tmpDir(undefined, 'mk-bad-src-');
    for (const phase of ['certs', 'kubeconfig']) {
      const r = await runCli(['init', 'phase', phase, 'all', '--rootfs', shared, ...NODE]);
      assert.equal(r.code, 0, r.stderr);
    }
  }
  const root = tmpDir(t, 'mk-bad-');
  (await import('node:fs')).cpSync(shared, root, { recursive: true });
  return root;
}
test.after(() => shared && rmSync(shared, { recursive: true, force: true }));

interface Case {
  name: string;
  argv: (root: string) => string[];
  /** break the node before the run */
  prepare?: (root: string) => void;
  error: RegExp;
  hint: RegExp;
}

const pki = (root: string, f: string) => path.join(root, 'etc/kubernetes/pki', f);

const CASES: readonly Case[] = [
  { name: 'renew: an unknown certificate name lists the known ones', argv: (r) => ['certs', 'renew', 'apiserver-client', '--rootfs', r], error: /unknown certificate "apiserver-client"/, hint: /all, admin\.conf, apiserver, .*super-admin\.conf/ },
  { name: 'renew: no name', argv: (r) => ['certs', 'renew', '--rootfs', r], error: /needs the name of a certificate, or all/, hint: /name one of: all, admin\.conf/ },
  {
    name: 'renew all: a missing CA (etcd/ca.crt) stops it before any file is written',
    argv: (r) => ['certs', 'renew', 'all', '--rootfs', r],
    prepare: (r) => rmSync(pki(r, 'etcd/ca.crt')),
    error: /etcd\/ca\.crt does not exist/,
    hint: /init phase certs etcd-ca/,
  },
  {
    name: 'renew: a key that does not match its certificate',
    argv: (r) => ['certs', 'renew', 'apiserver', '--rootfs', r],
    prepare: (r) => writeFileSync(pki(r, 'apiserver.key'), readFileSync(pki(r, 'front-proxy-client.key'))),
    error: /apiserver\.key does not match .*apiserver\.crt/,
    hint: /put back the matching key/,
  },
  {
    name: 'renew: a kubeconfig without an embedded client certificate',
    argv: (r) => ['certs', 'renew', 'admin.conf', '--rootfs', r],
    prepare: (r) => writeFileSync(path.join(r, 'etc/kubernetes/admin.conf'), readFileSync(path.join(r, 'etc/kubernetes/admin.conf'), 'utf8').replace(/client-certificate-data: .*/, 'client-certificate: /nowhere.crt')),
    error: /admin\.conf: user kubernetes-admin has no embedded client certificate/,
    hint: /init phase kubeconfig/,
  },
  { name: 'renew: a cert dir that does not exist', argv: (r) => ['certs', 'renew', 'all', '--rootfs', r, '--cert-dir', '/no/such/pki'], error: /the cert dir \/no\/such\/pki does not exist/, hint: /--cert-dir/ },
  {
    name: 'check-expiration: a cert dir that is a file',
    argv: (r) => ['certs', 'check-expiration', '--rootfs', r, '--cert-dir', '/etc/kubernetes/admin.conf'],
    error: /the cert dir \/etc\/kubernetes\/admin\.conf is not a directory/,
    hint: /--cert-dir/,
  },
  {
    name: 'check-expiration: a certificate file that is not one',
    argv: (r) => ['certs', 'check-expiration', '--rootfs', r],
    prepare: (r) => writeFileSync(pki(r, 'apiserver.crt'), 'not a certificate\n'),
    error: /apiserver\.crt is not a PEM certificate/,
    hint: /delete .*apiserver\.crt/,
  },
  { name: 'config images list: a version that is not one', argv: (r) => ['config', 'images', 'list', '--rootfs', r, '--kubernetes-version', 'v1.x'], error: /--kubernetes-version/, hint: /./ },
  { name: 'config images list: a version mini-kubeadm does not support', argv: (r) => ['config', 'images', 'list', '--rootfs', r, '--kubernetes-version', 'v1.20.0'], error: /1\.20/, hint: /./ },
];

for (const c of CASES) {
  test(c.name, async (t) => {
    const root = await node(t);
    c.prepare?.(root);
    const before = snapshot(root);
    const r = await runCli(c.argv(root));
    assert.equal(r.code, 1, `exit code; stdout: ${r.stdout} stderr: ${r.stderr}`);
    assert.match(r.stderr, /^error: /m);
    assert.match(r.stderr, c.error);
    assert.match(r.stderr.slice(r.stderr.indexOf('hint:')), c.hint);
    assert.ok(r.stderr.includes('hint:'), r.stderr);
    assert.deepEqual(snapshot(root), before, 'nothing on disk changed');
  });
}
