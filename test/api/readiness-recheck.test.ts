// The readiness re-check against a real kube-apiserver: the annotation goes onto a Running,
// not-Ready pod whose endpoint answers, and comes off again (with no field manager of ours left
// in managedFields), so the pod ends as the controllers made it. No kubelet runs here, so the
// pod never turns Ready: this checks the API side; the lab's e2e sees the kubelet's side.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startApiServer } from '../helpers/api-server.js';
import { httpKubeClient } from '../../src/kube/http-client.js';
import { awaitReadyPods, RECHECK_ANNOTATION } from '../../src/kube/readiness-recheck.js';
import { probeHealth } from '../../src/kubelet/http-probe.js';

test('readiness re-check: annotate a pod the kubelet left not Ready, then remove the annotation', { timeout: 120_000 }, async (t) => {
  const api = await startApiServer(t);
  const kubectl = (...args: string[]) => execFileSync('kubectl', ['--kubeconfig', api.adminKubeconfig, ...args], { encoding: 'utf8' });
  const srv = http.createServer((_q, r) => r.end('OK'));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  const port = (srv.address() as AddressInfo).port;

  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'coredns-test', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, annotations: { kept: 'yes' } },
    spec: {
      nodeName: 'node-without-kubelet',
      containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.14.6', ports: [{ name: 'readiness-probe', containerPort: port }], readinessProbe: { httpGet: { path: '/ready', port: 'readiness-probe', host: '127.0.0.1' }, periodSeconds: 10 } }],
    },
  };
  // no controller-manager here to make the namespace's default ServiceAccount
  kubectl('-n', 'kube-system', 'create', 'serviceaccount', 'default');
  execFileSync('kubectl', ['--kubeconfig', api.adminKubeconfig, 'create', '-f', '-'], { input: JSON.stringify(pod), encoding: 'utf8' });
  // what the kubelet would have reported: Running, its first readiness probe failed
  const status = { status: { phase: 'Running', podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }], conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'coredns', ready: false, restartCount: 0, image: pod.spec.containers[0]!.image, imageID: '', state: { running: { startedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } } }] } };
  kubectl('-n', 'kube-system', 'patch', 'pod', 'coredns-test', '--subresource=status', '--type=merge', '-p', JSON.stringify(status));

  const client = await httpKubeClient({ kubeconfig: readFileSync(api.adminKubeconfig, 'utf8'), kubeconfigPath: api.adminKubeconfig, callTimeoutMs: 20_000 });
  const seen: string[] = [];
  const annotations: Record<string, string>[] = [];
  const r = await awaitReadyPods({
    client: {
      raw: (path) => client.raw(path),
      // the annotation as the API server stored it, right after each patch
      mergePatch: async (ref, patch) => {
        const o = await client.mergePatch(ref, patch);
        annotations.push({ ...(o.metadata.annotations ?? {}) });
        return o;
      },
    },
    namespace: 'kube-system',
    selector: 'k8s-app=kube-dns',
    replicas: 1,
    timeoutMs: 2500,
    graceMs: 100,
    recheckEveryMs: 60_000,
    probe: async (url) => (await probeHealth(url, { accept: (c) => c >= 200 && c < 400 })).ok,
    onRecheck: (p) => seen.push(p),
  });
  assert.equal(r.ready, false, 'no kubelet: the pod stays not Ready');
  assert.deepEqual(seen, ['coredns-test']);
  assert.equal(annotations.length, 2, 'one patch on, one off');
  assert.ok(annotations[0]?.[RECHECK_ANNOTATION], 'the first patch sets the annotation');
  assert.deepEqual(annotations[1], { kept: 'yes' }, 'the second removes it and keeps the others');
  const after = JSON.parse(kubectl('-n', 'kube-system', 'get', 'pod', 'coredns-test', '-o', 'json')) as { metadata: { annotations?: Record<string, string>; managedFields?: { manager?: string }[] } };
  assert.deepEqual(after.metadata.annotations, { kept: 'yes' });
  assert.deepEqual((after.metadata.managedFields ?? []).filter((f) => f.manager === 'mini-kubeadm'), [], 'no field of ours is left in managedFields');
});
