// Per-minor differences of the add-ons and cluster objects (kubeadm-spec.md, "Per-minor
// differences"), one named case per minor, read from the rendered objects themselves.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import yaml from 'js-yaml';
import { parseKubeVersion } from '../../src/config/defaults.js';
import { corednsObjects } from '../../src/addons/coredns.js';
import { kubeProxyObjects } from '../../src/addons/kube-proxy.js';
import { bootstrapRbacObjects } from '../../src/kube/objects/bootstrap-token.js';
import { clusterConfigurationDocument } from '../../src/kube/objects/kubeadm-config.js';
import { writesCriSocketAnnotation } from '../../src/config/versions.js';
import type { KubeObject } from '../../src/kube/client.js';
import { testConfig } from '../helpers/test-config.js';

const cfgFor = (v: string) => testConfig((c) => (c.kubernetesVersion = parseKubeVersion(v)!));
const corefile = (objs: KubeObject[]) => (objs.find((o) => o.kind === 'ConfigMap')!.data as Record<string, string>).Corefile!;
const container = (objs: KubeObject[]) => ((objs.find((o) => o.kind === 'Deployment')!.spec as any).template.spec.containers[0]) as { image: string; ports: { name: string; containerPort: number }[]; livenessProbe: any; readinessProbe: any };
const proxyConf = (objs: KubeObject[]) => yaml.load((objs.find((o) => o.kind === 'ConfigMap')!.data as Record<string, string>)['config.conf']!) as any;

const minors: { v: string; cacheBlock: boolean; probePorts: boolean; mode: string; loggingText: boolean; coredns: string; api: string }[] = [
  { v: 'v1.29.15', cacheBlock: false, probePorts: false, mode: '', loggingText: false, coredns: 'v1.11.1', api: 'kubeadm.k8s.io/v1beta3' },
  { v: 'v1.30.14', cacheBlock: false, probePorts: false, mode: '', loggingText: true, coredns: 'v1.11.3', api: 'kubeadm.k8s.io/v1beta3' },
  { v: 'v1.31.14', cacheBlock: false, probePorts: false, mode: '', loggingText: true, coredns: 'v1.11.3', api: 'kubeadm.k8s.io/v1beta4' },
  { v: 'v1.32.0', cacheBlock: true, probePorts: false, mode: '', loggingText: true, coredns: 'v1.11.3', api: 'kubeadm.k8s.io/v1beta4' },
  { v: 'v1.33.0', cacheBlock: true, probePorts: false, mode: '', loggingText: true, coredns: 'v1.12.0', api: 'kubeadm.k8s.io/v1beta4' },
  { v: 'v1.34.0', cacheBlock: true, probePorts: true, mode: '', loggingText: true, coredns: 'v1.12.1', api: 'kubeadm.k8s.io/v1beta4' },
  { v: 'v1.35.0', cacheBlock: true, probePorts: true, mode: '', loggingText: true, coredns: 'v1.13.1', api: 'kubeadm.k8s.io/v1beta4' },
  { v: 'v1.36.0', cacheBlock: true, probePorts: true, mode: '', loggingText: true, coredns: 'v1.14.2', api: 'kubeadm.k8s.io/v1beta4' },
  { v: 'v1.37.0', cacheBlock: true, probePorts: true, mode: 'iptables', loggingText: true, coredns: 'v1.14.6', api: 'kubeadm.k8s.io/v1beta4' },
];

for (const m of minors) {
  test(`${m.v}: Corefile cache ${m.cacheBlock ? 'block' : 'line'}, CoreDNS ${m.coredns} probes on ${m.probePorts ? 'named' : 'numbered'} ports`, async () => {
    const objs = await corednsObjects(cfgFor(m.v));
    const cf = corefile(objs);
    if (m.cacheBlock) assert.match(cf, /\n {4}cache 30 \{\n {7}disable success cluster\.local\n {7}disable denial cluster\.local\n {4}\}\n {4}loop\n/);
    else assert.match(cf, /\n {4}cache 30\n {4}loop\n/);
    const c = container(objs);
    assert.equal(c.image, `registry.k8s.io/coredns/coredns:${m.coredns}`);
    assert.deepEqual(c.ports.map((p) => p.name), m.probePorts ? ['dns', 'dns-tcp', 'metrics', 'liveness-probe', 'readiness-probe'] : ['dns', 'dns-tcp', 'metrics']);
    assert.equal(c.livenessProbe.httpGet.port, m.probePorts ? 'liveness-probe' : 8080);
    assert.equal(c.readinessProbe.httpGet.port, m.probePorts ? 'readiness-probe' : 8181);
  });

  test(`${m.v}: kube-proxy mode "${m.mode}", logging ${m.loggingText ? 'with' : 'without'} text options; kubeadm-config in ${m.api}`, async () => {
    const conf = proxyConf(await kubeProxyObjects(cfgFor(m.v)));
    assert.equal(conf.mode, m.mode);
    assert.equal(conf.clusterCIDR, '10.244.0.0/16');
    assert.equal(conf.bindAddress, '0.0.0.0');
    assert.deepEqual(Object.keys(conf.logging.options).sort(), m.loggingText ? ['json', 'text'] : ['json']);
    assert.equal(clusterConfigurationDocument(cfgFor(m.v)).apiVersion, m.api);
  });
}

