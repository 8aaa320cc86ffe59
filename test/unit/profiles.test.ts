// The profile table applied to a configuration: the CIS profile's flags, volumes and kubelet
// fields reach the manifests and the KubeletConfiguration, a user's own values win, and without
// a profile the manifests are what they were.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InitConfig } from '../../src/config/types.js';
import { buildManifest } from '../../src/manifests/static-pod.js';
import type { NodeFacts } from '../../src/manifests/components.js';
import type { TemplateName } from '../../src/manifests/render.js';
import { applyProfile } from '../../src/profiles/apply.js';
import { AUDIT_LOG_DIR, CIS_DIR, PROFILES, profileNamed } from '../../src/profiles/profiles.js';
import { encryptionConfig } from '../../src/profiles/cis-files.js';
import { testConfig } from '../helpers/test-config.js';
import yaml from 'js-yaml';

const NODE: NodeFacts = { presentCaDirs: new Set(), env: {}, externalCA: false };
const CIS = profileNamed('cis')!;
const withCis = (edit: (cfg: InitConfig) => void = () => {}) => testConfig((cfg) => {
  edit(cfg);
  applyProfile(cfg, CIS);
});
const command = async (name: TemplateName, cfg: InitConfig) => (await buildManifest(name, cfg, NODE)).pod.spec.containers[0]!.command;

const EXPECTED: { component: TemplateName; flags: string[] }[] = [
  {
    component: 'kube-apiserver',
    flags: [
      '--profiling=false', `--audit-policy-file=${CIS_DIR}/audit-policy.yaml`, `--audit-log-path=${AUDIT_LOG_DIR}/audit.log`, '--audit-log-maxage=30',
      '--audit-log-maxbackup=10', '--audit-log-maxsize=100', `--encryption-provider-config=${CIS_DIR}/encryption-config.yaml`,
      `--admission-control-config-file=${CIS_DIR}/admission-config.yaml`, '--enable-admission-plugins=NodeRestriction,EventRateLimit',
      '--service-account-extend-token-expiration=false',
    ],
  },
  { component: 'kube-controller-manager', flags: ['--profiling=false', '--terminated-pod-gc-threshold=1000'] },
  { component: 'kube-scheduler', flags: ['--profiling=false'] },
];

for (const c of EXPECTED) {
  test(`--profile cis: ${c.component} carries the benchmark's flags, once each`, async () => {
    const cmd = await command(c.component, withCis());
    for (const f of c.flags) assert.equal(cmd.filter((w) => w.split('=')[0] === f.split('=')[0]).length, 1, `${f} once`);
    for (const f of c.flags) assert.ok(cmd.includes(f), `${f} in ${cmd.join(' ')}`);
    const plain = await command(c.component, testConfig());
    for (const f of c.flags) assert.ok(!plain.includes(f), `${f} not without the profile`);
  });
}

test('--profile cis: the API server mounts the profile directory read-only and the audit log directory read-write', async () => {
  const { pod } = await buildManifest('kube-apiserver', withCis(), NODE);
  const mounts = pod.spec.containers[0]!.volumeMounts ?? [];
  assert.deepEqual(mounts.find((m) => m.name === 'cis-config'), { name: 'cis-config', mountPath: CIS_DIR, readOnly: true });
  assert.deepEqual(mounts.find((m) => m.name === 'audit-log'), { name: 'audit-log', mountPath: AUDIT_LOG_DIR });
  assert.deepEqual(pod.spec.volumes?.find((v) => v.name === 'audit-log'), { name: 'audit-log', hostPath: { path: AUDIT_LOG_DIR, type: 'DirectoryOrCreate' } });
});

test("--profile cis: the user's own extraArgs and kubelet fields win over the profile's", async () => {
  const cfg = withCis((c) => {
    c.apiServer.extraArgs.push({ name: 'audit-log-maxage', value: '90' });
    c.kubeletConfiguration = { protectKernelDefaults: false };
  });
  const cmd = await command('kube-apiserver', cfg);
  assert.ok(cmd.includes('--audit-log-maxage=90') && !cmd.includes('--audit-log-maxage=30'));
  assert.equal(cfg.kubeletConfiguration?.protectKernelDefaults, false);
  assert.equal(withCis().kubeletConfiguration?.protectKernelDefaults, true);
});

test('every profile writes its files 0600 or tighter and removes at reset what it writes', () => {
  for (const p of PROFILES) {
    for (const f of p.files) {
      assert.equal(f.mode & 0o077, 0, `${p.name}: ${f.path}`);
      assert.ok(p.resetPaths.some((r) => f.path.startsWith(`${r}/`)), `${p.name}: reset removes ${f.path}`);
    }
    for (const v of p.apiServerVolumes) assert.ok(p.resetPaths.includes(v.hostPath), `${p.name}: reset removes ${v.hostPath}`);
  }
});

test('the encryption configuration holds a fresh 32-byte AES key each time', () => {
  const key = (text: string) => Buffer.from(((yaml.load(text) as { resources: { providers: { aescbc?: { keys: { secret: string }[] } }[] }[] }).resources[0]!.providers[0]!.aescbc!.keys[0]!.secret), 'base64');
  const [a, b] = [key(encryptionConfig()), key(encryptionConfig())];
  assert.equal(a.length, 32);
  assert.notDeepEqual(a, b);
});

test("--profile cis: a user's enable-admission-plugins gets the profile's plugins too, unless the user disables them", async () => {
  const enabled = async (edit: (cfg: InitConfig) => void) =>
    (await command('kube-apiserver', withCis(edit))).filter((w) => w.startsWith('--enable-admission-plugins='));
  assert.deepEqual(await enabled((c) => c.apiServer.extraArgs.push({ name: 'enable-admission-plugins', value: 'PodSecurity' })),
    ['--enable-admission-plugins=PodSecurity,NodeRestriction,EventRateLimit']);
  assert.deepEqual(await enabled((c) => c.apiServer.extraArgs.push({ name: 'enable-admission-plugins', value: 'EventRateLimit, NodeRestriction' })),
    ['--enable-admission-plugins=EventRateLimit, NodeRestriction'], 'nothing to add: the value as the user wrote it');
  assert.deepEqual(await enabled((c) => c.apiServer.extraArgs.push(
    { name: 'enable-admission-plugins', value: 'NodeRestriction' }, { name: 'disable-admission-plugins', value: 'EventRateLimit' })),
  ['--enable-admission-plugins=NodeRestriction']);
  // a v1 fragment of kubeadm's default (mergeMethod) is the user's to shape
  const fragment = withCis((c) => c.apiServer.extraArgs.push({ name: 'enable-admission-plugins', value: ',PodSecurity', mergeMethod: 'append' }));
  assert.deepEqual(fragment.apiServer.extraArgs.filter((a) => a.name === 'enable-admission-plugins'), [{ name: 'enable-admission-plugins', value: ',PodSecurity', mergeMethod: 'append' }]);
  // every other flag of the user's still replaces the profile's
  assert.deepEqual(await command('kube-apiserver', withCis((c) => c.apiServer.extraArgs.push({ name: 'profiling', value: 'true' })))
    .then((cmd) => cmd.filter((w) => w.startsWith('--profiling='))), ['--profiling=true']);
});
