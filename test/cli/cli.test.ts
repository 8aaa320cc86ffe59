// The command tree as a user meets it: help, the phase alias, unknown phases, exit codes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/run-cli.js';

test('--help lists the commands and exits 0', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  for (const c of ['init', 'phase', 'reset', 'config', 'version']) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
});

test('init --help shows the phase table in kubeadm order', async () => {
  const r = await runCli(['init', '--help']);
  assert.equal(r.code, 0);
  const order = ['preflight', 'certs', 'kubeconfig', 'etcd', 'control-plane', 'kubelet-start', 'wait-control-plane', 'upload-config', 'upload-certs', 'mark-control-plane', 'bootstrap-token', 'kubelet-finalize', 'addon', 'show-join-command'];
  const positions = order.map((p) => r.stdout.search(new RegExp(`^${p}\\s`, 'm')));
  assert.ok(positions.every((p) => p >= 0), `every phase listed: ${positions}`);
  assert.deepEqual([...positions].sort((a, b) => a - b), positions, 'listed in run order');
  assert.match(r.stdout, /--skip-phases/);
});

const helpCases: { name: string; argv: string[]; expect: RegExp }[] = [
  { name: 'init phase certs', argv: ['init', 'phase', 'certs', '--help'], expect: /--cert-dir/ },
  { name: 'phase certs (alias)', argv: ['phase', 'certs', '--help'], expect: /--cert-dir/ },
  { name: 'phase certs all', argv: ['phase', 'certs', 'all', '--help'], expect: /--apiserver-cert-extra-sans/ },
  { name: 'phase kubeconfig admin', argv: ['phase', 'kubeconfig', 'admin', '--help'], expect: /--kubeconfig-dir/ },
  { name: 'init phase etcd local', argv: ['init', 'phase', 'etcd', 'local', '--help'], expect: /--image-repository/ },
  { name: 'reset', argv: ['reset', '--help'], expect: /cleanup-node/ },
  { name: 'config print init-defaults', argv: ['config', 'print', 'init-defaults', '--help'], expect: /--kubernetes-version/ },
];
for (const c of helpCases) {
  test(`help: ${c.name}`, async () => {
    const r = await runCli(c.argv);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, c.expect);
  });
}

test('`phase X` and `init phase X` have the same subcommands', async () => {
  const a = await runCli(['phase', 'certs', '--help']);
  const b = await runCli(['init', 'phase', 'certs', '--help']);
  const subs = (s: string) => s.slice(s.indexOf('Commands:'));
  assert.equal(subs(a.stdout), subs(b.stdout));
});

const errorCases: { name: string; argv: string[]; expect: RegExp }[] = [
  { name: 'unknown phase', argv: ['phase', 'bogus'], expect: /unknown phase "bogus"[\s\S]*hint: valid phases are: preflight, certs/ },
  { name: 'unknown phase under init', argv: ['init', 'phase', 'nope'], expect: /unknown phase "nope"/ },
  { name: 'unknown --skip-phases name', argv: ['init', '--skip-phases', 'certs/cax', '--dry-run'], expect: /unknown phase in --skip-phases "certs\/cax"[\s\S]*certs\/ca/ },
  { name: 'unknown flag', argv: ['init', '--no-such-flag'], expect: /unknown option '--no-such-flag'/ },
  { name: 'unknown command', argv: ['frobnicate'], expect: /unknown command 'frobnicate'/ },
];
for (const c of errorCases) {
  test(`error: ${c.name} exits 1 and says what is valid`, async () => {
    const r = await runCli(c.argv);
    assert.equal(r.code, 1);
    assert.match(r.stderr, c.expect);
  });
}

test('version prints the default Kubernetes version; --output json is JSON', async () => {
  const t = await runCli(['version']);
  assert.equal(t.code, 0);
  assert.match(t.stdout, /mini-kubeadm version: \d+\.\d+\.\d+.*v1\.\d+\.\d+/);
  const j = await runCli(['version', '-o', 'json']);
  assert.equal(JSON.parse(j.stdout).defaultKubernetesVersion, 'v1.37.2');
});
