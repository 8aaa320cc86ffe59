// containerd's config.toml as the kubelet's settings depend on it (cgroup driver, CRI plugin,
// sandbox image), the node decisions (cgroup driver, failSwapOn, failCgroupV1), and --fix's edits.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testConfig } from '../helpers/test-config.js';
import { parseKubeVersion } from '../../src/config/defaults.js';
import { containerdCgroupDriver, containerdEdits, parseContainerdConfig } from '../../src/kubelet/containerd-config.js';
import { decideForNode, type NodeObservations } from '../../src/kubelet/node-decisions.js';
import { ignoreSet, isIgnored } from '../../src/preflight/ignore.js';

const V2_SYSTEMD = `version = 2
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10.2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
    SystemdCgroup = true   # as the Kubernetes docs say
`;
const V2_CGROUPFS = `version = 2
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = false
`;
const V3 = `version = 3
[plugins.'io.containerd.cri.v1.images'.pinned_images]
  sandbox = 'registry.k8s.io/pause:3.10.1'
[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
  SystemdCgroup = true
`;
// what Debian/Ubuntu's containerd.io package ships: CRI off
const DOCKER_PACKAGE = `#   Copyright 2018-2022 Docker Inc.
disabled_plugins = ["cri"]
#root = "/var/lib/containerd"
`;
const COMMENTED = `version = 2
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  # SystemdCgroup = true
`;

const rows: { name: string; text: string | undefined; driver: 'systemd' | 'cgroupfs'; criDisabled: boolean; sandbox?: string }[] = [
  { name: 'v2 with SystemdCgroup = true', text: V2_SYSTEMD, driver: 'systemd', criDisabled: false, sandbox: 'registry.k8s.io/pause:3.10.2' },
  { name: 'v2 with SystemdCgroup = false (the lab)', text: V2_CGROUPFS, driver: 'cgroupfs', criDisabled: false },
  { name: 'v3 (containerd 2.x) with single quotes', text: V3, driver: 'systemd', criDisabled: false, sandbox: 'registry.k8s.io/pause:3.10.1' },
  { name: 'the docker package file: CRI disabled', text: DOCKER_PACKAGE, driver: 'cgroupfs', criDisabled: true },
  { name: 'a commented-out setting does not count', text: COMMENTED, driver: 'cgroupfs', criDisabled: false },
  { name: 'no file at all: containerd defaults', text: undefined, driver: 'cgroupfs', criDisabled: false },
];
for (const row of rows) {
  test(`config.toml: ${row.name}`, () => {
    const s = parseContainerdConfig(row.text);
    assert.equal(containerdCgroupDriver(s), row.driver);
    assert.equal(s.criDisabled, row.criDisabled);
    assert.equal(s.sandboxImage, row.sandbox);
  });
}

test('--fix edits: set SystemdCgroup in place, enable CRI, add a missing sandbox image, v3 paths for v3 files', () => {
  const flipped = containerdEdits.setSystemdCgroup(V2_SYSTEMD, false);
  assert.equal(parseContainerdConfig(flipped).systemdCgroup, false);
  assert.ok(flipped.includes('    SystemdCgroup = false'), 'indentation kept');
  assert.equal(flipped.split('\n').length, V2_SYSTEMD.split('\n').length, 'replaced, not added');

  const enabled = containerdEdits.enableCri(DOCKER_PACKAGE);
  assert.equal(parseContainerdConfig(enabled).criDisabled, false);
  assert.ok(enabled.includes('Copyright'), 'the rest of the file is kept');

  const withSandbox = containerdEdits.setSandboxImage(V2_CGROUPFS, 'registry.k8s.io/pause:3.10.2');
  assert.equal(parseContainerdConfig(withSandbox).sandboxImage, 'registry.k8s.io/pause:3.10.2');
  assert.equal(parseContainerdConfig(withSandbox).systemdCgroup, false);

  const v3 = containerdEdits.setSandboxImage(V3, 'registry.k8s.io/pause:3.10.2');
  assert.equal(parseContainerdConfig(v3).sandboxImage, 'registry.k8s.io/pause:3.10.2');
  const fresh = containerdEdits.setSystemdCgroup(containerdEdits.fresh(), true);
  assert.equal(parseContainerdConfig(fresh).systemdCgroup, true);
});

