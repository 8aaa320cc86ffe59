// reset on a node that init left (a temp --rootfs with init's files) run as a user would, in
// a throwaway network namespace: exactly init's files go, other programs' files stay, a
// second run has nothing to do, --dry-run changes nothing; a runtime that does not answer
// and a mount that will not go are reported as leftovers while every other step still runs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { tmpDir } from '../helpers/tmp-host.js';
import { runCli } from '../helpers/run-cli.js';
import { cliInNetns, makeNetns } from '../helpers/netns.js';

const ETCD_MANIFEST = `apiVersion: v1
kind: Pod
metadata: {name: etcd, namespace: kube-system}
spec:
  containers:
  - name: etcd
    image: registry.k8s.io/etcd:3.7.0-0
    volumeMounts: [{mountPath: /var/lib/etcd, name: etcd-data}, {mountPath: /etc/kubernetes/pki/etcd, name: etcd-certs}]
  volumes:
  - {name: etcd-certs, hostPath: {path: /etc/kubernetes/pki/etcd, type: DirectoryOrCreate}}
  - {name: etcd-data, hostPath: {path: /var/lib/etcd-data, type: DirectoryOrCreate}}
`;

const FLANNEL_CONFLIST = '{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel","delegate":{"hairpinMode":true,"isDefaultGateway":true}},{"type":"portmap","capabilities":{"portMappings":true}}]}';
const CONTAINERD_CONFLIST = '{"cniVersion":"1.0.0","name":"containerd-net","plugins":[{"type":"bridge","bridge":"cni0"},{"type":"portmap"}]}';

/** what init (and the kubelet, etcd and flannel after it) leaves, plus files that are not reset's */
const INIT_FILES: Record<string, string> = {
  'etc/kubernetes/pki/ca.crt': 'c', 'etc/kubernetes/pki/ca.key': 'k', 'etc/kubernetes/pki/apiserver.crt': 'c',
  'etc/kubernetes/pki/sa.key': 'k', 'etc/kubernetes/pki/sa.pub': 'p', 'etc/kubernetes/pki/etcd/ca.crt': 'c',
  'etc/kubernetes/pki/etcd/server.key': 'k', 'etc/kubernetes/pki/front-proxy-ca.crt': 'c',
  'etc/kubernetes/admin.conf': 'a', 'etc/kubernetes/super-admin.conf': 's', 'etc/kubernetes/kubelet.conf': 'k',
  'etc/kubernetes/controller-manager.conf': 'c', 'etc/kubernetes/scheduler.conf': 's',
  'etc/kubernetes/manifests/etcd.yaml': ETCD_MANIFEST, 'etc/kubernetes/manifests/kube-apiserver.yaml': 'm',
  'etc/kubernetes/manifests/kube-controller-manager.yaml': 'm', 'etc/kubernetes/manifests/kube-scheduler.yaml': 'm',
  'var/lib/kubelet/config.yaml': 'c', 'var/lib/kubelet/kubeadm-flags.env': 'f', 'var/lib/kubelet/pki/kubelet-client-current.pem': 'p',
  'var/lib/kubelet/pods/0b1c/etc-hosts': 'h',
  'var/lib/etcd-data/member/snap/db': 'db', 'var/lib/etcd-data/member/wal/0.wal': 'w',
  'etc/cni/net.d/10-flannel.conflist': FLANNEL_CONFLIST,
  'var/lib/cni/networks/cbr0/10.244.0.2': 'x', 'run/flannel/subnet.env': 'FLANNEL_NETWORK=10.244.0.0/16\n',
  // not reset's: they must stay
  'etc/cni/net.d/20-containerd-net.conflist': CONTAINERD_CONFLIST,
  'etc/kubernetes/tmp/kubeadm-backup-etcd/x': 'b',
  'etc/kubernetes/audit-policy.yaml': 'a',
  'etc/hostname': 'node-a\n',
};

const EXPECTED_AFTER = [
  'etc/', 'etc/cni/', 'etc/cni/net.d/', 'etc/cni/net.d/20-containerd-net.conflist', 'etc/hostname',
  'etc/kubernetes/', 'etc/kubernetes/audit-policy.yaml', 'etc/kubernetes/manifests/', 'etc/kubernetes/pki/',
  'etc/kubernetes/tmp/', 'etc/kubernetes/tmp/kubeadm-backup-etcd/', 'etc/kubernetes/tmp/kubeadm-backup-etcd/x',
  'run/', 'var/', 'var/lib/', 'var/lib/etcd-data/', 'var/lib/kubelet/',
];

