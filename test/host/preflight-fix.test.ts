// --fix on a temp rootfs: each repair (IP forwarding, bridge-nf, the kubelet's kernel tunables
// under --profile cis, swap, containerd's cgroup driver and OOM setting) changes what its check reads, persists its lines once, and the
// check passes when looked at again; a repair that fails is said ("could not fix") and changes
// nothing. sysctl, modprobe, swapoff and systemctl are stand-ins that act on the rootfs's
// /proc (the real ones would change this machine); the edited config.toml is read back by
// containerd itself (`containerd --config FILE config dump`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpHost } from '../helpers/tmp-host.js';
import { testConfig } from '../helpers/test-config.js';
import { FRESH_UBUNTU_TUNABLES, healthyNode, machine, put, putAll } from '../helpers/preflight-node.js';
import { standInTools, RECORDS, type StandIn } from '../helpers/stand-in-tools.js';
import { nodePaths } from '../../src/host/paths.js';
import type { RealHost } from '../../src/host/real-host.js';
import type { InitConfig } from '../../src/config/types.js';
import { runInitPreflight } from '../../src/preflight/run.js';
import { parseKubeVersion } from '../../src/config/defaults.js';
import { ignoreSet } from '../../src/preflight/ignore.js';
import { applyProfile } from '../../src/profiles/apply.js';
import { profileNamed } from '../../src/profiles/profiles.js';

const paths = nodePaths({ certificatesDir: '/etc/kubernetes/pki', kubeconfigDir: '/etc/kubernetes' });
/** checks this PATH of stand-ins cannot pass; the ones under test are never among them */
const UNRELATED = ['KubeletVersion', 'CRI', 'FileExisting-losetup', 'FileExisting-mount', 'FileExisting-cp', 'FileExisting-ip', 'FileExisting-nsenter', 'FileExisting-tc', 'FileExisting-touch', 'KubeletService', 'ImagePull'];
const CONTAINERD = process.env.MK_CONTAINERD ?? execFileSync('sh', ['-c', 'command -v containerd || ls -d ~/.cache/mini-kubeadm-lab/containerd-root@*/usr/bin/containerd | head -1'], { encoding: 'utf8' }).trim();

/** stand-ins that do to the rootfs's /proc what the real tools do to the kernel's */
function kernelTools(host: RealHost, over: Record<string, StandIn> = {}) {
  const root = host.resolve('/');
  return {
    // sysctl -w a.b.c=V writes V to /proc/sys/a/b/c
    sysctl: { body: `kv="$2"; f="${root}/proc/sys/$(echo "\${kv%%=*}" | /usr/bin/tr . /)"; /usr/bin/mkdir -p "$(/usr/bin/dirname "$f")"; echo "\${kv#*=}" > "$f"` },
    // loading br_netfilter makes its sysctl appear, off
    modprobe: { body: `[ "$1" = br_netfilter ] && [ ! -e ${root}/proc/sys/net/bridge/bridge-nf-call-iptables ] && /usr/bin/mkdir -p ${root}/proc/sys/net/bridge && echo 0 > ${root}/proc/sys/net/bridge/bridge-nf-call-iptables; exit 0` },
    swapoff: { body: `printf 'Filename\\tType\\tSize\\tUsed\\tPriority\\n' > ${root}/proc/swaps` },
    systemctl: RECORDS,
    ...over,
  };
}

async function fix(host: RealHost, cfg: InitConfig = testConfig()) {
  return runInitPreflight({ host, cfg, paths, machine: machine(), ignored: ignoreSet(UNRELATED), fix: true });
}
const failing = (out: Awaited<ReturnType<typeof fix>>, name: string) => out.results.filter((r) => r.name === name && !r.ignored).map((r) => r.message);

const KUBELET_CIS_CONF = 'vm.overcommit_memory = 1\nvm.panic_on_oom = 0\nkernel.panic = 10\nkernel.panic_on_oops = 1\nkernel.keys.root_maxkeys = 1000000\nkernel.keys.root_maxbytes = 25000000\n';
const cisConfig = () => {
  const cfg = testConfig();
  applyProfile(cfg, profileNamed('cis')!);
  return cfg;
};

