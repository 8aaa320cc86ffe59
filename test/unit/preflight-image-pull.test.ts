// The ImagePull check's decisions, apart from the runtime: which images (kubeadm's list, named
// as init's manifests and add-ons name them), what each pull policy does with each image, the
// one message that lists every missing image, and the bound on a registry that never answers.
// The runtime here is a recording stand-in (no containerd on this machine); the lab's
// test:component-faults runs the check against a real one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testConfig } from '../helpers/test-config.js';
import { parseKubeVersion } from '../../src/config/defaults.js';
import { factsFor } from '../../src/config/versions.js';
import { buildManifest } from '../../src/manifests/static-pod.js';
import type { TemplateName } from '../../src/manifests/render.js';
import type { ImagePullPolicy } from '../../src/config/types.js';
import { controlPlaneImages, ensureImages, getImagesHint, missingImagesMessage, type ImageRuntime } from '../../src/preflight/image-pull.js';

const v = (text: string) => parseKubeVersion(text)!;

// what the lab's kubeadm v1.37.2 prints for `kubeadm config images list` (its order), plus
// pause, which kubeadm's list holds between CoreDNS and etcd
const LIST_1_37_2 = [
  'registry.k8s.io/kube-apiserver:v1.37.2',
  'registry.k8s.io/kube-controller-manager:v1.37.2',
  'registry.k8s.io/kube-scheduler:v1.37.2',
  'registry.k8s.io/kube-proxy:v1.37.2',
  'registry.k8s.io/coredns/coredns:v1.14.6',
  'registry.k8s.io/pause:3.10.2',
  'registry.k8s.io/etcd:3.7.0-0',
];

test('the images of 1.37.2: kubeadm\'s list and order', () => {
  assert.deepEqual(controlPlaneImages(testConfig((c) => (c.kubernetesVersion = v('v1.37.2')))), LIST_1_37_2);
});

test('the images of 1.36.3 and 1.29.15 follow each minor\'s tags', () => {
  assert.deepEqual(controlPlaneImages(testConfig((c) => (c.kubernetesVersion = v('v1.36.3')))), [
    'registry.k8s.io/kube-apiserver:v1.36.3',
    'registry.k8s.io/kube-controller-manager:v1.36.3',
    'registry.k8s.io/kube-scheduler:v1.36.3',
    'registry.k8s.io/kube-proxy:v1.36.3',
    'registry.k8s.io/coredns/coredns:v1.14.2',
    'registry.k8s.io/pause:3.10.2',
    'registry.k8s.io/etcd:3.6.8-0',
  ]);
  assert.deepEqual(controlPlaneImages(testConfig((c) => (c.kubernetesVersion = v('v1.29.15')))).slice(4), ['registry.k8s.io/coredns/coredns:v1.11.1', 'registry.k8s.io/pause:3.9', 'registry.k8s.io/etcd:3.5.16-0']);
});

test('disabled add-ons, an external etcd and repository overrides change the list as kubeadm\'s does', () => {
  const cfg = testConfig((c) => {
    c.kubernetesVersion = v('v1.37.2');
    c.imageRepository = 'mirror.example/k8s';
    c.dns.disabled = true;
    c.proxy.disabled = true;
    c.etcd.local = undefined;
    c.etcd.external = { endpoints: ['https://10.0.0.9:2379'], caFile: '', certFile: '', keyFile: '' };
  });
  assert.deepEqual(controlPlaneImages(cfg), [
    'mirror.example/k8s/kube-apiserver:v1.37.2',
    'mirror.example/k8s/kube-controller-manager:v1.37.2',
    'mirror.example/k8s/kube-scheduler:v1.37.2',
    'mirror.example/k8s/pause:3.10.2',
  ]);
  const etcdRepo = testConfig((c) => {
    c.kubernetesVersion = v('v1.37.2');
    c.etcd.local!.imageRepository = 'etcd.example';
    c.etcd.local!.imageTag = '3.7.1-0';
    c.dns.imageTag = 'v9.9.9';
  });
  assert.equal(controlPlaneImages(etcdRepo).at(-1), 'etcd.example/etcd:3.7.1-0');
  assert.equal(controlPlaneImages(etcdRepo)[4], 'registry.k8s.io/coredns/coredns:v9.9.9');
});

test('the check looks for exactly the images the static-pod manifests run', async () => {
  const cfg = testConfig((c) => (c.kubernetesVersion = v('v1.36.3')));
  const facts = factsFor(cfg.kubernetesVersion);
  const node = { presentCaDirs: new Set<string>(), externalCA: false, env: {} };
  const images = controlPlaneImages(cfg);
  for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'] as TemplateName[]) {
    const { text } = await buildManifest(c, cfg, node, facts);
    const image = /^\s+image: (\S+)$/m.exec(text)?.[1];
    assert.ok(image && images.includes(image), `${c}'s manifest image ${image} is in the list`);
  }
});