const bindingCases: { v: string; has: boolean }[] = [
  { v: 'v1.32.99', has: false },
  { v: 'v1.33.11', has: false },
  { v: 'v1.33.12', has: true },
  { v: 'v1.34.7', has: false },
  { v: 'v1.34.8', has: true },
  { v: 'v1.35.5', has: true },
  { v: 'v1.36.0', has: false },
  { v: 'v1.36.1', has: true },
  { v: 'v1.37.0', has: true },
];
for (const c of bindingCases) {
  test(`${c.v}: ClusterRoleBinding kubeadm:apiserver-kubelet-client ${c.has ? 'is' : 'is not'} created (backports)`, () => {
    assert.equal(bootstrapRbacObjects(parseKubeVersion(c.v)!).some((o) => o.metadata.name === 'kubeadm:apiserver-kubelet-client'), c.has);
  });
}

const criCases: { v: string; gates: Record<string, boolean>; writes: boolean }[] = [
  { v: 'v1.29.0', gates: {}, writes: true },
  { v: 'v1.33.0', gates: {}, writes: true },
  { v: 'v1.34.0', gates: {}, writes: false },
  { v: 'v1.35.0', gates: { NodeLocalCRISocket: false }, writes: true },
  { v: 'v1.36.0', gates: { NodeLocalCRISocket: false }, writes: false },
];
for (const c of criCases) {
  test(`${c.v} ${JSON.stringify(c.gates)}: cri-socket Node annotation ${c.writes ? 'written' : 'not written'}`, () => {
    assert.equal(writesCriSocketAnnotation(parseKubeVersion(c.v)!, c.gates), c.writes);
  });
}

test('kube-proxy: IPv6 advertise address binds to ::, a user document wins and is left unsigned', async () => {
  const cfg = cfgFor('v1.37.2');
  cfg.localAPIEndpoint.advertiseAddress = 'fd00::2';
  cfg.kubeProxyConfiguration = { mode: 'nftables', conntrack: { maxPerCore: 0 } };
  const objs = await kubeProxyObjects(cfg);
  const conf = proxyConf(objs);
  assert.equal(conf.bindAddress, '::');
  assert.equal(conf.mode, 'nftables');
  assert.equal(conf.conntrack.maxPerCore, 0);
  assert.equal(conf.conntrack.min, null);
  assert.equal(objs.find((o) => o.kind === 'ConfigMap')!.metadata.annotations, undefined);
  assert.match((objs.find((o) => o.kind === 'ConfigMap')!.data as Record<string, string>)['kubeconfig.conf']!, /server: https:\/\/\[fd00::2\]:6443/);
});

test('CoreDNS: custom repository and tag, another DNS domain, the 10th IP of the service CIDR', async () => {
  const cfg = cfgFor('v1.37.2');
  cfg.imageRepository = 'mirror.example/k8s';
  cfg.dns.imageTag = 'v9.9.9';
  cfg.networking.dnsDomain = 'corp.internal';
  cfg.networking.serviceSubnet = '10.100.0.0/16';
  const objs = await corednsObjects(cfg, 5);
  assert.equal(container(objs).image, 'mirror.example/k8s/coredns:v9.9.9');
  assert.match(corefile(objs), /kubernetes corp\.internal in-addr\.arpa ip6\.arpa/);
  assert.equal((objs.find((o) => o.kind === 'Service')!.spec as { clusterIP: string }).clusterIP, '10.100.0.10');
  assert.equal((objs.find((o) => o.kind === 'Deployment')!.spec as { replicas: number }).replicas, 5);
});