const kernelRows: { name: string; check: string; cfg?: () => InitConfig; setup: (h: RealHost) => void; calls: string[]; persisted: Record<string, string>; says: RegExp[] }[] = [
  {
    name: 'ip_forward 0: sysctl, and the line in /etc/sysctl.d/k8s.conf (after the user\'s own, once)',
    check: 'FileContent--proc-sys-net-ipv4-ip_forward',
    setup: (h) => (put(h, '/proc/sys/net/ipv4/ip_forward', '0\n'), put(h, '/etc/sysctl.d/k8s.conf', 'vm.swappiness = 0')),
    calls: ['sysctl -w net.ipv4.ip_forward=1'],
    persisted: { '/etc/sysctl.d/k8s.conf': 'vm.swappiness = 0\nnet.ipv4.ip_forward = 1\n' },
    says: [/^sysctl -w net\.ipv4\.ip_forward=1$/, /^added "net\.ipv4\.ip_forward = 1" to \/etc\/sysctl\.d\/k8s\.conf$/],
  },
  {
    name: 'no bridge-nf (1.29: an error): br_netfilter and overlay loaded, the sysctl set, all three persisted',
    check: 'FileContent--proc-sys-net-bridge-bridge-nf-call-iptables',
    setup: (h) => void execFileSync('rm', ['-r', h.resolve('/proc/sys/net/bridge')]),
    calls: ['modprobe br_netfilter', 'modprobe overlay', 'sysctl -w net.bridge.bridge-nf-call-iptables=1'],
    persisted: { '/etc/modules-load.d/k8s.conf': 'overlay\nbr_netfilter\n', '/etc/sysctl.d/k8s.conf': 'net.bridge.bridge-nf-call-iptables = 1\n' },
    says: [/^modprobe br_netfilter$/, /^added "br_netfilter" to \/etc\/modules-load\.d\/k8s\.conf$/, /^added "net\.bridge\.bridge-nf-call-iptables = 1" to \/etc\/sysctl\.d\/k8s\.conf$/],
  },
  {
    name: '--profile cis on a fresh Ubuntu: the three differing tunables set, all six in /etc/sysctl.d/90-kubelet-cis.conf',
    check: 'KernelTunables',
    cfg: cisConfig,
    setup: (h) => putAll(h, FRESH_UBUNTU_TUNABLES),
    calls: ['sysctl -w vm.overcommit_memory=1', 'sysctl -w kernel.panic=10', 'sysctl -w kernel.panic_on_oops=1'],
    persisted: { '/etc/sysctl.d/90-kubelet-cis.conf': KUBELET_CIS_CONF },
    says: [/^sysctl -w vm\.overcommit_memory=1$/, /^sysctl -w kernel\.panic=10$/, /^added "kernel\.keys\.root_maxbytes = 25000000" to \/etc\/sysctl\.d\/90-kubelet-cis\.conf$/],
  },
  {
    name: 'swap on: swapoff -a, saying swap comes back at boot (fstab is the user\'s)',
    check: 'Swap',
    setup: (h) => put(h, '/proc/swaps', 'Filename\tType\tSize\tUsed\tPriority\n/swapfile file 1048572 0 -2\n'),
    calls: ['swapoff -a'],
    persisted: {},
    says: [/^swapoff -a \(swap comes back at boot unless you remove it from \/etc\/fstab\)$/],
  },
];

for (const row of kernelRows) {
  test(`--fix: ${row.name}`, async (t) => {
    const host = tmpHost(t);
    healthyNode(host);
    row.setup(host);
    const tools = standInTools(t, kernelTools(host), 'none');
    const cfg = row.cfg?.() ?? testConfig((c) => row.check.includes('bridge') && (c.kubernetesVersion = parseKubeVersion('v1.29.15')!));
    const out = await fix(host, cfg);
    for (const c of row.calls) assert.ok(tools.calls().includes(c), `${c} was run: ${tools.calls().join('; ')}`);
    assert.equal(tools.calls().filter((c) => c.startsWith('sysctl')).length, row.calls.filter((c) => c.startsWith('sysctl')).length, `no other sysctl: ${tools.calls().join('; ')}`);
    for (const s of row.says) assert.ok(out.fixed.some((f) => s.test(f)), `${s} in: ${out.fixed.join('; ')}`);
    assert.deepEqual(failing(out, row.check), [], 'checked again: passes');
    for (const [file, text] of Object.entries(row.persisted)) assert.equal(readFileSync(host.resolve(file), 'utf8'), text, file);
    // a second --fix finds nothing to do and adds no line twice
    const again = await fix(host, cfg);
    assert.deepEqual(again.fixed, []);
    for (const [file, text] of Object.entries(row.persisted)) assert.equal(readFileSync(host.resolve(file), 'utf8'), text, `${file} after a second --fix`);
  });
}