const seen = (over: Partial<NodeObservations> = {}): NodeObservations => ({
  cgroupV2: true,
  swapOn: false,
  containerd: parseContainerdConfig(V2_CGROUPFS),
  kubeletVersion: { minor: 37, text: 'v1.37.2' },
  ...over,
});

const decisionRows: {
  name: string;
  version?: string;
  user?: Record<string, unknown>;
  seen: NodeObservations;
  ignore?: string[];
  driver: string;
  failSwapOn?: false;
  failCgroupV1?: false;
}[] = [
  { name: 'driver follows containerd (cgroupfs)', seen: seen(), driver: 'cgroupfs' },
  { name: 'driver follows containerd (systemd)', seen: seen({ containerd: parseContainerdConfig(V2_SYSTEMD) }), driver: 'systemd' },
  { name: 'the user\'s driver is kept even when containerd differs', user: { cgroupDriver: 'systemd' }, seen: seen(), driver: 'systemd' },
  { name: 'not containerd: kubeadm\'s systemd', seen: seen({ containerd: undefined }), driver: 'systemd' },
  { name: 'cgroup v1 + kubelet 1.37: failCgroupV1 false', seen: seen({ cgroupV2: false }), driver: 'cgroupfs', failCgroupV1: false },
  { name: 'cgroup v1 + kubelet 1.34: nothing to set', seen: seen({ cgroupV2: false, kubeletVersion: { minor: 34, text: 'v1.34.1' } }), driver: 'cgroupfs' },
  { name: 'cgroup v1, no kubelet to ask: the target version decides', version: 'v1.35.0', seen: seen({ cgroupV2: false, kubeletVersion: undefined }), driver: 'cgroupfs', failCgroupV1: false },
  { name: 'cgroup v1 but the user chose failCgroupV1', user: { failCgroupV1: true }, seen: seen({ cgroupV2: false }), driver: 'cgroupfs' },
  { name: 'cgroup v2: nothing to set', seen: seen(), driver: 'cgroupfs' },
  { name: 'swap on, Swap ignored: failSwapOn false', seen: seen({ swapOn: true }), ignore: ['swap'], driver: 'cgroupfs', failSwapOn: false },
  { name: 'swap on, all ignored: failSwapOn false', seen: seen({ swapOn: true }), ignore: ['ALL'], driver: 'cgroupfs', failSwapOn: false },
  { name: 'swap on, not ignored: left to preflight', seen: seen({ swapOn: true }), driver: 'cgroupfs' },
  { name: 'swap off, Swap ignored: nothing to tolerate', seen: seen(), ignore: ['Swap'], driver: 'cgroupfs' },
];
for (const row of decisionRows) {
  test(`decision: ${row.name}`, () => {
    const cfg = testConfig((c) => {
      if (row.version) c.kubernetesVersion = parseKubeVersion(row.version)!;
      if (row.user) c.kubeletConfiguration = row.user;
    });
    const d = decideForNode(cfg, row.seen, ignoreSet(row.ignore ?? []));
    assert.equal(d.cgroupDriver.value, row.driver);
    assert.equal(d.failSwapOn?.value, row.failSwapOn);
    assert.equal(d.failCgroupV1?.value, row.failCgroupV1);
    if (d.failCgroupV1) assert.match(d.failCgroupV1.reason!, /cgroup v1/);
  });
}

const ignoreRows: { values: string[]; check: string; ignored: boolean }[] = [
  { values: ['Swap'], check: 'Swap', ignored: true },
  { values: ['swap,numcpu'], check: 'NumCPU', ignored: true },
  { values: ['All'], check: 'Port-6443', ignored: true },
  { values: [' port-6443 '], check: 'Port-6443', ignored: true },
  { values: ['Port-6443'], check: 'Port-10250', ignored: false },
  { values: [], check: 'Swap', ignored: false },
];
for (const row of ignoreRows) {
  test(`--ignore-preflight-errors=${row.values.join(',')} ${row.ignored ? 'ignores' : 'does not ignore'} ${row.check}`, () => {
    assert.equal(isIgnored(ignoreSet(row.values), row.check), row.ignored);
  });
}
