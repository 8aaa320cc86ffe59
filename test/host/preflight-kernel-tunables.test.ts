// KernelTunables on a temp rootfs: with --profile cis (the kubelet's protectKernelDefaults) the
// check reads the six tunables from the rootfs's /proc/sys and names each that differs from the
// kubelet's value, with the sysctl.d lines as its fix; without the profile it is not in the table.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { tmpHost } from '../helpers/tmp-host.js';
import { testConfig } from '../helpers/test-config.js';
import { FRESH_UBUNTU_TUNABLES, healthyNode, KUBELET_TUNABLES, machine, putAll } from '../helpers/preflight-node.js';
import { standInTools } from '../helpers/stand-in-tools.js';
import { runCli } from '../helpers/run-cli.js';
import { nodePaths } from '../../src/host/paths.js';
import type { RealHost } from '../../src/host/real-host.js';
import type { InitConfig } from '../../src/config/types.js';
import { initChecks } from '../../src/preflight/checks.js';
import { joinChecks } from '../../src/preflight/join-checks.js';
import { preflightEnv, preflightFailure, runChecks } from '../../src/preflight/run.js';
import { ignoreSet } from '../../src/preflight/ignore.js';
import { applyProfile } from '../../src/profiles/apply.js';
import { profileNamed } from '../../src/profiles/profiles.js';

const paths = nodePaths({ certificatesDir: '/etc/kubernetes/pki', kubeconfigDir: '/etc/kubernetes' });

function node(host: RealHost, values: Readonly<Record<string, string>>) {
  healthyNode(host);
  putAll(host, values);
}

function cisConfig(over: (c: InitConfig) => void = () => {}): InitConfig {
  const cfg = testConfig(over);
  applyProfile(cfg, profileNamed('cis')!);
  return cfg;
}

async function kernelTunables(host: RealHost, cfg: InitConfig) {
  const ignored = ignoreSet([]);
  const env = await preflightEnv(host, cfg, paths, machine(), ignored);
  return runChecks(initChecks(cfg).filter((c) => c.name === 'KernelTunables'), env, ignored);
}

const FIX = [
  'put these lines in /etc/sysctl.d/90-kubelet-cis.conf, then run: sysctl --system',
  '      vm.overcommit_memory = 1',
  '      vm.panic_on_oom = 0',
  '      kernel.panic = 10',
  '      kernel.panic_on_oops = 1',
  '      kernel.keys.root_maxkeys = 1000000',
  '      kernel.keys.root_maxbytes = 25000000',
].join('\n');

const rows: { name: string; values: Readonly<Record<string, string>>; setup?: (h: RealHost) => void; want: string[] }[] = [
  { name: 'the kubelet\'s values: passes', values: KUBELET_TUNABLES, want: [] },
  { name: 'the kubelet\'s values written with blanks around them: passes (the kubelet trims them)', values: { ...KUBELET_TUNABLES, '/proc/sys/kernel/panic': ' 10 \n' }, want: [] },
  {
    name: 'a fresh Ubuntu: the three that differ, each named with its value',
    values: FRESH_UBUNTU_TUNABLES,
    want: ['error: the kubelet\'s protectKernelDefaults is true, so it refuses to start with these kernel tunables: vm.overcommit_memory = 0 (wants 1), kernel.panic = 0 (wants 10), kernel.panic_on_oops = 0 (wants 1)'],
  },
  {
    name: 'a missing tunable and one that is not a number',
    values: { ...KUBELET_TUNABLES, '/proc/sys/vm/panic_on_oom': 'zero\n' },
    setup: (h) => rmSync(h.resolve('/proc/sys/kernel/keys/root_maxbytes')),
    want: ['error: the kubelet\'s protectKernelDefaults is true, so it refuses to start with these kernel tunables: vm.panic_on_oom = zero (wants 0), kernel.keys.root_maxbytes (no /proc/sys/kernel/keys/root_maxbytes; wants 25000000)'],
  },
];
for (const row of rows) {
  test(`KernelTunables with --profile cis: ${row.name}`, async (t) => {
    const host = tmpHost(t);
    node(host, row.values);
    row.setup?.(host);
    const rs = await kernelTunables(host, cisConfig());
    assert.deepEqual(rs.map((r) => `${r.severity}: ${r.message}`), row.want);
    for (const r of rs) assert.equal(r.fix, FIX);
  });
}

test('KernelTunables fails preflight (exit 2) with its fix, and is ignorable by name', async (t) => {
  const host = tmpHost(t);
  node(host, FRESH_UBUNTU_TUNABLES);
  const failure = preflightFailure(await kernelTunables(host, cisConfig()));
  assert.equal(failure?.exitCode, 2);
  assert.match(failure.message, /\[ERROR KernelTunables\]: .*vm\.overcommit_memory = 0 \(wants 1\)/);
  assert.ok(failure.message.includes(`fix: ${FIX}`), failure.message);
  const ignored = ignoreSet(['KernelTunables']);
  const env = await preflightEnv(host, cisConfig(), paths, machine(), ignored);
  const rs = await runChecks(initChecks(cisConfig()).filter((c) => c.name === 'KernelTunables'), env, ignored);
  assert.deepEqual(rs.map((r) => [r.severity, r.ignored]), [['warning', true]]);
});

