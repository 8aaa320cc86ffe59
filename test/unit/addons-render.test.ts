// Strict template rendering and the pod network choice: missing and unused placeholders are
// bugs, blocks keep their indentation, flannel gets the pod CIDR, a user manifest is checked.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTemplate, renderManifests, parseManifests } from '../../src/addons/render.js';
import { flannelObjects, flannelNodeConfig, DEFAULT_FLANNEL_IMAGES } from '../../src/addons/flannel.js';
import { cniConfigFromNodePods, installCniCopy } from '../../src/addons/cni-ahead.js';
import { cniPlan } from '../../src/addons/cni.js';
import { nthServiceIP } from '../../src/addons/service-ip.js';
import { MkError } from '../../src/errors.js';
import { testConfig } from '../helpers/test-config.js';

const cases: { name: string; text: string; values: Record<string, string>; want?: string; error?: RegExp }[] = [
  { name: 'inline value', text: 'image: {{ image }}', values: { image: 'a/b:c' }, want: 'image: a/b:c' },
  { name: 'block keeps indentation', text: 'x:\n  {{ body }}\ny: 1', values: { body: 'a: 1\nb:\n  c: 2' }, want: 'x:\n  a: 1\n  b:\n    c: 2\ny: 1' },
  { name: 'empty block removes its line', text: 'a: 1\n  {{ extra }}\nb: 2', values: { extra: '' }, want: 'a: 1\nb: 2' },
  { name: 'missing value', text: 'a: {{ a }} {{ b }}', values: { a: '1' }, error: /no value for \{\{ b \}\}/ },
  { name: 'unused value', text: 'a: {{ a }}', values: { a: '1', stray: '2' }, error: /values never used: stray/ },
];
for (const c of cases) {
  test(`render: ${c.name}`, () => {
    if (c.error) assert.throws(() => renderTemplate('t.yaml', c.text, c.values), (e: unknown) => e instanceof MkError && c.error!.test(e.message));
    else assert.equal(renderTemplate('t.yaml', c.text, c.values), c.want);
  });
}

test('render: a result that is not a named object is refused', () => {
  assert.throws(() => renderManifests('t.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n', {}), /lacks apiVersion, kind or metadata.name/);
  assert.throws(() => parseManifests('x.yaml', 'a: [\n'), /not valid YAML/);
});

