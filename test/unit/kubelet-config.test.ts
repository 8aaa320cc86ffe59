// config.yaml and kubeadm-flags.env per minor, against what Go's own serializer wrote for the
// kubelet's struct (test/fixtures/kubelet) and the spec's per-minor rows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { testConfig } from '../helpers/test-config.js';
import { parseKubeVersion } from '../../src/config/defaults.js';
import { nodeFacts } from '../../src/config/versions.js';
import { clusterDnsIp, kubeletConfiguration, renderKubeletConfiguration, instanceConfigText } from '../../src/kubelet/kubelet-config.js';
import { kubeadmFlagsEnv, argumentsToCommand } from '../../src/kubelet/flags-env.js';
import type { NodeDecisions } from '../../src/kubelet/node-decisions.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/kubelet');
const at = (v: string) => testConfig((c) => void (c.kubernetesVersion = parseKubeVersion(v)!));

test('1.37 config.yaml (cluster-wide part) is byte for byte what Go serializes for kubeadm\'s defaults', async () => {
  const cfg = at('v1.37.2');
  const { doc, warnings } = kubeletConfiguration(cfg, nodeFacts(37));
  assert.equal(await renderKubeletConfiguration(doc), readFileSync(path.join(fixtures, 'config-1.37.go.yaml'), 'utf8'));
  assert.deepEqual(warnings, []);
});

test('1.29 config.yaml matches Go\'s serialization of the 1.29 struct', async () => {
  const file = path.join(fixtures, 'config-1.29.go.yaml');
  const cfg = at('v1.29.15');
  const { doc } = kubeletConfiguration(cfg, nodeFacts(29));
  assert.equal(await renderKubeletConfiguration(doc), readFileSync(file, 'utf8'));
});

const zeroFieldRows: { minor: number; text: boolean; crashLoopBackOff: boolean }[] = [
  { minor: 29, text: false, crashLoopBackOff: false },
  { minor: 30, text: true, crashLoopBackOff: false },
  { minor: 31, text: true, crashLoopBackOff: false },
  { minor: 32, text: true, crashLoopBackOff: true },
  { minor: 37, text: true, crashLoopBackOff: true },
];
for (const row of zeroFieldRows) {
  test(`1.${row.minor}: logging text block ${row.text ? 'present' : 'absent'}, crashLoopBackOff ${row.crashLoopBackOff ? 'present' : 'absent'}`, async () => {
    const { doc } = kubeletConfiguration(at(`v1.${row.minor}.0`), nodeFacts(row.minor));
    const parsed = yaml.load(await renderKubeletConfiguration(doc)) as Record<string, any>;
    assert.equal('text' in parsed.logging.options, row.text);
    assert.equal('crashLoopBackOff' in parsed, row.crashLoopBackOff);
    assert.equal(parsed.memorySwap && Object.keys(parsed.memorySwap).length, 0);
  });
}

const endpointRows: { version: string; inConfig: string; instanceFile: boolean }[] = [
  { version: 'v1.33.4', inConfig: '', instanceFile: false },
  { version: 'v1.34.0', inConfig: 'unix:///var/run/containerd/containerd.sock', instanceFile: true },
  { version: 'v1.37.2', inConfig: 'unix:///var/run/containerd/containerd.sock', instanceFile: true },
];
for (const row of endpointRows) {
  test(`${row.version}: containerRuntimeEndpoint in config.yaml is "${row.inConfig}" (instance-config.yaml merged: ${row.instanceFile})`, async () => {
    const cfg = at(row.version);
    const facts = nodeFacts(cfg.kubernetesVersion.minor);
    const { doc } = kubeletConfiguration(cfg, facts, { criSocket: cfg.nodeRegistration.criSocket });
    const parsed = yaml.load(await renderKubeletConfiguration(doc)) as Record<string, unknown>;
    assert.equal(parsed.containerRuntimeEndpoint, row.inConfig);
    assert.equal(facts.instanceConfig, row.instanceFile);
  });
}

test('instance-config.yaml is the one line kubeadm writes', () => {
  assert.equal(instanceConfigText('unix:///var/run/containerd/containerd.sock'), 'containerRuntimeEndpoint: "unix:///var/run/containerd/containerd.sock"\n');
});

test("the user's KubeletConfiguration wins, kubeadm warns where it differs, rotateCertificates is forced", async () => {
  const cfg = at('v1.37.2');
  cfg.kubeletConfiguration = { cgroupDriver: 'cgroupfs', clusterDNS: ['10.96.0.20'], maxPods: 50, rotateCertificates: false, logging: { verbosity: 4 } };
  const decisions: NodeDecisions = { kubeletMinor: 37, cgroupDriver: { value: 'systemd' } };
  const { doc, warnings } = kubeletConfiguration(cfg, nodeFacts(37), { decisions });
  const parsed = yaml.load(await renderKubeletConfiguration(doc)) as Record<string, any>;
  assert.equal(parsed.cgroupDriver, 'cgroupfs');
  assert.deepEqual(parsed.clusterDNS, ['10.96.0.20']);
  assert.equal(parsed.maxPods, 50);
  assert.equal(parsed.rotateCertificates, true);
  assert.equal(parsed.logging.verbosity, 4);
  assert.equal(parsed.logging.options.json.infoBufferSize, '0', 'zero fields stay around the user\'s');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /clusterDNS.*10\.96\.0\.10.*10\.96\.0\.20/);
});

