// `status` against a real etcd + kube-apiserver: a Node, a mirror pod as the kubelet makes it
// (annotations, owner Node), a Deployment -> ReplicaSet -> Pod chain and a DaemonSet -> Pod
// with real ownerReferences (uids the API server gave), a bare pod, an Event for a pod a
// manifest should have produced; the node side from a --rootfs with a manifests folder.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { startApiServer, type ApiServer } from '../helpers/api-server.js';
import { runCli } from '../helpers/run-cli.js';
import type { StatusView } from '../../src/report/status-view.js';

const kubectl = (api: ApiServer, args: string[], input?: string) => execFileSync('kubectl', ['--kubeconfig', api.adminKubeconfig, ...args], { encoding: 'utf8', input });
const apply = (api: ApiServer, obj: object) => JSON.parse(kubectl(api, ['create', '-o', 'json', '-f', '-'], JSON.stringify(obj))) as { metadata: { uid: string; creationTimestamp: string } };
const owner = (kind: string, apiVersion: string, name: string, uid: string) => ({ apiVersion, kind, name, uid, controller: true });
const container = (image: string) => ({ containers: [{ name: 'c', image }] });

test('status: static and dynamic pods, their owners and files, the bootstrap order (json, yaml, text)', { timeout: 240_000 }, async (t) => {
  const api = await startApiServer(t);
  const rootfs = mkdtempSync(path.join(tmpdir(), 'mk-status-'));
  t.after(() => rmSync(rootfs, { recursive: true, force: true }));
  const manifests = path.join(rootfs, 'etc/kubernetes/manifests');
  mkdirSync(manifests, { recursive: true });
  mkdirSync(path.join(rootfs, 'var/lib/kubelet'), { recursive: true });
  writeFileSync(path.join(rootfs, 'var/lib/kubelet/kubeadm-flags.env'), 'KUBELET_KUBEADM_ARGS="--hostname-override=st-1 --pod-infra-container-image=registry.k8s.io/pause:3.10.2"\n');
  writeFileSync(path.join(manifests, 'kube-apiserver.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver, namespace: kube-system}\nspec:\n  containers: [{name: a, image: "registry.k8s.io/kube-apiserver:v1.37.2"}]\n');
  writeFileSync(path.join(manifests, 'orphan.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: orphan}\nspec:\n  containers: [{name: a, image: "busybox:lab"}]\n');
  writeFileSync(path.join(manifests, 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: [\n');
  writeFileSync(path.join(manifests, '.hidden.yaml'), 'kind: Pod\n');

  const kubeSystem = JSON.parse(kubectl(api, ['get', 'namespace', 'kube-system', '-o', 'json'])) as { metadata: { creationTimestamp: string } };
  // no controller-manager here: the service accounts that admission looks up are made by hand
  for (const ns of ['default', 'kube-system']) apply(api, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } });
  const node = apply(api, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'st-1' } });
  apply(api, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'kube-apiserver-st-1',
      namespace: 'kube-system',
      annotations: { 'kubernetes.io/config.mirror': 'abc', 'kubernetes.io/config.source': 'file', 'kubernetes.io/config.hash': 'abc' },
      ownerReferences: [owner('Node', 'v1', 'st-1', node.metadata.uid)],
    },
    spec: { nodeName: 'st-1', ...container('registry.k8s.io/kube-apiserver:v1.37.2') },
  });
  // the kubelet started the static pod before the API server answered
  const started = new Date(Date.parse(kubeSystem.metadata.creationTimestamp) - 30_000).toISOString().replace(/\.\d+Z$/, 'Z');
  kubectl(api, ['patch', 'pod', '-n', 'kube-system', 'kube-apiserver-st-1', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Running', startTime: started, containerStatuses: [{ name: 'c', image: 'x', imageID: '', ready: true, restartCount: 2, started: true, state: { running: {} } }] } })]);
  // a mirror pod in another namespace is shown too; a plain pod there is not
  apply(api, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-st-2', namespace: 'default', annotations: { 'kubernetes.io/config.mirror': 'x' } }, spec: { nodeName: 'st-2', ...container('busybox:lab') } });
  apply(api, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'not-shown', namespace: 'default' }, spec: container('busybox:lab') });

  const deploy = apply(api, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'coredns', namespace: 'kube-system' }, spec: { replicas: 0, selector: { matchLabels: { k: 'dns' } }, template: { metadata: { labels: { k: 'dns' } }, spec: container('coredns:v1.14.6') } } });
  const rs = apply(api, { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'coredns-5d4b', namespace: 'kube-system', ownerReferences: [owner('Deployment', 'apps/v1', 'coredns', deploy.metadata.uid)] }, spec: { replicas: 0, selector: { matchLabels: { k: 'dns' } }, template: { metadata: { labels: { k: 'dns' } }, spec: container('coredns:v1.14.6') } } });
  apply(api, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'coredns-5d4b-x1', namespace: 'kube-system', labels: { k: 'dns' }, ownerReferences: [owner('ReplicaSet', 'apps/v1', 'coredns-5d4b', rs.metadata.uid)] }, spec: container('coredns:v1.14.6') });
  const ds = apply(api, { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'kube-proxy', namespace: 'kube-system' }, spec: { selector: { matchLabels: { k: 'proxy' } }, template: { metadata: { labels: { k: 'proxy' } }, spec: container('kube-proxy:v1.37.2') } } });
  apply(api, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kube-proxy-q7', namespace: 'kube-system', labels: { k: 'proxy' }, ownerReferences: [owner('DaemonSet', 'apps/v1', 'kube-proxy', ds.metadata.uid)] }, spec: container('kube-proxy:v1.37.2') });
  apply(api, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare', namespace: 'kube-system' }, spec: container('busybox:lab') });
  apply(api, { apiVersion: 'v1', kind: 'Event', metadata: { name: 'orphan-st-1.1', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'orphan-st-1', namespace: 'default' }, reason: 'FailedCreatePodSandBox', message: 'no sandbox image', type: 'Warning' });

  // as root on a control-plane node: admin.conf found where kubeadm looks, under --rootfs
  copyFileSync(api.adminKubeconfig, path.join(rootfs, 'etc/kubernetes/admin.conf'));
  const cli = (...argv: string[]) => runCli(['status', '--rootfs', rootfs, ...argv], { cwd: '/', env: { HOME: '/root' } });
  const before = execFileSync('find', [rootfs, '-printf', '%p %s %m %T@\n'], { encoding: 'utf8' });
  const r = await cli('-o', 'json');
  assert.equal(r.code, 0, r.stderr);
  const v = JSON.parse(r.stdout) as StatusView;
  const pod = (name: string) => v.pods.find((p) => p.name === name);

  await t.test('every kube-system pod and every mirror pod, static first', () => {
    assert.deepEqual(v.pods.map((p) => `${p.namespace}/${p.name}`), ['default/web-st-2', 'kube-system/kube-apiserver-st-1', 'kube-system/bare', 'kube-system/coredns-5d4b-x1', 'kube-system/kube-proxy-q7']);
  });
  await t.test('a mirror pod: static, the kubelet, its file on this node, the seed\'s note, ready and restarts from its status', () => {
    const p = pod('kube-apiserver-st-1')!;
    assert.equal(p.kind, 'static');
    assert.equal(p.managedBy, 'the kubelet on st-1 (this is its mirror pod)');
    assert.equal(p.definition, '/etc/kubernetes/manifests/kube-apiserver.yaml');
    assert.deepEqual(p.owners, ['Node st-1']);
    assert.match(p.note, /owned by the kubelet: edit the file, not the API object/);
    assert.equal(p.ready, '1/1');
    assert.equal(p.restarts, 2);
    assert.equal(p.startedAt, started);
    assert.equal(pod('web-st-2')!.definition, 'a file in /etc/kubernetes/manifests on st-2');
  });
  await t.test('dynamic pods: their owner chains from the API, the controllers that manage them', () => {
    const dns = pod('coredns-5d4b-x1')!;
    assert.equal(dns.kind, 'dynamic');
    assert.deepEqual(dns.owners, ['Deployment coredns', 'ReplicaSet coredns-5d4b']);
    assert.equal(dns.managedBy, 'Deployment + ReplicaSet controllers (kube-controller-manager)');
    assert.equal(dns.definition, 'Deployment kube-system/coredns in etcd (through the API)');
    assert.equal(dns.note, 'made by the controller-manager through the API, stored in etcd');
    assert.deepEqual(pod('kube-proxy-q7')!.owners, ['DaemonSet kube-proxy']);
    assert.equal(pod('kube-proxy-q7')!.managedBy, 'DaemonSet controller (kube-controller-manager)');
    assert.deepEqual(pod('bare')!.owners, []);
    assert.match(pod('bare')!.note, /nothing makes it again/);
  });
  await t.test('the node side: each file with its mirror pod, or the reason it has none', () => {
    assert.equal(v.node, 'st-1');
    const m = new Map(v.manifests!.map((x) => [x.file, x]));
    assert.deepEqual([...m.keys()], ['.hidden.yaml', 'broken.yaml', 'kube-apiserver.yaml', 'orphan.yaml']);
    assert.equal(m.get('kube-apiserver.yaml')!.mirror, 'kube-system/kube-apiserver-st-1');
    assert.equal(m.get('orphan.yaml')!.pod, 'default/orphan');
    assert.equal(m.get('orphan.yaml')!.mirror, undefined);
    assert.equal(m.get('orphan.yaml')!.reason, 'FailedCreatePodSandBox: no sandbox image');
    assert.equal(m.get('orphan.yaml')!.reasonFrom, 'events');
    assert.match(m.get('broken.yaml')!.reason!, /^not YAML or JSON: /);
    assert.match(m.get('.hidden.yaml')!.reason!, /hidden file/);
  });
  await t.test('the bootstrap order: the static pod, then the API, the Node, then the add-ons', () => {
    assert.equal(v.order.storyHolds, true, v.order.summary);
    const stages = v.order.steps.map((s) => s.stage);
    assert.deepEqual(stages.slice(0, 2), ['static', 'api']);
    assert.ok(stages.indexOf('dynamic') > stages.indexOf('node'), stages.join(' '));
    assert.equal(v.order.steps.filter((s) => s.stage === 'dynamic').length, 2 + 3);
    assert.ok(v.order.steps.some((s) => s.what === 'Deployment kube-system/coredns made through the API' && s.at === deploy.metadata.creationTimestamp));
  });
  await t.test('yaml says the same; text is the table in a pipe, without colour', async () => {
    const y = await cli('-o', 'yaml');
    assert.equal(y.code, 0, y.stderr);
    assert.deepEqual(yaml.load(y.stdout), JSON.parse(r.stdout));
    const text = await cli();
    assert.equal(text.code, 0, text.stderr);
    assert.doesNotMatch(text.stdout, /\x1b\[/);
    assert.match(text.stdout, /^kube-system\/kube-apiserver-st-1\s+static\s+1\/1\s+2\s+\S+\s+st-1\s+the kubelet on st-1/m);
    assert.match(text.stdout, /kube-system\/coredns-5d4b-x1: Deployment coredns -> ReplicaSet coredns-5d4b -> Pod coredns-5d4b-x1/);
    assert.match(text.stdout, /orphan\.yaml: no mirror pod: FailedCreatePodSandBox: no sandbox image \(from events\)/);
    assert.match(text.stdout, /static pods first, then the API, then the dynamic add-ons/);
  });
  await t.test('nothing changed under --rootfs', () => {
    assert.equal(execFileSync('find', [rootfs, '-printf', '%p %s %m %T@\n'], { encoding: 'utf8' }), before);
  });
});