test('flannel: the pod CIDR goes into net-conf.json (vxlan), images are overridable', async () => {
  const cfg = testConfig((c) => (c.networking.podSubnet = '10.50.0.0/16'));
  const objs = await flannelObjects(cfg);
  const cm = objs.find((o) => o.kind === 'ConfigMap')!;
  const net = JSON.parse((cm.data as Record<string, string>)['net-conf.json']!);
  assert.deepEqual(net, { Network: '10.50.0.0/16', EnableNFTables: false, Backend: { Type: 'vxlan' } });
  assert.deepEqual(objs.map((o) => o.kind), ['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'ServiceAccount', 'ConfigMap', 'DaemonSet']);
  const spec = (objs.find((o) => o.kind === 'DaemonSet')!.spec as any).template.spec;
  assert.equal(spec.containers[0].image, DEFAULT_FLANNEL_IMAGES.flannelImage);
  assert.equal(spec.initContainers[0].image, DEFAULT_FLANNEL_IMAGES.cniPluginImage);
  const mirrored = await flannelObjects(cfg, { flannelImage: 'm/flannel:x', cniPluginImage: 'm/cni:y' });
  assert.equal((mirrored.find((o) => o.kind === 'DaemonSet')!.spec as any).template.spec.initContainers[1].image, 'm/flannel:x');
});

test('flannel: the node CNI config is what install-cni copies (ConfigMap key -> hostPath), and a changed template is refused', async () => {
  const objs = await flannelObjects(testConfig());
  const conf = flannelNodeConfig(objs);
  assert.equal(conf.path, '/etc/cni/net.d/10-flannel.conflist');
  const cm = objs.find((o) => o.kind === 'ConfigMap')!;
  assert.equal(conf.content, (cm.data as Record<string, string>)['cni-conf.json']);
  assert.equal(JSON.parse(conf.content).plugins[0].type, 'flannel');
  const plan = await cniPlan(testConfig(), { readText: async () => undefined });
  assert.deepEqual(plan?.nodeConfig, conf);
  // the init container no longer copies from the ConfigMap: no guess
  const changed = structuredClone(objs);
  const install = (changed.find((o) => o.kind === 'DaemonSet')!.spec as any).template.spec.initContainers.find((c: { name: string }) => c.name === 'install-cni');
  install.args = ['-f', '/somewhere/else.json', '/etc/cni/net.d/10-flannel.conflist'];
  assert.throws(() => flannelNodeConfig(changed), /install-cni/);
});

test('install-cni copies: only `cp [-f] SRC DST` from a ConfigMap mount into a hostPath mount is taken', async () => {
  const objs = await flannelObjects(testConfig());
  const spec = (objs.find((o) => o.kind === 'DaemonSet')!.spec as any).template.spec;
  assert.deepEqual(installCniCopy(spec), { configMap: 'kube-flannel-cfg', key: 'cni-conf.json', path: '/etc/cni/net.d/10-flannel.conflist' });
  const variant = (f: (install: any, spec: any) => void) => {
    const s2 = structuredClone(spec);
    f(s2.initContainers.find((c: { name: string }) => c.name === 'install-cni'), s2);
    return installCniCopy(s2);
  };
  // upstream's own installer binary, a script, a third path, a source outside the ConfigMap, a target outside a hostPath: no guess
  assert.equal(variant((c) => { c.command = ['/opt/bin/install-conf']; c.args = []; }), undefined);
  assert.equal(variant((c) => { c.command = ['sh', '-c', 'cp -f /etc/kube-flannel/cni-conf.json /etc/cni/net.d/10-flannel.conflist']; c.args = []; }), undefined);
  assert.equal(variant((c) => c.args.push('/etc/cni/net.d/other')), undefined);
  assert.equal(variant((c) => (c.args[1] = '/tmp/cni-conf.json')), undefined);
  // a target name that could leave the host directory when written outside the container
  assert.equal(variant((c) => (c.args[2] = '/etc/cni/net.d/../../../etc/cron.d/x')), undefined);
  assert.equal(variant((c) => (c.args[2] = '/etc/cni/net.d/sub/10-flannel.conflist')), undefined);
  assert.equal(variant((_c, s2) => (s2.volumes = s2.volumes.filter((v: { hostPath?: unknown; name: string }) => v.name !== 'cni'))), undefined);
  assert.equal(variant((_c, s2) => (s2.initContainers = s2.initContainers.filter((c: { name: string }) => c.name !== 'install-cni'))), undefined);
  // the whole copy in `command`, none in args: the same
  assert.deepEqual(variant((c) => { c.command = ['cp', ...c.args]; delete c.args; }), installCniCopy(spec));
});

test('cniConfigFromNodePods: waits for the agent\'s pod and a readable ConfigMap; gives up after the first other pods settle, or at the deadline', async () => {
  const objs = await flannelObjects(testConfig());
  const spec = (objs.find((o) => o.kind === 'DaemonSet')!.spec as any).template.spec;
  const cm = objs.find((o) => o.kind === 'ConfigMap')!;
  const proxy = { metadata: { name: 'kube-proxy-x', namespace: 'kube-system' }, spec: { containers: [{ name: 'kube-proxy' }] } };
  const agent = { metadata: { name: 'kube-flannel-ds-x', namespace: 'kube-flannel' }, spec };
  const client = (podsAt: (n: number) => object[], forbiddenUntil = 0) => {
    let lists = 0;
    let gets = 0;
    return {
      paths: new Set<string>(),
      lists: () => lists,
      async raw(p: string) {
        this.paths.add(p);
        return JSON.stringify({ items: podsAt(lists++) });
      },
      get: async () => {
        if (gets++ < forbiddenUntil) throw new Error('configmaps "kube-flannel-cfg" is forbidden');
        return cm;
      },
    };
  };
  // the agent's pod appears on the third look, its ConfigMap refused once: found
  const c1 = client((n) => (n < 2 ? [] : [proxy, agent]), 1);
  const found = await cniConfigFromNodePods(c1, 'w1', { deadlineMs: 5000, everyMs: 10 });
  assert.deepEqual(found, { ...flannelNodeConfig(objs), agent: 'kube-flannel/kube-flannel-ds-x' });
  // the node's own pods only, as the Node authorizer allows a node to list them
  assert.deepEqual([...c1.paths], ['/api/v1/pods?fieldSelector=spec.nodeName%3Dw1']);
  // only kube-proxy on the node: given up settleMs after it appeared, not at the deadline:
  // each look waits everyMs, so 100 ms of settling is at most ~11 looks however slow the machine
  // (the deadline would be ~500)
  const c2 = client(() => [proxy]);
  assert.equal(await cniConfigFromNodePods(c2, 'w1', { deadlineMs: 5000, settleMs: 100, everyMs: 10 }), undefined);
  assert.ok(c2.lists() <= 12, `looked ${c2.lists()} times`);
  // nothing on the node at all: the deadline
  const t1 = Date.now();
  assert.equal(await cniConfigFromNodePods(client(() => []), 'w1', { deadlineMs: 300, everyMs: 10 }), undefined);
  assert.ok(Date.now() - t1 >= 290);
});

test('cni: flannel without a pod CIDR says which flag to give', async () => {
  await assert.rejects(flannelObjects(testConfig((c) => (c.networking.podSubnet = ''))), (e: unknown) => e instanceof MkError && /--pod-network-cidr/.test(e.hint ?? ''));
});

test('cni: none installs nothing; a file is read through the host and parsed', async () => {
  const host = { readText: async (p: string) => (p === '/root/net.yaml' ? 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: netx\n---\n' : undefined) };
  assert.equal(await cniPlan(testConfig((c) => (c.cni = { kind: 'none' })), host), undefined);
  const plan = await cniPlan(testConfig((c) => (c.cni = { kind: 'file', path: '/root/net.yaml' })), host);
  assert.deepEqual(plan?.objects.map((o) => o.metadata.name), ['netx']);
  await assert.rejects(cniPlan(testConfig((c) => (c.cni = { kind: 'file', path: '/nope.yaml' })), host), /--cni \/nope.yaml: no such file/);
});

const ipCases: { cidr: string; n: number; want: string }[] = [
  { cidr: '10.96.0.0/12', n: 10, want: '10.96.0.10' },
  { cidr: '10.96.5.0/12', n: 1, want: '10.96.0.1' },
  { cidr: 'fd00:10:96::/112', n: 10, want: 'fd00:10:96::a' },
  { cidr: '10.96.0.0/12,fd00::/108', n: 10, want: '10.96.0.10' },
];
for (const c of ipCases) test(`service IP ${c.n} of ${c.cidr} is ${c.want}`, () => assert.equal(nthServiceIP(c.cidr, c.n), c.want));