function fakeInit(root: string): void {
  for (const [rel, content] of Object.entries(INIT_FILES)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content, { mode: 0o600 });
  }
}

/** every entry under root (directories end in /), with file contents, sorted */
function tree(root: string, withContent = false): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      const rel = path.relative(root, p);
      if (statSync(p).isDirectory()) {
        out.push(`${rel}/`);
        walk(p);
      } else out.push(withContent ? `${rel}=${readFileSync(p, 'utf8')}` : rel);
    }
  };
  walk(root);
  return out.sort();
}

test('reset --force removes exactly what init, etcd, the kubelet and flannel left; a second run has nothing to do', async (t) => {
  const root = tmpDir(t, 'mk-reset-');
  fakeInit(root);
  const ns = makeNetns(t);

  const first = await cliInNetns(ns, ['reset', '--force', '--rootfs', root]);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(tree(root), [...EXPECTED_AFTER].sort());
  assert.equal(readFileSync(path.join(root, 'etc/cni/net.d/20-containerd-net.conflist'), 'utf8'), CONTAINERD_CONFLIST, 'the other program\'s CNI config is untouched');
  assert.match(first.stdout, /Removed \(\d+\):/);
  assert.match(first.stdout, /\/etc\/kubernetes\/admin\.conf/);
  assert.match(first.stdout, /contents of \/var\/lib\/etcd-data/, 'the data dir comes from etcd.yaml\'s etcd-data volume');
  // as kubeadm (AddDirsToClean): emptied by cleanup-node after the kubelet is stopped and the pods
  // removed, so an etcd whose container was still on its way cannot write into it again
  assert.match(first.stdout, /contents of \/var\/lib\/etcd-data[^\n]*\[cleanup-node\/data-dirs\]/, 'the etcd data is emptied by cleanup-node');
  assert.match(first.stdout, /\$HOME\/\.kube\/config/, 'the closing note about the kubeconfig reset leaves');

  const after = tree(root, true);
  const second = await cliInNetns(ns, ['reset', '--force', '--rootfs', root]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /Nothing to remove/);
  assert.deepEqual(tree(root, true), after, 'the second run changes nothing');
});

/** what a worker's join (and its kubelet and flannel) leaves: no manifests, no etcd, no keys */
const JOIN_FILES: Record<string, string> = {
  'etc/kubernetes/pki/ca.crt': 'c', 'etc/kubernetes/kubelet.conf': 'k', 'etc/kubernetes/bootstrap-kubelet.conf': 'b',
  'var/lib/kubelet/config.yaml': 'c', 'var/lib/kubelet/kubeadm-flags.env': 'f', 'var/lib/kubelet/instance-config.yaml': 'i',
  'var/lib/kubelet/pki/kubelet-client-current.pem': 'p', 'var/lib/kubelet/pki/kubelet.crt': 'c', 'var/lib/kubelet/pods/9f2e/etc-hosts': 'h',
  'etc/cni/net.d/10-flannel.conflist': FLANNEL_CONFLIST, 'var/lib/cni/networks/cbr0/10.244.1.2': 'x', 'run/flannel/subnet.env': 'FLANNEL_NETWORK=10.244.0.0/16\n',
  'etc/hostname': 'jn-w1\n',
};

test('reset --force of a joined worker leaves nothing of the join; no etcd is looked for', async (t) => {
  const root = tmpDir(t, 'mk-reset-');
  for (const [rel, content] of Object.entries(JOIN_FILES)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content, { mode: 0o600 });
  }
  mkdirSync(path.join(root, 'etc/kubernetes/manifests'), { recursive: true }); // the kubelet makes its staticPodPath
  const ns = makeNetns(t);
  const r = await cliInNetns(ns, ['reset', '--force', '--rootfs', root]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(tree(root), ['etc/', 'etc/cni/', 'etc/cni/net.d/', 'etc/hostname', 'etc/kubernetes/', 'etc/kubernetes/manifests/', 'etc/kubernetes/pki/', 'run/', 'var/', 'var/lib/', 'var/lib/kubelet/']);
  assert.match(r.stdout + r.stderr, /no etcd on this node \(no \/etc\/kubernetes\/manifests\/etcd\.yaml, no \/var\/lib\/etcd\): nothing to remove/);
  assert.match(r.stdout, /\/etc\/kubernetes\/bootstrap-kubelet\.conf/);
  const second = await cliInNetns(ns, ['reset', '--force', '--rootfs', root]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /Nothing to remove/);
});

