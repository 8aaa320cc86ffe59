// status's pure parts from object fixtures: which pods are static, the mirror pod made again,
// the kubelet's reason for a file read from its log, and the bootstrap's order checked.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/kube/client.js';
import { bootstrapOrder } from '../../src/kube/objects/bootstrap-order.js';
import { isMirrorPod, podRows, podsToShow } from '../../src/kube/objects/pod-origins.js';
import { kubeletLine, manifestRows } from '../../src/kube/objects/static-manifests.js';

const pod = (name: string, ns: string, extra: Partial<KubeObject['metadata']> = {}, status: Record<string, unknown> = {}, node = 'st-1'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, creationTimestamp: '2026-12-05T08:00:00Z', ...extra },
  spec: { nodeName: node, containers: [{ name: 'c', image: 'img' }] },
  status,
});
const mirror = (name: string, created: string, started: string) => pod(name, 'kube-system', { creationTimestamp: created, annotations: { 'kubernetes.io/config.mirror': 'h' } }, { startTime: started, phase: 'Running' });

test('a mirror pod is known by either annotation or by its Node owner; others are not', () => {
  const cases: [string, Partial<KubeObject['metadata']>, boolean][] = [
    ['config.mirror', { annotations: { 'kubernetes.io/config.mirror': 'x' } }, true],
    ['config.source file', { annotations: { 'kubernetes.io/config.source': 'file' } }, true],
    ['config.source api', { annotations: { 'kubernetes.io/config.source': 'api' } }, false],
    ['owner Node', { ownerReferences: [{ kind: 'Node', name: 'st-1' }] }, true],
    ['owner ReplicaSet', { ownerReferences: [{ kind: 'ReplicaSet', name: 'r' }] }, false],
  ];
  for (const [name, meta, want] of cases) assert.equal(isMirrorPod(pod('p', 'default', meta)), want, name);
});

test('shown: kube-system and mirror pods anywhere, static first', () => {
  const shown = podsToShow([pod('b', 'kube-system'), pod('x', 'default'), pod('w', 'default', { annotations: { 'kubernetes.io/config.mirror': 'x' } }), mirror('a', '2026-12-05T08:00:00Z', '2026-12-05T08:00:00Z')]);
  assert.deepEqual(shown.map((p) => p.metadata.name), ['w', 'a', 'b']);
});

test('a mirror pod made long after its pod started, and after the node\'s first mirror pods, was made again', () => {
  const pods = [
    // bootstrap: the first mirror pods come 40 s after the pods started (the API was not up): not "again"
    mirror('etcd-st-1', '2026-12-05T08:01:10Z', '2026-12-05T08:00:30Z'),
    mirror('kube-apiserver-st-1', '2026-12-05T08:01:12Z', '2026-12-05T08:00:31Z'),
    // added later, mirrored at once
    mirror('web-st-1', '2026-12-05T08:10:01Z', '2026-12-05T08:10:00Z'),
    // its mirror pod deleted at 08:20 and made again at the next sync
    mirror('nginx-static-st-1', '2026-12-05T08:21:05Z', '2026-12-05T08:15:00Z'),
  ];
  const rows = podRows(pods.map((p) => ({ pod: p, chain: [] })), () => undefined, '/etc/kubernetes/manifests');
  assert.deepEqual(rows.map((r) => r.recreated !== undefined), [false, false, false, true]);
  assert.match(rows[3]!.recreated!, /made 365 s after the pod started: the kubelet made it again/);
});