/** a runtime that has HAVE, whose pulls succeed for PULLABLE (and hang for HANGS), recording each call */
function runtime(have: string[], pullable: string[] = [], hangs: string[] = []) {
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let looking = 0;
  let maxLooking = 0;
  const rt: ImageRuntime = {
    present: async (image) => {
      calls.push(`look ${image}`);
      looking++;
      maxLooking = Math.max(maxLooking, looking);
      await new Promise((r) => setTimeout(r, 5));
      looking--;
      return have.includes(image) ? { state: 'present', detail: '' } : { state: 'absent', detail: `no such image "${image}" present` };
    },
    pull: async (image) => {
      calls.push(`pull ${image}`);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      if (hangs.includes(image)) return { ok: false, detail: 'no answer within 180 s (is the registry reachable from this node?)' };
      if (pullable.includes(image)) {
        have.push(image);
        return { ok: true, detail: '' };
      }
      return { ok: false, detail: 'dial tcp: lookup registry.k8s.io: no such host' };
    },
  };
  return { rt, calls, maxInFlight: () => maxInFlight, maxLooking: () => maxLooking };
}

const A = 'r/a:1';
const B = 'r/b:1';
const C = 'r/c:1';

const policyRows: { policy: ImagePullPolicy; calls: string[]; missing: string[] }[] = [
  // Never: only looks; a missing image is never pulled
  { policy: 'Never', calls: [`look ${A}`, `look ${B}`, `look ${C}`], missing: [B, C] },
  // IfNotPresent: pulls what is absent (here B pulls, C cannot)
  { policy: 'IfNotPresent', calls: [`look ${A}`, `look ${B}`, `pull ${B}`, `look ${C}`, `pull ${C}`], missing: [C] },
  // Always: pulls each, even the one it has (A), without looking
  { policy: 'Always', calls: [`pull ${A}`, `pull ${B}`, `pull ${C}`], missing: [A, C] },
];

for (const row of policyRows) {
  test(`imagePullPolicy ${row.policy}: ${row.calls.join(', ')}`, async () => {
    const r = runtime([A], [B]);
    const outcomes = await ensureImages(r.rt, [A, B, C], row.policy, true);
    assert.deepEqual(r.calls, row.calls);
    assert.deepEqual(outcomes.filter((o) => o.problem).map((o) => o.image), row.missing);
  });
}

test('the message names every missing image with its reason, and the policy', async () => {
  const r = runtime([A]);
  const msg = missingImagesMessage(await ensureImages(r.rt, [A, B, C], 'Never', true), 'Never');
  assert.equal(msg, `2 of the 3 control-plane images are not in the container runtime (imagePullPolicy Never):\n      ${B}: not present\n      ${C}: not present`);
  const pulled = missingImagesMessage(await ensureImages(runtime([]).rt, [A], 'IfNotPresent', true), 'IfNotPresent');
  assert.match(pulled!, /^1 of the 1 control-plane images is not available \(imagePullPolicy IfNotPresent\):\n {6}r\/a:1: pull failed: dial tcp: lookup registry.k8s.io: no such host$/);
  assert.equal(missingImagesMessage(await ensureImages(runtime([A, B]).rt, [A, B], 'Never', true), 'Never'), undefined);
});

test('serially, a pull with no answer stops the other pulls: the rest are only looked for', async () => {
  const r = runtime([C], [], [A]);
  const outcomes = await ensureImages(r.rt, [A, B, C], 'IfNotPresent', true);
  assert.deepEqual(r.calls, [`look ${A}`, `pull ${A}`, `look ${B}`, `look ${C}`]);
  assert.deepEqual(outcomes, [
    { image: A, problem: 'pull failed: no answer within 180 s (is the registry reachable from this node?)' },
    { image: B, problem: `not pulled: the pull of ${A} got no answer` },
    { image: C },
  ]);
});

test('imagePullSerial false pulls all at once; true, one after another', async () => {
  const parallel = runtime([], [A, B, C]);
  await ensureImages(parallel.rt, [A, B, C], 'Always', false);
  assert.equal(parallel.maxInFlight(), 3);
  const serial = runtime([], [A, B, C]);
  await ensureImages(serial.rt, [A, B, C], 'Always', true);
  assert.equal(serial.maxInFlight(), 1);
  // looking (Never) pulls nothing, so it asks for every image at once, serial or not
  const looks = runtime([A, B, C]);
  await ensureImages(looks.rt, [A, B, C], 'Never', true);
  assert.equal(looks.maxLooking(), 3);
  assert.equal(serial.maxLooking(), 0);
});

test('the hint says how to get the images: kubeadm config images pull with the version, or an import for an air-gapped node', () => {
  const hint = getImagesHint(testConfig((c) => {
    c.kubernetesVersion = v('v1.36.3');
    c.nodeRegistration.imagePullPolicy = 'Never';
  }));
  assert.match(hint, /kubeadm config images pull --kubernetes-version v1\.36\.3 /);
  assert.match(hint, /ctr -n k8s\.io images import images\.tar/);
  assert.match(hint, /imagePullPolicy IfNotPresent/);
  assert.match(getImagesHint(testConfig((c) => (c.imageRepository = 'mirror.example/k8s'))), /--image-repository mirror\.example\/k8s/);
});
