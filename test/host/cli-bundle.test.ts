// bin/mini-kubeadm runs the esbuild bundles (dist/bundle: front.cjs for help, esm/ for the rest),
// the other tests run tsc's output in-process: here the bundles, spawned as a user runs them,
// must do what dist/src does (help, errors, static pod manifests from templates/ byte for byte)
// and issue certificates and kubeconfigs that openssl verifies. The single executable
// (dist/sea/mini-kubeadm, scripts/installs.mjs) must do all the same, run from a copy outside
// the checkout (its templates are its own) with no node on the PATH.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test, { type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/run-cli.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(repo, 'bin/mini-kubeadm');
const NODE = ['--apiserver-advertise-address', '10.0.0.10', '--node-name', 'bundle-test'];

type Run = (argv: string[]) => { code: number; stdout: string; stderr: string };

const viaBin: Run = (argv) => {
  const r = spawnSync(process.execPath, [BIN, ...argv], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

const seaCopy = path.join(mkdtempSync(path.join(tmpdir(), 'mk-sea-')), 'mini-kubeadm');
copyFileSync(path.join(repo, 'dist/sea/mini-kubeadm'), seaCopy);
chmodSync(seaCopy, 0o755);
test.after(() => rmSync(path.dirname(seaCopy), { recursive: true, force: true }));
/** no node on the PATH unless asked (PATH: /usr/bin holds node here, and systemctl too) */
const viaSea = (argv: string[], env: NodeJS.ProcessEnv = { PATH: '/usr/sbin:/sbin' }): ReturnType<Run> => {
  const r = spawnSync(seaCopy, argv, { encoding: 'utf8', env: { ...env, NO_COLOR: '1' }, cwd: path.dirname(seaCopy) });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

const launchers: { name: string; run: Run }[] = [
  { name: 'bundle', run: viaBin },
  { name: 'single executable', run: viaSea },
];

function tempDir(t: TestContext): string {
  const d = mkdtempSync(path.join(tmpdir(), 'mk-bundle-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function verify(caFile: string, certFile: string): string {
  return execFileSync('openssl', ['verify', '-CAfile', caFile, certFile], { encoding: 'utf8' });
}

const sameAsInProcess: { name: string; argv: string[] }[] = [
  { name: '--help', argv: ['--help'] },
  { name: 'no arguments (help on stderr, exit 1)', argv: [] },
  { name: 'init --help (phase table)', argv: ['init', '--help'] },
  { name: 'help reset', argv: ['help', 'reset'] },
  { name: 'phase certs all --help', argv: ['phase', 'certs', 'all', '--help'] },
  { name: 'reset phase cleanup-node -h', argv: ['reset', 'phase', 'cleanup-node', '-h'] },
  { name: 'phase (help from main: an action prints it)', argv: ['phase'] },
  { name: '"help" as the value of a flag (front hands it on to main)', argv: ['config', 'print', 'init-defaults', '--kubernetes-version', 'help'] },
  { name: '--help as the value of a flag (a usage error)', argv: ['version', '--output', '--help'] },
  { name: 'an unknown phase', argv: ['phase', 'certz'] },
  { name: 'an unknown flag', argv: ['phase', 'certs', 'ca', '--no-such-flag'] },
  { name: 'config print init-defaults (js-yaml)', argv: ['config', 'print', 'init-defaults'] },
  { name: 'version', argv: ['version', '--output', 'json'] },
];

for (const { name: launcher, run: bin } of launchers) {
for (const c of sameAsInProcess) {
  test(`${launcher}: ${c.name} prints and exits as dist/src does`, async () => {
    const want = await runCli(c.argv);
    assert.deepEqual(bin(c.argv), want);
  });
}

test(`${launcher}: static pod manifests (its templates) are byte-equal to dist/src's`, async (t) => {
  const viaBundle = tempDir(t);
  const inProcess = tempDir(t);
  const argv = (root: string) => ['phase', 'control-plane', 'all', '--rootfs', root, '--apiserver-advertise-address', '10.0.0.10'];
  const etcd = (root: string) => ['phase', 'etcd', 'local', '--rootfs', root, ...NODE];
  for (const a of [argv, etcd]) {
    const r = bin(a(viaBundle));
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await runCli(a(inProcess))).code, 0);
  }
  const dir = 'etc/kubernetes/manifests';
  const files = readdirSync(path.join(viaBundle, dir)).sort();
  assert.deepEqual(files, ['etcd.yaml', 'kube-apiserver.yaml', 'kube-controller-manager.yaml', 'kube-scheduler.yaml']);
  for (const f of files) assert.equal(readFileSync(path.join(viaBundle, dir, f), 'utf8'), readFileSync(path.join(inProcess, dir, f), 'utf8'), f);
});

test(`${launcher}: phase certs all and phase kubeconfig all issue what openssl verifies`, (t) => {
  const d = tempDir(t);
  const pki = path.join(d, 'pki');
  const certs = bin(['phase', 'certs', 'all', '--cert-dir', pki, ...NODE]);
  assert.equal(certs.code, 0, certs.stderr);
  for (const [ca, leaf] of [
    ['ca', 'apiserver'],
    ['ca', 'apiserver-kubelet-client'],
    ['front-proxy-ca', 'front-proxy-client'],
    ['etcd/ca', 'etcd/server'],
    ['etcd/ca', 'etcd/peer'],
    ['etcd/ca', 'etcd/healthcheck-client'],
    ['etcd/ca', 'apiserver-etcd-client'],
  ]) {
    assert.match(verify(`${pki}/${ca}.crt`, `${pki}/${leaf}.crt`), /: OK/, leaf);
  }
  assert.match(readFileSync(`${pki}/sa.pub`, 'utf8'), /BEGIN PUBLIC KEY/);

  const kc = bin(['phase', 'kubeconfig', 'all', '--cert-dir', pki, '--kubeconfig-dir', d, ...NODE]);
  assert.equal(kc.code, 0, kc.stderr);
  for (const name of ['admin', 'super-admin', 'kubelet', 'controller-manager', 'scheduler']) {
    const conf = readFileSync(`${d}/${name}.conf`, 'utf8');
    const data = /client-certificate-data: (\S+)/.exec(conf)?.[1];
    assert.ok(data, `${name}.conf has no client-certificate-data`);
    const crt = path.join(d, `${name}-client.crt`);
    writeFileSync(crt, Buffer.from(data, 'base64'));
    assert.match(verify(`${pki}/ca.crt`, crt), /: OK/, name);
  }
});
}

test('single executable: init --dry-run runs every phase (the modules the bundle loads on demand are in it) and plans what the bundle plans', (t) => {
  const argv = (root: string) => ['init', '--dry-run', '--rootfs', root, '--ignore-preflight-errors', 'all', ...NODE];
  /** what a dry run would do: each action and its target, in order (sizes differ: new keys) */
  const plan = (r: ReturnType<Run>) => {
    assert.equal(r.code, 0, r.stderr);
    return (r.stdout + r.stderr).split('\n').flatMap((l) => /^\[dry-run\] would (write|create directory|run:) (\S+)/.exec(l)?.slice(1, 3).join(' ') ?? []);
  };
  // the bundle's PATH: the plan names systemctl only where it finds it
  const sea = plan(viaSea(argv(tempDir(t)), process.env));
  assert.ok(sea.includes('write /etc/kubernetes/manifests/kube-apiserver.yaml'), sea.join('\n'));
  assert.deepEqual(sea, plan(viaBin(argv(tempDir(t)))));
});