const absentRows: { name: string; cfg: () => InitConfig }[] = [
  { name: 'without --profile', cfg: () => testConfig() },
  { name: 'with --profile cis but the user\'s KubeletConfiguration sets protectKernelDefaults: false (the kubelet then sets them itself)', cfg: () => cisConfig((c) => void (c.kubeletConfiguration = { protectKernelDefaults: false })) },
];
for (const row of absentRows) {
  test(`KernelTunables is not in the table ${row.name}, whatever the tunables`, async (t) => {
    const host = tmpHost(t);
    node(host, FRESH_UBUNTU_TUNABLES);
    assert.deepEqual(initChecks(row.cfg()).filter((c) => c.name === 'KernelTunables'), []);
  });
}

test('a user\'s own protectKernelDefaults: true, without the profile, gets the check too (the kubelet refuses the same way)', async (t) => {
  const host = tmpHost(t);
  node(host, FRESH_UBUNTU_TUNABLES);
  const rs = await kernelTunables(host, testConfig((c) => void (c.kubeletConfiguration = { protectKernelDefaults: true })));
  assert.equal(rs.length, 1);
  assert.match(rs[0]!.message, /kernel\.panic = 0 \(wants 10\)/);
});

/** init phase preflight on a rootfs, as a user runs it (no tool on PATH: the rest of preflight is ignored, dry run) */
async function preflightPhase(t: TestContext, host: RealHost, extra: string[]) {
  standInTools(t, {}, 'none');
  return runCli(['init', 'phase', 'preflight', '--rootfs', host.resolve('/'), '--ignore-preflight-errors', 'all', '--node-name', 'node-a', '--apiserver-advertise-address', '127.0.0.1', ...extra]);
}

/** every path under the rootfs */
const tree = (host: RealHost) => readdirSync(host.resolve('/'), { recursive: true, encoding: 'utf8' }).sort();

test('init phase preflight --profile cis: KernelTunables reads the rootfs\'s /proc/sys; without --profile it is not run', async (t) => {
  const host = tmpHost(t);
  node(host, FRESH_UBUNTU_TUNABLES);
  const withProfile = await preflightPhase(t, host, ['--dry-run', '--profile', 'cis']);
  assert.equal(withProfile.code, 0, withProfile.stderr);
  assert.match(withProfile.stdout + withProfile.stderr, /\[WARNING KernelTunables\]: the kubelet's protectKernelDefaults is true, so it refuses to start with these kernel tunables: vm\.overcommit_memory = 0 \(wants 1\), kernel\.panic = 0 \(wants 10\), kernel\.panic_on_oops = 0 \(wants 1\) \(ignored\)/);
  const without = await preflightPhase(t, host, ['--dry-run']);
  assert.equal(without.code, 0, without.stderr);
  assert.doesNotMatch(without.stdout + without.stderr, /KernelTunables/);
});

test('init phase preflight --profile nope: exit 1, the profiles named, nothing written', async (t) => {
  const host = tmpHost(t);
  node(host, FRESH_UBUNTU_TUNABLES);
  const before = tree(host);
  const r = await preflightPhase(t, host, ['--profile', 'nope', '--fix']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--profile nope: no such profile/);
  assert.match(r.stderr, /use cis/);
  assert.deepEqual(tree(host), before);
});

test('init --help and init phase preflight --help list --profile', async () => {
  for (const argv of [['init', '--help'], ['init', 'phase', 'preflight', '--help']]) {
    const r = await runCli(argv);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^ {2}--profile <name> +A security profile beyond kubeadm's/m, argv.join(' '));
  }
});

test("join on a cluster whose kubelet protects kernel defaults: the same check, on this node's tunables", async (t) => {
  const host = tmpHost(t);
  node(host, FRESH_UBUNTU_TUNABLES);
  // the cluster's KubeletConfiguration as join reads it from kubelet-config (--profile cis sets the field)
  const cfg = testConfig((c) => void (c.kubeletConfiguration = { protectKernelDefaults: true }));
  const ignored = ignoreSet([]);
  const env = await preflightEnv(host, cfg, paths, machine(), ignored);
  const checks = joinChecks(cfg, { kubeconfigDir: '/etc/kubernetes', caCertPath: '/etc/kubernetes/pki/ca.crt', env: {} }).filter((c) => c.name === 'KernelTunables');
  const rs = await runChecks(checks, env, ignored);
  assert.deepEqual(rs.map((r) => `${r.severity}: ${r.message}`), [rows[2]!.want[0]]);
  assert.equal(rs[0]!.fix, FIX);
});
