// The wait for a workload's Ready pods and its re-check of a pod the kubelet probed too early.
// The kubelet is modelled (it cannot run in a unit test; the lab's e2e runs the real one): its
// first probe has been and failed, and it probes again when the pod object's metadata changes,
// as kubelet 1.37 does. The readiness endpoints are real HTTP servers on loopback, asked with
// the same probe init uses.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { awaitReadyPods, readinessUrl, readPods, RECHECK_ANNOTATION } from '../../src/kube/readiness-recheck.js';
import { probeHealth } from '../../src/kubelet/http-probe.js';

test('readinessUrl: the URL the kubelet asks, from the probe and the pod IP', () => {
  const cases: { name: string; c: Parameters<typeof readinessUrl>[0]; ip?: string; want: string | undefined }[] = [
    { name: 'numeric port', c: { readinessProbe: { httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' } } }, ip: '10.244.0.5', want: 'http://10.244.0.5:8181/ready' },
    { name: 'named port (CoreDNS 1.34+)', c: { ports: [{ name: 'readiness-probe', containerPort: 8181 }], readinessProbe: { httpGet: { path: '/ready', port: 'readiness-probe' } } }, ip: '10.244.0.5', want: 'http://10.244.0.5:8181/ready' },
    { name: 'port as a numeric string', c: { readinessProbe: { httpGet: { path: 'ready', port: '8181' } } }, ip: '10.244.0.5', want: 'http://10.244.0.5:8181/ready' },
    { name: 'HTTPS, no path', c: { readinessProbe: { httpGet: { port: 443, scheme: 'HTTPS' } } }, ip: '10.244.0.5', want: 'https://10.244.0.5:443/' },
    { name: 'host set in the probe', c: { readinessProbe: { httpGet: { host: '127.0.0.1', port: 10257, path: '/healthz' } } }, want: 'http://127.0.0.1:10257/healthz' },
    { name: 'IPv6 pod IP', c: { readinessProbe: { httpGet: { port: 8181, path: '/ready' } } }, ip: 'fd00::5', want: 'http://[fd00::5]:8181/ready' },
    { name: 'unknown named port', c: { readinessProbe: { httpGet: { port: 'nope' } } }, ip: '10.244.0.5', want: undefined },
    { name: 'no pod IP yet', c: { readinessProbe: { httpGet: { port: 8181 } } }, want: undefined },
    { name: 'exec probe', c: {}, ip: '10.244.0.5', want: undefined },
  ];
  for (const k of cases) assert.equal(readinessUrl(k.c, k.ip), k.want, k.name);
});

/** an endpoint on loopback answering `status` (or refusing, once closed) */
async function endpoint(status: number): Promise<{ url: string; close: () => Promise<void> }> {
  const srv = http.createServer((_q, r) => {
    r.statusCode = status;
    r.end(String(status));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/ready`, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

interface SimPod {
  name: string;
  phase: 'Pending' | 'Running';
  ready: boolean;
  port?: number;
  annotations: Record<string, string>;
  deleting?: boolean;
}

/** the API server's pod list, plus a kubelet that re-probes a pod when its metadata changes */
function cluster(pods: SimPod[]) {
  const patches: { pod: string; patch: unknown }[] = [];
  const kubeletProbe = async (p: SimPod) => {
    if (p.port === undefined) return;
    p.ready = (await probeHealth(`http://127.0.0.1:${p.port}/ready`, { timeoutMs: 500, accept: (c) => c >= 200 && c < 400 })).ok;
  };
  const client = {
    raw: async (path: string) => {
      assert.match(path, /^\/api\/v1\/namespaces\/kube-system\/pods\?labelSelector=k8s-app%3Dkube-dns$/);
      return JSON.stringify({
        items: pods.map((p) => ({
          metadata: { name: p.name, uid: `uid-${p.name}`, annotations: { ...p.annotations }, ...(p.deleting ? { deletionTimestamp: '2026-12-04T00:00:00Z' } : {}) },
          spec: { containers: [{ name: 'coredns', ports: [{ name: 'readiness-probe', containerPort: p.port ?? 1 }], readinessProbe: { httpGet: { path: '/ready', port: 'readiness-probe', host: '127.0.0.1' } } }] },
          status: { phase: p.phase, podIP: '127.0.0.1', conditions: [{ type: 'Ready', status: p.ready ? 'True' : 'False' }] },
        })),
      });
    },
    mergePatch: async (ref: { name: string }, patch: Record<string, unknown>) => {
      const p = pods.find((x) => x.name === ref.name);
      if (!p) throw new Error('not found');
      patches.push({ pod: ref.name, patch });
      const ann = (patch as { metadata: { annotations: Record<string, string | null> } }).metadata.annotations;
      for (const [k, v] of Object.entries(ann)) {
        if (v === null) delete p.annotations[k];
        else p.annotations[k] = v;
      }
      if (!p.ready) await kubeletProbe(p);
      return {} as never;
    },
  };
  return { client, patches };
}

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers) await c();
});

test('a Running pod whose endpoint answers but which the kubelet left not Ready is re-checked, turns Ready, and loses the annotation', async () => {
  const ok = await endpoint(200);
  closers.push(ok.close);
  const port = Number(new URL(ok.url).port);
  const pods: SimPod[] = [
    { name: 'coredns-a', phase: 'Running', ready: false, port, annotations: { other: 'kept' } },
    { name: 'coredns-b', phase: 'Running', ready: true, port, annotations: {} },
  ];
  const { client, patches } = cluster(pods);
  const told: string[] = [];
  const r = await awaitReadyPods({ client, namespace: 'kube-system', selector: 'k8s-app=kube-dns', replicas: 2, timeoutMs: 5000, intervalMs: 10, graceMs: 30, probe: async (u) => (await probeHealth(u, { accept: (c) => c < 400 })).ok, onRecheck: (p) => told.push(p) });
  assert.equal(r.ready, true);
  assert.deepEqual(r.rechecked, ['coredns-a']);
  assert.deepEqual(told, ['coredns-a']);
  // marked once, then unmarked; the Ready pod never touched; other annotations kept
  assert.deepEqual(patches.map((p) => p.pod), ['coredns-a', 'coredns-a']);
  assert.deepEqual(pods[0]?.annotations, { other: 'kept' });
  assert.equal(RECHECK_ANNOTATION in (pods[1]?.annotations ?? {}), false);
});

test('a pod whose endpoint does not answer yet is left to the kubelet: no annotation, not ready by the deadline', async () => {
  const down = await endpoint(503);
  closers.push(down.close);
  const port = Number(new URL(down.url).port);
  const pods: SimPod[] = [{ name: 'coredns-a', phase: 'Running', ready: false, port, annotations: {} }];
  const { client, patches } = cluster(pods);
  const r = await awaitReadyPods({ client, namespace: 'kube-system', selector: 'k8s-app=kube-dns', replicas: 1, timeoutMs: 200, intervalMs: 10, graceMs: 0, probe: async (u) => (await probeHealth(u)).ok });
  assert.equal(r.ready, false);
  assert.deepEqual(patches, []);
  assert.equal(r.last[0]?.running, true);
});

test('within the grace after a pod is first seen Running, the kubelet\'s own first probe is waited for', async () => {
  const ok = await endpoint(200);
  closers.push(ok.close);
  const pods: SimPod[] = [{ name: 'coredns-a', phase: 'Running', ready: false, port: Number(new URL(ok.url).port), annotations: {} }];
  const { client, patches } = cluster(pods);
  const r = await awaitReadyPods({ client, namespace: 'kube-system', selector: 'k8s-app=kube-dns', replicas: 1, timeoutMs: 150, intervalMs: 10, graceMs: 10_000, probe: async () => true });
  assert.equal(r.ready, false);
  assert.deepEqual(patches, []);
});

test('Pending and terminating pods are not asked and do not count', async () => {
  const ok = await endpoint(200);
  closers.push(ok.close);
  const port = Number(new URL(ok.url).port);
  const pods: SimPod[] = [
    { name: 'pending', phase: 'Pending', ready: false, port, annotations: {} },
    { name: 'old', phase: 'Running', ready: true, port, annotations: {}, deleting: true },
  ];
  const { client, patches } = cluster(pods);
  const r = await awaitReadyPods({ client, namespace: 'kube-system', selector: 'k8s-app=kube-dns', replicas: 1, timeoutMs: 120, intervalMs: 10, graceMs: 0, probe: async () => true });
  assert.equal(r.ready, false);
  assert.deepEqual(patches, []);
});

test('readPods reads a pod list', () => {
  const [p] = readPods(JSON.stringify({ items: [{ metadata: { name: 'x', uid: 'u', annotations: { [RECHECK_ANNOTATION]: 't' } }, spec: { containers: [{ readinessProbe: { exec: {} } }] }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }] }));
  assert.deepEqual(p, { name: 'x', uid: 'u', ready: true, running: true, deleting: false, readinessUrls: [], marked: true });
});

test('an annotation an interrupted init left comes off, on a Ready pod and on one still starting, when the wait ends', async () => {
  const pods: SimPod[] = [
    { name: 'ready-left-marked', phase: 'Running', ready: true, annotations: { [RECHECK_ANNOTATION]: 'earlier' } },
    { name: 'ready', phase: 'Running', ready: true, annotations: {} },
    { name: 'new-pending-marked', phase: 'Pending', ready: false, annotations: { [RECHECK_ANNOTATION]: 'earlier' } },
  ];
  const { client, patches } = cluster(pods);
  const r = await awaitReadyPods({ client, namespace: 'kube-system', selector: 'k8s-app=kube-dns', replicas: 2, timeoutMs: 5000, intervalMs: 10, probe: async () => true });
  assert.equal(r.ready, true);
  assert.deepEqual(r.rechecked, []);
  assert.deepEqual(patches.map((p) => p.pod).sort(), ['new-pending-marked', 'ready-left-marked']);
  for (const p of pods) assert.equal(RECHECK_ANNOTATION in p.annotations, false, p.name);
});