test('reset phase remove-etcd-member alone empties the etcd data at once (no cleanup-node follows it)', async (t) => {
  const root = tmpDir(t, 'mk-reset-');
  fakeInit(root);
  const ns = makeNetns(t);
  const r = await cliInNetns(ns, ['reset', 'phase', 'remove-etcd-member', '--force', '--rootfs', root]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(tree(root).filter((e) => e.startsWith('var/lib/etcd-data/')), ['var/lib/etcd-data/'], 'emptied, kept');
  assert.match(r.stdout, /contents of \/var\/lib\/etcd-data[^\n]*\[remove-etcd-member\/etcd-data\]/);
  assert.ok(tree(root).includes('etc/kubernetes/manifests/etcd.yaml'), 'nothing of cleanup-node\'s is touched');
});

test('reset --dry-run changes nothing, asks nothing, and prints the plan', async (t) => {
  const root = tmpDir(t, 'mk-reset-');
  fakeInit(root);
  const ns = makeNetns(t);
  const before = tree(root, true);
  const r = await cliInNetns(ns, ['reset', '--dry-run', '--rootfs', root]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(tree(root, true), before);
  for (const line of ['would remove /etc/kubernetes/admin.conf', 'would remove /etc/cni/net.d/10-flannel.conflist', 'would remove /var/lib/etcd-data/member', 'would remove /var/lib/cni']) {
    assert.ok(r.stdout.includes(line), `plan has "${line}":\n${r.stdout}`);
  }
  assert.ok(!r.stdout.includes('20-containerd-net.conflist'), 'the other program\'s CNI config is not in the plan');
});

test('a container runtime that does not answer is a named leftover; the other steps still run (exit 1)', async (t) => {
  const root = tmpDir(t, 'mk-reset-');
  fakeInit(root);
  const socket = `unix:///run/mk-reset-test-${randomBytes(4).toString('hex')}.sock`; // nothing listens there
  const r = await runCli(['reset', 'phase', 'cleanup-node', '--force', '--rootfs', root, '--cri-socket', socket]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, new RegExp(`Left behind \\(1\\):\\n  - Kubernetes pods \\(CRI ${socket.replace(/[./]/g, '\\$&')}, given with --cri-socket\\): `));
  assert.match(r.stderr, /error: reset left 1 thing behind: Kubernetes pods/);
  const left = tree(root);
  for (const gone of ['etc/kubernetes/admin.conf', 'etc/kubernetes/pki/ca.key', 'etc/kubernetes/manifests/etcd.yaml', 'var/lib/kubelet/config.yaml']) {
    assert.ok(!left.includes(gone), `${gone} removed by the steps after the failed one`);
  }
});

test('a mount under /var/lib/kubelet that will not go keeps /var/lib/kubelet as it is, and is named', async (t) => {
  const root = tmpDir(t, 'mk-reset-');
  fakeInit(root);
  // a mountinfo (read through --rootfs) naming a mount that does not exist on this machine, so umount fails for real
  const mount = `/var/lib/kubelet/pods/mk-reset-test-${randomBytes(4).toString('hex')}/volumes/kubernetes.io~empty-dir/cache`;
  mkdirSync(path.join(root, 'proc/self'), { recursive: true });
  writeFileSync(path.join(root, 'proc/self/mountinfo'), `1 0 8:1 / / rw - ext4 /dev/sda1 rw\n40 1 0:50 / ${mount} rw - tmpfs tmpfs rw\n`);
  const r = await runCli(['reset', 'phase', 'cleanup-node', '--force', '--rootfs', root]);
  assert.equal(r.code, 1, r.stderr);
  assert.ok(r.stdout.includes(`- mount ${mount}: `), r.stdout);
  assert.ok(r.stdout.includes('- contents of /var/lib/kubelet: not emptied: still mounted under it'), r.stdout);
  const left = tree(root);
  assert.ok(left.includes('var/lib/kubelet/config.yaml'), 'nothing deleted under a live mount');
  assert.ok(!left.includes('etc/kubernetes/admin.conf'), 'the later steps still ran');
});
