// Every path a user gives, met with what can stand at a path instead of a readable file (a
// directory, a FIFO, a device, a dangling symbolic link, a file this user cannot read): the
// CLI exits 1 without blocking, names the path and the fix, and leaves the --rootfs tree as it was.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cliCopyForAnyUser, runCli, runCliAsNobody } from '../helpers/run-cli.js';
import { fakeNodeRoot, snapshotTree } from '../helpers/config-fake-node.js';

/** what stands at the path, made at its real place under the root */
const KINDS: { name: string; make: (real: string) => void; says: RegExp }[] = [
  { name: 'a directory', make: (p) => mkdirSync(p, { recursive: true }), says: /is a directory/ },
  { name: 'a FIFO', make: (p) => execFileSync('mkfifo', [p]), says: /is a named pipe \(FIFO\)/ },
  { name: 'a device', make: (p) => symlinkSync('/dev/null', p), says: /is a character device/ },
  { name: 'a dangling symlink', make: (p) => symlinkSync('/nowhere/at/all', p), says: /symbolic link to \/nowhere\/at\/all that does not exist|is a symbolic link to \/nowhere\/at\/all, which does not exist/ },
];

const TOKEN = 'abcdef.0123456789abcdef';
/** each path input: the node path it names and the argv that gives it */
const INPUTS: { flag: string; at: string; argv: (p: string) => string[] }[] = [
  { flag: 'init --config', at: '/root/kubeadm.yaml', argv: (p) => ['init', '--config', p] },
  { flag: 'init phase --config', at: '/root/kubeadm.yaml', argv: (p) => ['init', 'phase', 'certs', 'all', '--config', p] },
  { flag: 'join --config', at: '/root/join.yaml', argv: (p) => ['join', '--config', p] },
  { flag: 'token create --config', at: '/root/kubeadm.yaml', argv: (p) => ['token', 'create', '--config', p] },
  { flag: 'init --cni FILE', at: '/root/cni.yaml', argv: (p) => ['init', '--cni', p] },
  { flag: 'join --discovery-file', at: '/root/cluster-info.conf', argv: (p) => ['join', '--discovery-file', p, '--tls-bootstrap-token', TOKEN] },
  { flag: 'token list --kubeconfig', at: '/root/admin.conf', argv: (p) => ['token', 'list', '--kubeconfig', p] },
  { flag: 'certs --cert-dir', at: '/etc/kubernetes/pki', argv: (p) => ['init', 'phase', 'certs', 'ca', '--cert-dir', `${p}/sub`] },
  { flag: 'kubeconfig --kubeconfig-dir', at: '/etc/kubernetes/kc', argv: (p) => ['init', 'phase', 'kubeconfig', 'admin', '--kubeconfig-dir', `${p}/sub`] },
];

/** --cert-dir and --kubeconfig-dir are directories: a directory there is right, and they are named by the part of the path that is not one */
const WANTS_DIRECTORY = new Set(['certs --cert-dir', 'kubeconfig --kubeconfig-dir']);

for (const input of INPUTS) {
  for (const kind of KINDS) {
    if (WANTS_DIRECTORY.has(input.flag) && kind.name === 'a directory') continue;
    test(`${input.flag} naming ${kind.name}: exit 1, the path named, nothing changed`, async (t) => {
      const root = fakeNodeRoot(t);
      mkdirSync(path.dirname(path.join(root, input.at)), { recursive: true });
      kind.make(path.join(root, input.at));
      const before = snapshotTree(root);
      const r = await runCli([...input.argv(input.at), '--rootfs', root], { cwd: '/' });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`error: .*${input.at.replaceAll('/', '\\/')}`), r.stderr);
      if (!WANTS_DIRECTORY.has(input.flag)) assert.match(r.stderr, kind.says);
      assert.match(r.stderr, /hint: \S/);
      assert.doesNotMatch(r.stderr, /This is a bug/);
      assert.equal(snapshotTree(root), before, 'nothing under --rootfs changed');
    });
  }
}

