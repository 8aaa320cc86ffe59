// reset as a user meets it: it asks before acting (y/N on a terminal), refuses without a
// terminal unless --force, asks nothing for --dry-run, and lists its phases in --help.
// Only remove-etcd-member and cleanup-node run here, under a temp --rootfs; the network
// phase is tested in its own namespace (test/host/reset-network.test.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/main.js';
import { cliCopyForAnyUser, runCli, runCliAsNobody } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-host.js';

function fakeNode(root: string): string {
  const admin = path.join(root, 'etc/kubernetes/admin.conf');
  mkdirSync(path.join(root, 'etc/kubernetes/pki'), { recursive: true });
  writeFileSync(admin, 'apiVersion: v1\nkind: Config\n');
  writeFileSync(path.join(root, 'etc/kubernetes/pki/ca.key'), 'k');
  return admin;
}

/** the CLI with a terminal on stdin that types `answer` */
async function withTerminal(argv: string[], answer: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (d.toString().includes('[y/N]')) stdin.write(`${answer}\n`);
  });
  const code = await main(argv, { stdout: out, stderr: err, stdin, env: { NO_COLOR: '1' }, cwd: process.cwd() });
  return { code, stdout, stderr };
}

test('without a terminal and without --force, reset refuses, says to pass --force, and changes nothing', async (t) => {
  const root = tmpDir(t);
  const admin = fakeNode(root);
  const r = await runCli(['reset', '--skip-phases', 'cleanup-network', '--rootfs', root]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /error: .*reset needs confirmation.*not a TTY/);
  assert.match(r.stderr, /hint: .*--force/);
  assert.ok(existsSync(admin));
});

const answers: { name: string; answer: string; code: number; kept: boolean }[] = [
  { name: 'n aborts and changes nothing', answer: 'n', code: 1, kept: true },
  { name: 'an empty answer (the default, N) aborts', answer: '', code: 1, kept: true },
  { name: 'y resets', answer: 'y', code: 0, kept: false },
];
for (const a of answers) {
  test(`on a terminal, the answer ${a.name}`, async (t) => {
    const root = tmpDir(t);
    const admin = fakeNode(root);
    const r = await withTerminal(['reset', '--skip-phases', 'cleanup-network', '--rootfs', root], a.answer);
    assert.equal(r.code, a.code, r.stderr);
    assert.equal(r.stderr.split('[y/N]').length - 1, 1, 'asked exactly once');
    assert.equal(existsSync(admin), a.kept);
    assert.equal(existsSync(path.join(root, 'etc/kubernetes/pki/ca.key')), a.kept);
    if (a.kept) assert.match(r.stderr, /reset aborted.*nothing was changed/);
    else assert.match(r.stdout, /network filtering rules and kubeconfig files/, 'with cleanup-network skipped, kubeadm\'s own closing note');
  });
}

test('a single phase asks too, unless --force', async (t) => {
  const root = tmpDir(t);
  const admin = fakeNode(root);
  const refused = await runCli(['reset', 'phase', 'cleanup-node', '--rootfs', root]);
  assert.equal(refused.code, 1);
  assert.ok(existsSync(admin));
  const forced = await runCli(['reset', 'phase', 'cleanup-node', '--force', '--rootfs', root]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.ok(!existsSync(admin));
});

test('--dry-run asks nothing and changes nothing', async (t) => {
  const root = tmpDir(t);
  const admin = fakeNode(root);
  const r = await runCli(['reset', '--skip-phases', 'cleanup-network', '--dry-run', '--rootfs', root]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(admin));
  assert.match(r.stdout, /\[dry-run\] would remove \/etc\/kubernetes\/admin\.conf/);
});

const helpCases: { name: string; argv: string[]; expect: RegExp[] }[] = [
  { name: 'reset lists its phases in order', argv: ['reset', '--help'], expect: [/preflight[\s\S]*remove-etcd-member[\s\S]*cleanup-node[\s\S]*cleanup-network/, /--force/, /--cleanup-tmp-dir/] },
  { name: 'reset phase cleanup-network', argv: ['reset', 'phase', 'cleanup-network', '--help'], expect: [/--force/, /--rootfs/, /--dry-run/, /kube-ipvs0/] },
  { name: 'reset phase cleanup-node', argv: ['reset', 'phase', 'cleanup-node', '--help'], expect: [/--cri-socket/, /--cert-dir/, /--cleanup-tmp-dir/] },
];
for (const c of helpCases) {
  test(`help: ${c.name}`, async () => {
    const r = await runCli(c.argv);
    assert.equal(r.code, 0, r.stderr);
    for (const e of c.expect) assert.match(r.stdout, e);
  });
}

test('preflight refuses a user who is not root (exit 2), unless the check is ignored', (t) => {
  const cli = cliCopyForAnyUser(t);
  const run = (extra: string[]) => runCliAsNobody(cli, ['reset', 'phase', 'preflight', '--force', ...extra]);
  const refused = run([]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /IsPrivilegedUser.*not running as root/);
  assert.equal(run(['--ignore-preflight-errors', 'IsPrivilegedUser']).code, 0);
});
