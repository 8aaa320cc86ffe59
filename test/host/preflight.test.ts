// Preflight on a temp rootfs: fake /proc and /sys files and containerd configs are the node;
// machine facts (uid, CPUs, memory) come from a stated stand-in, ports from a real listener.
// --fix edits the rootfs's config.toml; containerd's restart goes to a recording systemctl.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpHost } from '../helpers/tmp-host.js';
import { standInTools, RECORDS } from '../helpers/stand-in-tools.js';
import { testConfig } from '../helpers/test-config.js';
import { nodePaths } from '../../src/host/paths.js';
import type { RealHost } from '../../src/host/real-host.js';
import type { InitConfig } from '../../src/config/types.js';
import { initChecks, type Finding, type PreflightCheck } from '../../src/preflight/checks.js';
import { preflightEnv, preflightFailure, runChecks, runInitPreflight, type CheckResult } from '../../src/preflight/run.js';
import { realMachineProbe } from '../../src/preflight/probe.js';
import { ignoreSet } from '../../src/preflight/ignore.js';
import { parseContainerdConfig } from '../../src/kubelet/containerd-config.js';
import { parseKubeVersion } from '../../src/config/defaults.js';
import { factsFor } from '../../src/config/versions.js';
import { buildManifest, readNodeFacts } from '../../src/manifests/static-pod.js';
import type { TemplateName } from '../../src/manifests/render.js';
import { healthyNode, machine, put } from '../helpers/preflight-node.js';

const paths = nodePaths({ certificatesDir: '/etc/kubernetes/pki', kubeconfigDir: '/etc/kubernetes' });

async function check(host: RealHost, cfg: InitConfig, names: string[], m = machine(), ignore: string[] = []): Promise<CheckResult[]> {
  const ignored = ignoreSet(ignore);
  const env = await preflightEnv(host, cfg, paths, m, ignored);
  const checks = initChecks(cfg).filter((c) => names.includes(c.name));
  assert.equal(checks.length, names.length, `all of ${names.join(', ')} exist`);
  return runChecks(checks, env, ignored);
}

const only = (rs: CheckResult[], name: string) => rs.filter((r) => r.name === name).map((r) => `${r.severity}: ${r.message}`);

/** a real listener on a free loopback port, and a config whose API server binds there */
async function apiPortTaken(t: TestContext): Promise<{ srv: net.Server; port: number; cfg: InitConfig }> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  const port = (srv.address() as net.AddressInfo).port;
  const cfg = testConfig((c) => {
    c.localAPIEndpoint.bindPort = port;
    c.apiServer.extraArgs = [{ name: 'bind-address', value: '127.0.0.1' }];
  });
  return { srv, port, cfg };
}

test('a real listener on a loopback port makes the Port check fail, naming the port', async (t) => {
  const { srv, port, cfg } = await apiPortTaken(t);
  const host = tmpHost(t);
  const rs = await check(host, cfg, [`Port-${port}`], await realMachineProbe());
  assert.deepEqual(only(rs, `Port-${port}`), [`error: Port ${port} is in use`]);
  srv.close();
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(await check(host, cfg, [`Port-${port}`], await realMachineProbe()), [], 'free again: passes');
});