const couldNotRows: { name: string; tools: Record<string, StandIn>; says: RegExp }[] = [
  { name: 'sysctl refuses', tools: { sysctl: '#!/bin/sh\necho "sysctl: permission denied on key \\"net.ipv4.ip_forward\\"" >&2\nexit 255\n' }, says: /^could not fix FileContent--proc-sys-net-ipv4-ip_forward: sysctl -w net\.ipv4\.ip_forward=1 failed: sysctl: permission denied on key "net\.ipv4\.ip_forward"$/ },
  { name: 'sysctl is not installed', tools: { sysctl: '' }, says: /^could not fix FileContent--proc-sys-net-ipv4-ip_forward: sysctl is not installed$/ },
];
for (const row of couldNotRows) {
  test(`--fix that cannot fix (${row.name}): said, the check still fails, nothing persisted`, async (t) => {
    const host = tmpHost(t);
    healthyNode(host);
    put(host, '/proc/sys/net/ipv4/ip_forward', '0\n');
    const tools = Object.fromEntries(Object.entries(kernelTools(host, row.tools)).filter(([, v]) => v !== ''));
    standInTools(t, tools, 'none');
    const out = await fix(host);
    assert.ok(out.fixed.some((f) => row.says.test(f)), out.fixed.join('\n'));
    assert.deepEqual(failing(out, 'FileContent--proc-sys-net-ipv4-ip_forward'), ['/proc/sys/net/ipv4/ip_forward contents are not set to 1']);
    assert.equal(existsSync(host.resolve('/etc/sysctl.d/k8s.conf')), false);
  });
}

test('--fix under --profile cis where sysctl refuses: said, KernelTunables still fails, no sysctl.d file', async (t) => {
  const host = tmpHost(t);
  healthyNode(host);
  putAll(host, FRESH_UBUNTU_TUNABLES);
  standInTools(t, kernelTools(host, { sysctl: '#!/bin/sh\necho "sysctl: permission denied on key \\"vm.overcommit_memory\\"" >&2\nexit 255\n' }), 'none');
  const out = await fix(host, cisConfig());
  assert.ok(out.fixed.includes('could not fix KernelTunables: sysctl -w vm.overcommit_memory=1 failed: sysctl: permission denied on key "vm.overcommit_memory"'), out.fixed.join('\n'));
  assert.match(failing(out, 'KernelTunables').join('\n'), /vm\.overcommit_memory = 0 \(wants 1\)/);
  assert.equal(existsSync(host.resolve('/etc/sysctl.d/90-kubelet-cis.conf')), false);
});

/** containerd's own reading of a config file: its effective settings, as TOML text */
function containerdDump(file: string): string {
  return execFileSync(CONTAINERD, ['--config', file, 'config', 'dump'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const NO_SYS_RESOURCE = 'Name:\tnode\nCapEff:\t000001fffeffffff\n';
const containerdRows: { name: string; file?: string; cfg: InitConfig; fixes: string[]; dump: RegExp[] }[] = [
  {
    name: 'the user\'s file: SystemdCgroup to the kubelet\'s cgroupfs, restrict_oom_score_adj added',
    file: '# the user\'s own\nversion = 2\n\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "registry.k8s.io/pause:3.10.2"\n  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n    SystemdCgroup = true\n',
    cfg: testConfig((c) => void (c.kubeletConfiguration = { cgroupDriver: 'cgroupfs' })),
    fixes: ['CgroupDriver', 'ContainerdOOMScoreAdj'],
    dump: [/^\s*SystemdCgroup = false$/m, /^\s*restrict_oom_score_adj = true$/m, /^\s*sandbox_image = "registry\.k8s\.io\/pause:3\.10\.2"$/m],
  },
  {
    name: 'no file: one made with restrict_oom_score_adj and the pause image',
    cfg: testConfig(),
    fixes: ['ContainerdOOMScoreAdj', 'SandboxImage'],
    dump: [/^\s*restrict_oom_score_adj = true$/m, /^\s*sandbox_image = "registry\.k8s\.io\/pause:3\.10\.2"$/m],
  },
];
for (const row of containerdRows) {
  test(`--fix edits containerd's config.toml: ${row.name}; containerd reads the result`, async (t) => {
    const host = tmpHost(t);
    healthyNode(host);
    put(host, '/proc/self/status', NO_SYS_RESOURCE);
    if (row.file !== undefined) put(host, '/etc/containerd/config.toml', row.file);
    const tools = standInTools(t, kernelTools(host), 'none');
    const out = await fix(host, row.cfg);
    for (const name of row.fixes) assert.deepEqual(failing(out, name), [], `${name} passes after --fix`);
    assert.equal(tools.calls().filter((c) => c === 'systemctl restart containerd').length, 1, 'containerd restarted once');
    const file = host.resolve('/etc/containerd/config.toml');
    const text = readFileSync(file, 'utf8');
    if (row.file !== undefined) assert.ok(text.startsWith('# the user\'s own\n'), 'edited, not replaced');
    const dump = containerdDump(file);
    for (const d of row.dump) assert.match(dump, d);
  });
}

test('containerd itself refuses a broken config.toml (the dump is a real check)', (t) => {
  const host = tmpHost(t);
  put(host, '/etc/containerd/config.toml', 'version = 2\n[plugins."io.containerd.grpc.v1.cri"\n');
  assert.throws(() => containerdDump(host.resolve('/etc/containerd/config.toml')), /failed to load TOML/);
});