test('the kubelet\'s reason for a file: its log first, then the events, then the file itself', () => {
  const log = [
    'I1205 08:00:00.000000     100 file.go:200] "Reading config file" path="/etc/kubernetes/manifests/bad.yaml"',
    'E1205 08:00:01.000000     100 file.go:187] "Could not process manifest file" err="/etc/kubernetes/manifests/bad.yaml: couldn\'t parse as pod(yaml: line 3: did not find expected node content), please check config file" path="/etc/kubernetes/manifests/bad.yaml"',
    'E1205 08:00:02.000000     100 kubelet.go:1900] "Failed creating a mirror pod" err="namespaces \\"nope\\" not found" pod="nope/ghost-st-1"',
  ].join('\n');
  const entries = [
    { file: 'bad.yaml', path: '/etc/kubernetes/manifests/bad.yaml', isDirectory: false, text: 'metadata: {name: [\n' },
    { file: 'ghost.yaml', path: '/etc/kubernetes/manifests/ghost.yaml', isDirectory: false, text: 'kind: Pod\nmetadata: {name: ghost, namespace: nope}\n' },
    { file: 'quiet.yaml', path: '/etc/kubernetes/manifests/quiet.yaml', isDirectory: false, text: 'kind: Pod\nmetadata: {name: quiet}\n' },
    { file: 'svc.yaml', path: '/etc/kubernetes/manifests/svc.yaml', isDirectory: false, text: 'kind: Service\nmetadata: {name: s}\n' },
    { file: 'sub', path: '/etc/kubernetes/manifests/sub', isDirectory: true },
    { file: 'etcd.yaml', path: '/etc/kubernetes/manifests/etcd.yaml', isDirectory: false, text: 'kind: Pod\nmetadata: {name: etcd, namespace: kube-system}\nspec: {containers: [{image: e}]}\n' },
  ];
  const rows = manifestRows({ entries, node: 'ST-1', pods: [mirror('etcd-st-1', '2026-12-05T08:01:10Z', '2026-12-05T08:00:30Z')], kubeletLog: log, events: new Map([['default/quiet-st-1', [{ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' }, reason: 'Failed', message: 'image never pulled' }]]]) });
  const by = new Map(rows.map((r) => [r.file, r]));
  assert.equal(by.get('bad.yaml')!.reason, 'Could not process manifest file: /etc/kubernetes/manifests/bad.yaml: couldn\'t parse as pod(yaml: line 3: did not find expected node content), please check config file');
  assert.equal(by.get('bad.yaml')!.reasonFrom, 'kubelet log');
  assert.equal(by.get('ghost.yaml')!.reason, 'Failed creating a mirror pod: namespaces "nope" not found');
  assert.equal(by.get('quiet.yaml')!.reason, 'Failed: image never pulled');
  assert.equal(by.get('svc.yaml')!.reason, 'its kind is "Service", not Pod');
  assert.match(by.get('sub')!.reason!, /a directory/);
  assert.equal(by.get('etcd.yaml')!.mirror, 'kube-system/etcd-st-1');
  assert.deepEqual(by.get('etcd.yaml')!.images, ['e']);
  assert.equal(kubeletLine('plain text line'), 'plain text line');
});

test('the bootstrap order: the story holds only with a static pod before the API and no add-on before it', () => {
  const rows = podRows(
    [
      { pod: mirror('etcd-st-1', '2026-12-05T08:01:10Z', '2026-12-05T08:00:30Z'), chain: [{ apiVersion: 'v1', kind: 'Node', name: 'st-1' }] },
      { pod: pod('coredns-1', 'kube-system', { creationTimestamp: '2026-12-05T08:02:00Z' }), chain: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'coredns', namespace: 'kube-system' }, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'coredns-1', namespace: 'kube-system' }] },
    ],
    () => '/etc/kubernetes/manifests/etcd.yaml',
    '/etc/kubernetes/manifests',
  );
  const ns = (at: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', creationTimestamp: at } });
  const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'st-1', creationTimestamp: '2026-12-05T08:01:00Z' } };
  const good = bootstrapOrder({ rows, kubeSystem: ns('2026-12-05T08:01:00Z'), nodes: [node], workloads: [] });
  assert.deepEqual(good.steps.map((s) => s.stage), ['static', 'api', 'node', 'dynamic']);
  assert.equal(good.storyHolds, true);
  assert.equal(rows[1]!.managedBy, 'Deployment + ReplicaSet controllers (kube-controller-manager)');
  const late = bootstrapOrder({ rows, kubeSystem: ns('2026-12-05T08:03:00Z'), nodes: [], workloads: [] });
  assert.equal(late.storyHolds, false);
  assert.match(late.summary, /1 before it/);
  assert.equal(bootstrapOrder({ rows, nodes: [], workloads: [] }).storyHolds, false);
});

test('the text view: columns padded before painting, each kind in its style; age as kubectl writes it', async () => {
  const { renderStatus, age } = await import('../../src/report/status-view.js');
  const rows = podRows([{ pod: mirror('etcd-st-1', '2026-12-05T08:01:10Z', '2026-12-05T08:00:30Z'), chain: [{ apiVersion: 'v1', kind: 'Node', name: 'st-1' }] }, { pod: pod('coredns-1', 'kube-system'), chain: [] }], () => '/etc/kubernetes/manifests/etcd.yaml', '/etc/kubernetes/manifests');
  const view = { server: 'https://10.0.0.1:6443', kubeconfig: '/etc/kubernetes/admin.conf', node: 'st-1', manifestsDir: '/etc/kubernetes/manifests', manifests: [], pods: rows, order: bootstrapOrder({ rows, nodes: [], workloads: [] }) };
  const now = Date.parse('2026-12-05T08:11:10Z');
  const plain = renderStatus(view, now);
  const painted = renderStatus(view, now, (s, style) => `<${style}>${s}</>`);
  assert.doesNotMatch(plain, /</);
  assert.match(painted, /<static>static <\/>/);
  assert.match(plain, /Pod kube-system\/coredns-1 made directly through the API \(a bare pod\)/);
  assert.match(painted, /<dynamic>dynamic<\/>/);
  assert.equal(painted.replace(/<[a-z]*>|<\/>/g, ''), plain, 'painting adds styles only');
  assert.match(plain, /^kube-system\/etcd-st-1 +static +0\/1 +0 +10m +st-1 +the kubelet on st-1/m);
  assert.match(plain, /the folder is empty/);
  assert.deepEqual(['2026-12-05T08:11:05Z', '2026-12-05T08:05:10Z', '2026-12-05T05:11:10Z', '2026-12-01T08:11:10Z'].map((t) => age(t, now)), ['5s', '6m', '3h', '4d']);
});