const fileRows: { name: string; version?: string; setup: (h: RealHost) => void; check: string; want: string[] }[] = [
  { name: 'ip_forward = 0 is an error', setup: (h) => put(h, '/proc/sys/net/ipv4/ip_forward', '0\n'), check: 'FileContent--proc-sys-net-ipv4-ip_forward', want: ['error: /proc/sys/net/ipv4/ip_forward contents are not set to 1'] },
  { name: 'ip_forward = 1 passes', setup: () => {}, check: 'FileContent--proc-sys-net-ipv4-ip_forward', want: [] },
  { name: 'bridge-nf = 0 is a warning in 1.37', setup: (h) => put(h, '/proc/sys/net/bridge/bridge-nf-call-iptables', '0\n'), check: 'FileContent--proc-sys-net-bridge-bridge-nf-call-iptables', want: ['warning: /proc/sys/net/bridge/bridge-nf-call-iptables contents are not set to 1'] },
  { name: 'bridge-nf missing is an error in 1.29', version: 'v1.29.15', setup: (h) => void rmSync(h.resolve('/proc/sys/net/bridge'), { recursive: true }), check: 'FileContent--proc-sys-net-bridge-bridge-nf-call-iptables', want: ['error: /proc/sys/net/bridge/bridge-nf-call-iptables does not exist'] },
  { name: 'swap on is an error', setup: (h) => put(h, '/proc/swaps', 'Filename\tType\n/swapfile file 1 0 -2\n'), check: 'Swap', want: ['error: swap is on, and the kubelet refuses to start with swap unless failSwapOn is false'] },
  { name: 'a leftover manifest', setup: (h) => put(h, '/etc/kubernetes/manifests/kube-apiserver.yaml', 'x'), check: 'FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml', want: ['error: /etc/kubernetes/manifests/kube-apiserver.yaml already exists'] },
  { name: 'a non-empty etcd data dir', setup: (h) => put(h, '/var/lib/etcd/member/snap/db', 'x'), check: 'DirAvailable--var-lib-etcd', want: ['error: /var/lib/etcd is not empty'] },
  { name: 'containerd with CRI disabled', setup: (h) => put(h, '/etc/containerd/config.toml', 'disabled_plugins = ["cri"]\n'), check: 'ContainerdCRIPlugin', want: ['error: /etc/containerd/config.toml disables containerd\'s CRI plugin (disabled_plugins lists "cri"): the kubelet cannot run pods'] },
  { name: 'containerd sandbox image of another minor', setup: (h) => put(h, '/etc/containerd/config.toml', 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "registry.k8s.io/pause:3.8"\n'), check: 'SandboxImage', want: ['warning: containerd\'s sandbox image "registry.k8s.io/pause:3.8" differs from "registry.k8s.io/pause:3.10.2", the pause image of Kubernetes 1.37'] },
  { name: 'no CAP_SYS_RESOURCE and no restrict_oom_score_adj', setup: (h) => put(h, '/proc/self/status', 'Name:\tnode\nCapEff:\t000001fffeffffff\n'), check: 'ContainerdOOMScoreAdj', want: ['error: this root lacks CAP_SYS_RESOURCE (a container or user namespace?) and /etc/containerd/config.toml does not set restrict_oom_score_adj = true: every pod sandbox would fail ("can\'t get final child\'s PID from pipe")'] },
  { name: 'no CAP_SYS_RESOURCE, but restrict_oom_score_adj = true (the lab)', setup: (h) => (put(h, '/proc/self/status', 'CapEff:\t000001fffeffffff\n'), put(h, '/etc/containerd/config.toml', 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  restrict_oom_score_adj = true\n')), check: 'ContainerdOOMScoreAdj', want: [] },
  { name: 'full root capabilities', setup: (h) => put(h, '/proc/self/status', 'CapEff:\t000001ffffffffff\n'), check: 'ContainerdOOMScoreAdj', want: [] },
  { name: 'cgroup v2 without the memory controller', setup: (h) => put(h, '/sys/fs/cgroup/cgroup.controllers', 'cpuset cpu pids\n'), check: 'SystemVerification', want: ['error: missing required cgroups: memory'] },
  { name: 'an old kernel in 1.37: a warning', setup: (h) => put(h, '/proc/sys/kernel/osrelease', '5.3.0\n'), check: 'SystemVerification', want: ['warning: kernel release 5.3.0 is not one of the recommended LTS lines (5.4, 5.10, 5.15, 6.x)'] },
  { name: 'a very old kernel in 1.37: an error', setup: (h) => put(h, '/proc/sys/kernel/osrelease', '4.14.1\n'), check: 'SystemVerification', want: ['error: kernel release 4.14.1 is older than 4.19, the oldest Kubernetes 1.37 supports'] },
];
for (const row of fileRows) {
  test(`preflight on a temp rootfs: ${row.name}`, async (t) => {
    const host = tmpHost(t);
    healthyNode(host);
    row.setup(host);
    const cfg = testConfig((c) => row.version && (c.kubernetesVersion = parseKubeVersion(row.version)!));
    assert.deepEqual(only(await check(host, cfg, [row.check]), row.check), row.want);
  });
}

test('cgroup v1 with kubelet 1.37: a warning saying mini-kubeadm sets failCgroupV1 (an error if the user insists on true)', async (t) => {
  const host = tmpHost(t);
  healthyNode(host);
  await host.remove('/sys/fs/cgroup/cgroup.controllers');
  put(host, '/proc/cgroups', '#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t1\t1\t1\ncpu\t2\t1\t1\ncpuacct\t2\t1\t1\nmemory\t3\t1\t1\ndevices\t4\t1\t1\nfreezer\t5\t1\t1\npids\t6\t1\t1\n');
  const rs = await check(host, testConfig(), ['SystemVerification']);
  assert.equal(rs.length, 1);
  assert.equal(rs[0]!.severity, 'warning');
  assert.match(rs[0]!.message, /cgroup v1.*failCgroupV1 is false, which mini-kubeadm sets/);
  const strict = await check(host, testConfig((c) => void (c.kubeletConfiguration = { failCgroupV1: true })), ['SystemVerification']);
  assert.equal(strict[0]!.severity, 'error');
});

test('a cgroupDriver the user chose that containerd does not use is an error with both fixes', async (t) => {
  const host = tmpHost(t);
  healthyNode(host);
  put(host, '/etc/containerd/config.toml', 'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n');
  const cfg = testConfig((c) => void (c.kubeletConfiguration = { cgroupDriver: 'cgroupfs' }));
  const rs = await check(host, cfg, ['CgroupDriver']);
  assert.deepEqual(only(rs, 'CgroupDriver'), ['error: the kubelet\'s cgroupDriver "cgroupfs" (your KubeletConfiguration) differs from containerd\'s "systemd" (SystemdCgroup = true in /etc/containerd/config.toml)']);
  assert.match(rs[0]!.fix, /SystemdCgroup = false.*or set cgroupDriver: systemd/);
});

test('--ignore-preflight-errors turns a check\'s errors into warnings, by name or all, and the failure lists the rest with fixes (exit 2)', async (t) => {
  const host = tmpHost(t);
  healthyNode(host);
  put(host, '/proc/sys/net/ipv4/ip_forward', '0\n');
  put(host, '/proc/swaps', 'Filename\tType\n/swapfile file 1 0 -2\n');
  const names = ['Swap', 'FileContent--proc-sys-net-ipv4-ip_forward', 'NumCPU'];
  const m = machine({ cpus: () => 1 });

  const none = await check(host, testConfig(), names, m);
  const err = preflightFailure(none)!;
  assert.equal(err.exitCode, 2);
  assert.match(err.message, /\[ERROR Swap\]: swap is on[^\n]*\n\s+fix: turn swap off/);
  assert.match(err.message, /\[ERROR FileContent--proc-sys-net-ipv4-ip_forward\][^\n]*\n\s+fix: enable IP forwarding: sysctl -w net.ipv4.ip_forward=1/);
  assert.match(err.message, /\[ERROR NumCPU\]: the number of available CPUs 1 is less than the required 2/);
  assert.match(err.hint!, /--ignore-preflight-errors=/);

  const some = await check(host, testConfig(), names, m, ['swap', 'NUMCPU']);
  assert.deepEqual(some.filter((r) => r.severity === 'error').map((r) => r.name), ['FileContent--proc-sys-net-ipv4-ip_forward']);
  assert.ok(some.find((r) => r.name === 'Swap')!.ignored);

  const all = await check(host, testConfig(), names, m, ['all']);
  assert.equal(preflightFailure(all), undefined);
});

test('IsPrivilegedUser fails fast: no other check runs for a non-root user', async (t) => {
  const host = tmpHost(t);
  healthyNode(host);
  const out = await runInitPreflight({ host, cfg: testConfig(), paths, machine: machine({ uid: () => 1000 }), ignored: ignoreSet([]), fix: false });
  assert.deepEqual(out.results.map((r) => `${r.name} ${r.severity}`), ['IsPrivilegedUser error']);
});

test('--fix enables containerd\'s CRI plugin and sets the pause image in config.toml, then restarts containerd once', async (t) => {
  const host = tmpHost(t);
  healthyNode(host);
  put(host, '/etc/containerd/config.toml', '# from the containerd.io package\ndisabled_plugins = ["cri"]\n');
  const tools = standInTools(t, { systemctl: RECORDS }, 'none'); // only the stand-in: nothing on this machine is restarted

  const out = await runInitPreflight({ host, cfg: testConfig(), paths, machine: machine(), ignored: ignoreSet(['KubeletVersion', 'CRI', 'FileExisting-losetup', 'FileExisting-mount', 'FileExisting-cp']), fix: true });
  const toml = readFileSync(host.resolve('/etc/containerd/config.toml'), 'utf8');
  const s = parseContainerdConfig(toml);
  assert.equal(s.criDisabled, false);
  assert.equal(s.sandboxImage, 'registry.k8s.io/pause:3.10.2');
  assert.ok(toml.startsWith('# from the containerd.io package'), 'the user\'s file is edited, not replaced');
  assert.ok(out.fixed.some((f) => /removed "cri" from disabled_plugins/.test(f)));
  assert.ok(out.fixed.some((f) => /sandbox image = "registry.k8s.io\/pause:3.10.2"/.test(f)));
  assert.ok(out.fixed.includes('restarted containerd (systemctl restart containerd)'));
  assert.equal(tools.calls().filter((l) => l.includes('restart containerd')).length, 1);
  assert.deepEqual(out.results.filter((r) => r.name === 'ContainerdCRIPlugin' || r.name === 'SandboxImage'), [], 'checked again: both pass now');});

test('the checks that start before `kubelet --version` answers never read what it tells (needsNode)', async (t) => {
  const host = tmpHost(t);
  standInTools(t, { systemctl: '#!/bin/sh\nexit 0\n' }, 'none');
  const out = await runInitPreflight({ host, cfg: testConfig(), paths, machine: machine(), ignored: ignoreSet([]), fix: false });
  assert.ok(out.results.some((r) => r.name === 'CRI'), 'the checks ran (no crictl on this PATH)');
  assert.deepEqual(out.results.filter((r) => /the check itself failed/.test(r.message)), []);
});

// ---- a re-run of init after an interrupted one: what an earlier init of the SAME cluster left
// is kept (warnings); the same files from another cluster or another configuration still fail

/** the manifest this configuration renders, as the etcd/control-plane phases would write it */
async function writeOwnManifest(host: RealHost, cfg: InitConfig, c: TemplateName, edit = (s: string) => s) {
  const facts = factsFor(cfg.kubernetesVersion);
  const { text } = await buildManifest(c, cfg, await readNodeFacts(host, cfg, facts, process.env), facts);
  put(host, `/etc/kubernetes/manifests/${c}.yaml`, edit(text));
}
const withCa = (h: RealHost) => put(h, '/etc/kubernetes/pki/ca.crt', 'a CA');
const APISERVER_FILE = 'FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml';

const rerunRows: { name: string; setup: (h: RealHost, cfg: InitConfig) => Promise<void>; check: string; want: RegExp }[] = [
  { name: 'the identical manifest and the CA of an earlier init: kept (a note, not a failure)', setup: async (h, cfg) => (withCa(h), writeOwnManifest(h, cfg, 'kube-apiserver')), check: APISERVER_FILE, want: /^note: kept \/etc\/kubernetes\/manifests\/kube-apiserver.yaml \(identical to what this init writes\)$/ },
  { name: 'the identical manifest without a CA: another story, an error', setup: (h, cfg) => writeOwnManifest(h, cfg, 'kube-apiserver'), check: APISERVER_FILE, want: /^error: .*kube-apiserver.yaml already exists$/ },
  { name: 'a manifest with another configuration (one flag differs): an error', setup: async (h, cfg) => (withCa(h), writeOwnManifest(h, cfg, 'kube-apiserver', (s) => s.replace('--secure-port=6443', '--secure-port=6444'))), check: APISERVER_FILE, want: /^error: .*already exists$/ },
  { name: 'etcd data beside the identical etcd manifest: kept', setup: async (h, cfg) => (withCa(h), put(h, '/var/lib/etcd/member/snap/db', 'x'), writeOwnManifest(h, cfg, 'etcd')), check: 'DirAvailable--var-lib-etcd', want: /^note: kept \/var\/lib\/etcd \(the data of its etcd\)$/ },
  { name: 'etcd data beside the identical apiserver manifest only: an error', setup: async (h, cfg) => (withCa(h), put(h, '/var/lib/etcd/member/snap/db', 'x'), writeOwnManifest(h, cfg, 'kube-apiserver')), check: 'DirAvailable--var-lib-etcd', want: /^error: \/var\/lib\/etcd is not empty$/ },
];
for (const row of rerunRows) {
  test(`re-run of init: ${row.name}`, async (t) => {
    const host = tmpHost(t);
    healthyNode(host);
    const cfg = testConfig();
    await row.setup(host, cfg);
    const got = only(await check(host, cfg, [row.check]), row.check);
    assert.equal(got.length, 1, got.join('\n'));
    assert.match(got[0]!, row.want);
  });
}

test('re-run of init: a port held by a real listener is kept only when its component is the earlier init\'s', async (t) => {
  const { port, cfg } = await apiPortTaken(t);
  const host = tmpHost(t);
  healthyNode(host);
  withCa(host);
  const name = `Port-${port}`;
  await writeOwnManifest(host, cfg, 'kube-scheduler');
  assert.deepEqual(only(await check(host, cfg, [name], await realMachineProbe()), name), [`error: Port ${port} is in use`], 'only the scheduler is ours: the API port is someone else\'s');
  await writeOwnManifest(host, cfg, 'kube-apiserver');
  const kept = only(await check(host, cfg, [name], await realMachineProbe()), name);
  assert.equal(kept.length, 1);
  assert.equal(kept[0], `note: port ${port} is in use by its kube-apiserver`);
});

// ---- ImagePull: kubeadm's last check, run only once the others passed (or were ignored)

/** PATH with a quiet systemctl only: no crictl here, so ImagePull can only say it did not look */
function noCrictl(t: TestContext) {
  standInTools(t, { systemctl: '#!/bin/sh\nexit 0\n' }, 'none');
}

test('ImagePull runs last, announced, once every other check passed or was ignored', async (t) => {
  noCrictl(t);
  const host = tmpHost(t);
  healthyNode(host);
  const said: string[] = [];
  const out = await runInitPreflight({ host, cfg: testConfig(), paths, machine: machine(), ignored: ignoreSet(['all']), fix: false, say: (m) => said.push(m) });
  assert.equal(out.results.at(-1)?.name, 'ImagePull');
  assert.deepEqual(only(out.results, 'ImagePull'), ['warning: crictl is not installed: the control-plane images were not pulled (the kubelet pulls what is missing, or fails to start the pod: install crictl to have them checked here)']);
  assert.deepEqual(said, ['pulling the 7 control-plane images (imagePullPolicy IfNotPresent, one after another); this may take a minute or two, depending on the speed of the connection']);
});

test('ImagePull does not run when another check failed (kubeadm pulls nothing for a node that fails)', async (t) => {
  noCrictl(t);
  const host = tmpHost(t);
  healthyNode(host);
  const said: string[] = [];
  const out = await runInitPreflight({ host, cfg: testConfig(), paths, machine: machine({ cpus: () => 1 }), ignored: ignoreSet([]), fix: false, say: (m) => said.push(m) });
  assert.ok(out.results.some((r) => r.name === 'NumCPU' && r.severity === 'error'));
  assert.deepEqual(only(out.results, 'ImagePull'), []);
  assert.deepEqual(said, []);
});

// ---- an afterOthers check's look ahead (ImagePull: all images there in one crictl call)

/** a table of one ordinary check (passing or failing) and one afterOthers check that records what ran */
function lookAheadTable(other: 'pass' | 'fail', ahead: () => Promise<Finding[] | undefined>) {
  const events: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const checks: PreflightCheck[] = [
    {
      name: 'Other',
      ignorable: true,
      fix: () => 'fix other',
      // finishes only once the look ahead has started: the look runs beside the others
      run: async () => {
        await released;
        events.push('other done');
        return other === 'pass' ? [] : [{ severity: 'error', message: 'other failed' }];
      },
    },
    {
      name: 'Last',
      ignorable: true,
      afterOthers: true,
      fix: () => 'fix last',
      lookAhead: async () => {
        events.push('look ahead');
        release();
        return ahead();
      },
      run: async () => {
        events.push('run');
        return [{ severity: 'warning', message: 'from run' }];
      },
    },
  ];
  return { checks, events };
}

const preflightWith = (t: TestContext, checks: PreflightCheck[]) => {
  const host = tmpHost(t);
  return runInitPreflight({ host, cfg: testConfig(), paths, machine: machine(), ignored: ignoreSet([]), fix: false, checks });
};

test('an afterOthers check\'s look ahead starts beside the others, and its findings stand for the check (run is not called)', async (t) => {
  const { checks, events } = lookAheadTable('pass', async () => [{ severity: 'error', message: 'seen ahead' }]);
  const out = await preflightWith(t, checks);
  assert.deepEqual(events, ['look ahead', 'other done']);
  assert.deepEqual(only(out.results, 'Last'), ['error: seen ahead']);
});

test('a look ahead with no answer (undefined, or failing) leaves the check to run', async (t) => {
  for (const ahead of [async () => undefined, async () => Promise.reject(new Error('crictl fell over'))]) {
    const { checks, events } = lookAheadTable('pass', ahead);
    const out = await preflightWith(t, checks);
    assert.deepEqual(events, ['look ahead', 'other done', 'run']);
    assert.deepEqual(only(out.results, 'Last'), ['warning: from run']);
  }
});

test('when another check fails, a look ahead\'s answer is not reported (kubeadm: the last check only on a node that passed the rest)', async (t) => {
  const { checks, events } = lookAheadTable('fail', async () => [{ severity: 'error', message: 'seen ahead' }]);
  const out = await preflightWith(t, checks);
  assert.deepEqual(events, ['look ahead', 'other done']);
  assert.deepEqual(only(out.results, 'Last'), []);
  assert.deepEqual(only(out.results, 'Other'), ['error: other failed']);
});
