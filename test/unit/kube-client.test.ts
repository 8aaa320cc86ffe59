// The API client's contract on a stand-in HTTPS server (a real kube-apiserver is in
// test/api/): transient answers (503, 429, connection refused) are retried until the call's
// deadline, a 404 read is "absent", other refusals become errors that say what to do.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { httpKubeClient } from '../../src/kube/http-client.js';
import { HostError, TimeoutError } from '../../src/errors.js';
import { tmpDir } from '../helpers/tmp-host.js';

function kubeconfig(server: string, caPem: string): string {
  return `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}\n    server: ${server}\n  name: c\ncontexts:\n- context:\n    cluster: c\n    user: u\n  name: u@c\ncurrent-context: u@c\nusers:\n- name: u\n  user:\n    token: t\n`;
}

/** an HTTPS server on 127.0.0.1 answering from a script of [status, body] per request */
async function standIn(t: TestContext, answers: Array<[number, unknown]>): Promise<{ url: string; ca: string; hits: string[] }> {
  const dir = tmpDir(t);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir, stdio: 'ignore' });
  const ca = readFileSync(path.join(dir, 'c.pem'), 'utf8');
  const hits: string[] = [];
  const server = https.createServer({ key: readFileSync(path.join(dir, 'k.pem')), cert: ca }, (req, res) => {
    hits.push(`${req.method} ${req.url}`);
    const [status, body] = answers[Math.min(hits.length - 1, answers.length - 1)]!;
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`, ca, hits };
}

const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'kube-system', resourceVersion: '7' } };
const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'kube-system' };

const cases: { name: string; answers: Array<[number, unknown]>; check: (c: Awaited<ReturnType<typeof httpKubeClient>>, hits: string[]) => Promise<void> }[] = [
  {
    name: '503 and 429 are retried until the object comes',
    answers: [[503, { reason: 'ServiceUnavailable', message: 'etcd not ready' }], [429, { reason: 'TooManyRequests' }], [200, cm]],
    check: async (c, hits) => {
      assert.equal((await c.get(ref))?.metadata.resourceVersion, '7');
      assert.deepEqual(hits, Array(3).fill('GET /api/v1/namespaces/kube-system/configmaps/x'));
    },
  },
  { name: 'a 404 read means absent', answers: [[404, { reason: 'NotFound' }]], check: async (c) => assert.equal(await c.get(ref), undefined) },
  {
    name: 'apply is a server-side apply by mini-kubeadm, and says created',
    answers: [[404, {}], [201, cm]],
    check: async (c, hits) => {
      assert.equal((await c.apply(cm)).action, 'created');
      assert.equal(hits[1], 'PATCH /api/v1/namespaces/kube-system/configmaps/x?fieldManager=mini-kubeadm&force=true');
    },
  },
  {
    name: 'an invalid object is refused at once, naming it, with a hint',
    answers: [[404, {}], [422, { reason: 'Invalid', message: 'data: Invalid value' }]],
    check: async (c, hits) => {
      await assert.rejects(c.apply(cm), (e: unknown) => e instanceof HostError && /ConfigMap kube-system\/x: data: Invalid value/.test(e.message) && /invalid/.test(e.hint ?? ''));
      assert.equal(hits.length, 2);
    },
  },
  {
    name: 'a 403 create is reported as forbidden, a 409 as existing',
    answers: [[403, { reason: 'Forbidden' }], [409, { reason: 'AlreadyExists' }]],
    check: async (c) => {
      assert.equal(await c.create(cm), 'forbidden');
      assert.equal(await c.create(cm), 'exists');
    },
  },
];

for (const k of cases) {
  test(`client: ${k.name}`, async (t) => {
    const s = await standIn(t, k.answers);
    const c = await httpKubeClient({ kubeconfig: kubeconfig(s.url, s.ca), kubeconfigPath: '/etc/kubernetes/admin.conf', callTimeoutMs: 10_000 });
    await k.check(c, s.hits);
  });
}

test('client: a server that never answers ends at the deadline with the last error and what to check', async () => {
  const port = await new Promise<number>((r) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => r(p));
    });
  });
  const c = await httpKubeClient({ kubeconfig: kubeconfig(`https://127.0.0.1:${port}`, 'x'), kubeconfigPath: '/etc/kubernetes/admin.conf', callTimeoutMs: 1200 });
  const started = Date.now();
  await assert.rejects(c.get(ref), (e: unknown) => e instanceof TimeoutError && /ECONNREFUSED/.test(e.hint ?? '') && /kube-apiserver/.test(e.hint ?? ''));
  assert.ok(Date.now() - started < 5000);
});
