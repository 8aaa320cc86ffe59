// `status` with bad input, in-process against a fake node root (--rootfs): no kubeconfig, one
// that names no cluster, an API that does not answer (bounded, saying what was tried), a
// manifests "folder" that is a file, an unknown output format: exit 1, a message and a hint,
// nothing on stdout, nothing under the root changed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../helpers/api-server.js';
import { runCli } from '../helpers/run-cli.js';
import { fakeNodeRoot, snapshotTree } from '../helpers/config-fake-node.js';

const ADMIN = '/etc/kubernetes/admin.conf';
const kubeconfig = (server: string) =>
  `apiVersion: v1\nkind: Config\nclusters:\n- name: kubernetes\n  cluster:\n    server: ${server}\n    insecure-skip-tls-verify: true\ncontexts:\n- name: admin@kubernetes\n  context: {cluster: kubernetes, user: admin}\ncurrent-context: admin@kubernetes\nusers:\n- name: admin\n  user: {token: not-used}\n`;

interface Case {
  name: string;
  argv?: string[];
  files: (port: number) => Record<string, string>;
  expect: RegExp[];
  /** the most seconds it may take */
  withinS?: number;
}

const cases: Case[] = [
  { name: 'no kubeconfig anywhere', files: () => ({}), expect: [/no kubeconfig found: none of \/root\/\.kube\/config, \/etc\/kubernetes\/admin\.conf exists \(under --rootfs .*\)/, /hint: name one with --kubeconfig or \$KUBECONFIG/] },
  { name: 'a kubeconfig that names no cluster', files: () => ({ [ADMIN]: 'apiVersion: v1\nkind: Config\nclusters: []\n' }), expect: [/\/etc\/kubernetes\/admin\.conf is not a usable kubeconfig: it names no current cluster/, /hint: /] },
  { name: 'a kubeconfig that is not YAML', argv: ['--kubeconfig', '/root/kc'], files: () => ({ '/root/kc': 'clusters: [\n' }), expect: [/\/root\/kc is not a usable kubeconfig: it is not YAML/] },
  {
    name: 'an API that does not answer',
    files: (port) => ({ [ADMIN]: kubeconfig(`https://127.0.0.1:${port}`) }),
    expect: [/the API server at https:\/\/127\.0\.0\.1:\d+ \(from \/etc\/kubernetes\/admin\.conf\) did not answer GET \/version within 15 s \(last error: connect ECONNREFUSED 127\.0\.0\.1:\d+\)/, /hint: on the control-plane node, is kube-apiserver running .*--kubeconfig\./],
    withinS: 30,
  },
  { name: 'a manifests folder that is a file', files: (port) => ({ [ADMIN]: kubeconfig(`https://127.0.0.1:${port}`), '/etc/kubernetes/manifests': 'not a folder\n' }), expect: [/\/etc\/kubernetes\/manifests \(under --rootfs .*\) is not a directory, so the kubelet can read no static pod from it/, /hint: move the file away/] },
  { name: 'an unknown output format', argv: ['-o', 'wide'], files: () => ({}), expect: [/argument 'wide' is invalid\. Allowed choices are text, json, yaml/] },
];

for (const c of cases) {
  test(`status, bad input: ${c.name}`, { timeout: 60_000 }, async (t) => {
    const port = await freePort();
    const root = fakeNodeRoot(t, { files: c.files(port) });
    const before = snapshotTree(root);
    const t0 = Date.now();
    const r = await runCli(['status', ...(c.argv ?? []), '--rootfs', root], { cwd: '/', env: { HOME: '/root' } });
    assert.equal(r.code, 1, `exit code\n${r.stdout}${r.stderr}`);
    for (const e of c.expect) assert.match(r.stderr, e);
    assert.doesNotMatch(r.stderr, /This is a bug/, r.stderr);
    assert.equal(r.stdout, '', 'nothing on stdout');
    assert.equal(snapshotTree(root), before, 'nothing under --rootfs changed');
    if (c.withinS) assert.ok(Date.now() - t0 < c.withinS * 1000, `took ${Date.now() - t0} ms`);
  });
}