test('node decisions land in config.yaml only where the user said nothing', async () => {
  const decisions: NodeDecisions = { kubeletMinor: 37, cgroupDriver: { value: 'cgroupfs' }, failSwapOn: { value: false }, failCgroupV1: { value: false } };
  const plain = kubeletConfiguration(at('v1.37.2'), nodeFacts(37), { decisions, systemdResolvedActive: true }).doc;
  assert.equal(plain.cgroupDriver, 'cgroupfs');
  assert.equal(plain.failSwapOn, false);
  assert.equal(plain.failCgroupV1, false);
  assert.equal(plain.resolvConf, '/run/systemd/resolve/resolv.conf');
  const cfg = at('v1.37.2');
  cfg.kubeletConfiguration = { failCgroupV1: true };
  assert.equal(kubeletConfiguration(cfg, nodeFacts(37), { decisions }).doc.failCgroupV1, true);
});

const dnsRows: { subnet: string; ip: string }[] = [
  { subnet: '10.96.0.0/12', ip: '10.96.0.10' },
  { subnet: '10.100.0.0/16', ip: '10.100.0.10' },
  { subnet: '172.16.255.250/24', ip: '172.17.0.4' },
  { subnet: 'fd00::/108', ip: 'fd00::a' },
  { subnet: 'fd00:10:96::/112,10.96.0.0/12', ip: 'fd00:10:96::a' },
];
for (const row of dnsRows) test(`clusterDNS for ${row.subnet} is ${row.ip}`, () => assert.equal(clusterDnsIp(row.subnet), row.ip));

const flagsRows: { name: string; version: string; extra?: { name: string; value: string }[]; nodeName?: string; want: string }[] = [
  {
    name: '1.29: endpoint and pause image flags',
    version: 'v1.29.15',
    nodeName: 'lab-host',
    want: 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9"\n',
  },
  {
    name: '1.33: still both, pause 3.10',
    version: 'v1.33.0',
    nodeName: 'lab-host',
    want: 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10"\n',
  },
  { name: '1.34: endpoint moved to instance-config.yaml', version: 'v1.34.1', nodeName: 'lab-host', want: 'KUBELET_KUBEADM_ARGS="--pod-infra-container-image=registry.k8s.io/pause:3.10.1"\n' },
  { name: '1.35: no pause flag: empty', version: 'v1.35.0', nodeName: 'lab-host', want: 'KUBELET_KUBEADM_ARGS=""\n' },
  { name: '1.37: hostname-override when the node name is not the host name', version: 'v1.37.2', nodeName: 'node-a', want: 'KUBELET_KUBEADM_ARGS="--hostname-override=node-a"\n' },
  {
    name: '1.37: extra args after the sorted defaults, in the user\'s order',
    version: 'v1.37.2',
    nodeName: 'node-a',
    extra: [{ name: 'v', value: '2' }, { name: 'node-ip', value: '172.31.0.2' }],
    want: 'KUBELET_KUBEADM_ARGS="--hostname-override=node-a --v=2 --node-ip=172.31.0.2"\n',
  },
  {
    name: '1.31: extra args sorted together with the defaults; an extra arg replaces a default',
    version: 'v1.31.3',
    nodeName: 'node-a',
    extra: [{ name: 'v', value: '2' }, { name: 'pod-infra-container-image', value: 'my/pause:1' }, { name: 'node-ip', value: '172.31.0.2' }],
    want: 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --hostname-override=node-a --node-ip=172.31.0.2 --pod-infra-container-image=my/pause:1 --v=2"\n',
  },
  {
    name: '1.35.0 still sorts everything; 1.35.1 keeps the user\'s order (backport)',
    version: 'v1.35.0',
    nodeName: 'node-a',
    extra: [{ name: 'v', value: '2' }, { name: 'node-ip', value: '1.2.3.4' }],
    want: 'KUBELET_KUBEADM_ARGS="--hostname-override=node-a --node-ip=1.2.3.4 --v=2"\n',
  },
];
for (const row of flagsRows) {
  test(`kubeadm-flags.env ${row.name}`, () => {
    const cfg = at(row.version);
    cfg.nodeRegistration.name = row.nodeName ?? 'node-a';
    cfg.nodeRegistration.kubeletExtraArgs = row.extra ?? [];
    assert.equal(kubeadmFlagsEnv(cfg, nodeFacts(cfg.kubernetesVersion.minor), 'lab-host'), row.want);
  });
}

test('kubeadm-flags.env quotes as Go\'s %q does', () => {
  const cfg = at('v1.37.2');
  cfg.nodeRegistration.kubeletExtraArgs = [{ name: 'node-labels', value: 'a="b"' }];
  assert.equal(kubeadmFlagsEnv(cfg, nodeFacts(37), 'node-a'), 'KUBELET_KUBEADM_ARGS="--node-labels=a=\\"b\\""\n');
  assert.deepEqual(argumentsToCommand([{ name: 'b', value: '1' }, { name: 'a', value: '2' }], [], true), ['--a=2', '--b=1']);
});