for (const kind of KINDS) {
  test(`--rootfs naming ${kind.name === 'a directory' ? 'a file' : kind.name}: exit 1, said before anything is read`, async (t) => {
    const root = fakeNodeRoot(t);
    const rootfs = path.join(root, 'node');
    if (kind.name === 'a directory') writeFileSync(rootfs, 'x');
    else kind.make(rootfs);
    const before = snapshotTree(root);
    const r = await runCli(['init', 'phase', 'certs', 'all', '--rootfs', rootfs], { cwd: '/' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`error: --rootfs ${rootfs.replaceAll('/', '\\/')}: `));
    assert.match(r.stderr, kind.name === 'a directory' ? /is a file, not a directory/ : kind.name === 'a dangling symlink' ? /does not exist/ : /not a directory/);
    assert.equal(snapshotTree(root), before);
  });
}

test('a config file this user cannot read (mode 000, not root): permission denied, the path named', (t) => {
  const cli = cliCopyForAnyUser(t);
  const root = fakeNodeRoot(t, { files: { '/root/kubeadm.yaml': 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n' } });
  chmodSync(root, 0o755);
  chmodSync(path.join(root, 'root'), 0o755);
  chmodSync(path.join(root, 'root/kubeadm.yaml'), 0o000);
  const before = snapshotTree(root);
  for (const argv of [['init', 'phase', 'certs', 'all', '--config', '/root/kubeadm.yaml'], ['join', '--config', '/root/kubeadm.yaml']]) {
    const r = runCliAsNobody(cli, [...argv, '--rootfs', root]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error: \/root\/kubeadm\.yaml \(.*\/root\/kubeadm\.yaml under --rootfs\): permission denied \(read\)/);
    assert.match(r.stderr, /hint: run as root, or make the path readable/);
  }
  assert.equal(snapshotTree(root), before);
});

/** reset removes what stands in a file's place; what it must read and cannot is named as left behind */
const RESET_CASES: { name: string; make: (root: string) => void; code: number; says?: RegExp }[] = [
  { name: 'a directory where admin.conf belongs', make: (r) => mkdirSync(path.join(r, 'etc/kubernetes/admin.conf/x'), { recursive: true }), code: 0 },
  { name: 'a FIFO where kubelet.conf belongs', make: (r) => execFileSync('mkfifo', [path.join(r, 'etc/kubernetes/kubelet.conf')]), code: 0 },
  { name: 'a FIFO in place of the etcd manifest', make: (r) => { mkdirSync(path.join(r, 'etc/kubernetes/manifests')); execFileSync('mkfifo', [path.join(r, 'etc/kubernetes/manifests/etcd.yaml')]); }, code: 1, says: /left behind: this node's etcd member: \/etc\/kubernetes\/manifests\/etcd\.yaml .* is a named pipe \(FIFO\)/ },
  { name: 'a directory in place of kubeadm-flags.env', make: (r) => mkdirSync(path.join(r, 'var/lib/kubelet/kubeadm-flags.env'), { recursive: true }), code: 0 },
];
for (const c of RESET_CASES) {
  test(`reset with ${c.name}: never blocks, removes it, names what it could not read`, async (t) => {
    const root = fakeNodeRoot(t);
    mkdirSync(path.join(root, 'etc/kubernetes'), { recursive: true });
    c.make(root);
    const r = await runCli(['reset', '--force', '--skip-phases', 'cleanup-network', '--rootfs', root], { cwd: '/' });
    assert.equal(r.code, c.code, r.stderr);
    if (c.says) assert.match(r.stderr, c.says);
    assert.doesNotMatch(r.stderr, /This is a bug/);
    assert.doesNotMatch(snapshotTree(root), /etc\/kubernetes\/(admin\.conf|kubelet\.conf|manifests\/etcd\.yaml)|kubeadm-flags\.env/, 'reset removed it');
  });
}
