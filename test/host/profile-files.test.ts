// What `init --profile cis` does on the node, on a temp rootfs: its files 0600 (the encryption
// key kept once written), the etcd data directory given to the node's etcd user (stat'ed), the
// kubelet's config.yaml 0600 with protectKernelDefaults, the kubelet drop-in tightened; and the
// whole phases through the CLI (--rootfs): written with the profile, and without it as before.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { tmpHost } from '../helpers/tmp-host.js';
import { testConfig } from '../helpers/test-config.js';
import { nodePaths } from '../../src/host/paths.js';
import { writeKubeletFiles } from '../../src/kubelet/kubelet-files.js';
import { applyProfile } from '../../src/profiles/apply.js';
import { CIS_DIR, profileNamed } from '../../src/profiles/profiles.js';
import { ownEtcdData, systemUser, tightenFiles, writeProfileFiles } from '../../src/profiles/write.js';
import { runCli } from '../helpers/run-cli.js';

const CIS = profileNamed('cis')!;
const paths = nodePaths({ certificatesDir: '/etc/kubernetes/pki', kubeconfigDir: '/etc/kubernetes' });
const mode = (p: string) => statSync(p).mode & 0o777;

test('the profile files are 0600, and a second run keeps the encryption key', async (t) => {
  const host = tmpHost(t);
  await writeProfileFiles(host, CIS);
  for (const f of CIS.files) assert.equal(mode(host.resolve(f.path)), 0o600, f.path);
  const enc = host.resolve(`${CIS_DIR}/encryption-config.yaml`);
  const first = readFileSync(enc, 'utf8');
  const lines = await writeProfileFiles(host, CIS);
  assert.equal(readFileSync(enc, 'utf8'), first);
  assert.ok(lines.some((l) => /encryption-config\.yaml kept/.test(l)));
});

test("the etcd data directory goes to the node's etcd user and group, read from the node's /etc", async (t) => {
  const host = tmpHost(t);
  mkdirSync(host.resolve('/etc'), { recursive: true });
  writeFileSync(host.resolve('/etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\netcd:x:4711:65534::/nonexistent:/usr/sbin/nologin\n');
  writeFileSync(host.resolve('/etc/group'), 'root:x:0:\netcd:x:4712:\n');
  mkdirSync(host.resolve('/var/lib/etcd'), { recursive: true, mode: 0o700 });
  assert.deepEqual(await systemUser(host, 'etcd'), { uid: 4711, gid: 4712 });
  const r = await ownEtcdData(host, CIS, '/var/lib/etcd');
  const st = statSync(host.resolve('/var/lib/etcd'));
  assert.deepEqual([st.uid, st.gid], [4711, 4712]);
  assert.match(r.result ?? '', /owned by etcd \(4711:4712\)/);
});

test('without an etcd user the data directory stays as it is, with a warning that says how to make one', async (t) => {
  const host = tmpHost(t);
  mkdirSync(host.resolve('/etc'), { recursive: true });
  writeFileSync(host.resolve('/etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  mkdirSync(host.resolve('/var/lib/etcd'), { recursive: true });
  const r = await ownEtcdData(host, CIS, '/var/lib/etcd');
  assert.equal(statSync(host.resolve('/var/lib/etcd')).uid, process.getuid?.());
  assert.match(r.warning ?? '', /no "etcd" user.*useradd --system/);
});

test("the kubelet's config.yaml is 0600 with protectKernelDefaults, and the kubelet drop-in is tightened", async (t) => {
  const host = tmpHost(t);
  const dropIn = CIS.tighten[0]!.path;
  mkdirSync(host.resolve(dropIn.replace(/\/[^/]+$/, '')), { recursive: true });
  writeFileSync(host.resolve(dropIn), '[Service]\n', { mode: 0o644 });
  const cfg = testConfig((c) => {
    c.profile = 'cis';
    applyProfile(c, CIS);
  });
  const written = await writeKubeletFiles(host, cfg, paths, { hostname: 'node-a' });
  assert.equal(written.configMode, 0o600);
  assert.equal(mode(host.resolve(paths.kubeletConfigFile)), 0o600);
  assert.equal(mode(host.resolve(paths.kubeletFlagsEnvFile)), 0o644);
  assert.equal((yaml.load(readFileSync(host.resolve(paths.kubeletConfigFile), 'utf8')) as Record<string, unknown>).protectKernelDefaults, true);
  assert.deepEqual(await tightenFiles(host, CIS), [`${dropIn} (0600)`]);
  assert.equal(mode(host.resolve(dropIn)), 0o600);
});

test('init phase control-plane and etcd through the CLI: the profile adds its files; without it none of them appear', async (t) => {
  const run = async (extra: string[]) => {
    const host = tmpHost(t);
    const argv = ['init', 'phase', 'control-plane', 'all', '--rootfs', host.rootfs, '--apiserver-advertise-address', '172.31.0.2', ...extra];
    const r = await runCli(argv, { cwd: '/' });
    assert.equal(r.code, 0, r.stderr);
    return host;
  };
  const withProfile = await run(['--profile', 'cis']);
  for (const f of CIS.files) assert.equal(mode(withProfile.resolve(f.path)), 0o600, f.path);
  const manifest = readFileSync(withProfile.resolve('/etc/kubernetes/manifests/kube-apiserver.yaml'), 'utf8');
  assert.match(manifest, /--encryption-provider-config=\/etc\/kubernetes\/cis\/encryption-config\.yaml/);
  const plain = await run([]);
  assert.equal(await plain.exists(CIS_DIR), false);
  assert.doesNotMatch(readFileSync(plain.resolve('/etc/kubernetes/manifests/kube-apiserver.yaml'), 'utf8'), /profiling|audit|encryption/);
});
