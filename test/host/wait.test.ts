// Waiting with a deadline and a diagnosis, against real local HTTP(S) servers. The diagnosis
// test puts stand-ins for crictl, journalctl and systemctl on PATH (no container runtime or
// kubelet exists on this machine); they answer as a node whose etcd crash-loops would.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { tmpDir, tmpHost } from '../helpers/tmp-host.js';
import { testConfig } from '../helpers/test-config.js';
import { nodePaths } from '../../src/host/paths.js';
import { waitFor } from '../../src/host/wait.js';
import { TimeoutError } from '../../src/errors.js';
import { controlPlaneTargets, waitForControlPlane, waitForKubelet } from '../../src/kubelet/control-plane-wait.js';
import { parseKubeVersion } from '../../src/config/defaults.js';
import { standInTools } from '../helpers/stand-in-tools.js';

const paths = nodePaths({ certificatesDir: '/etc/kubernetes/pki', kubeconfigDir: '/etc/kubernetes' });

/**
 * A server answering 500 until `healthy()` says so (never, if undefined), then 200; it counts
 * the requests it got. Health by state, not by clock: a loaded machine polls late, never wrong.
 */
async function healthServer(t: { after: (fn: () => void) => void }, healthy: (() => boolean) | undefined, tls?: { key: string; cert: string }) {
  const seen = { requests: 0 };
  const handler: http.RequestListener = (_req, res) => {
    seen.requests++;
    const ok = healthy?.() === true;
    res.writeHead(ok ? 200 : 500).end(ok ? 'ok' : '[-]etcd failed: reason withheld\nhealthz check failed');
  };
  const srv = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  return { addr: `127.0.0.1:${(srv.address() as AddressInfo).port}`, seen };
}

const fastCfg = (ms: number) =>
  testConfig((c) => {
    c.timeouts.kubeletHealthCheckMs = ms;
    c.timeouts.controlPlaneComponentHealthCheckMs = ms;
  });

test('waitFor returns once the probe answers, and times out with the diagnosis as the hint', async () => {
  let n = 0;
  await waitFor({ what: 'three tries', probe: async () => ++n >= 3, timeoutMs: 30_000, intervalMs: 10 });
  assert.equal(n, 3);
  await assert.rejects(
    waitFor({ what: 'never', probe: async () => ({ ok: false, detail: 'HTTP 500' }), timeoutMs: 100, intervalMs: 20, diagnose: async (last) => `diagnosed after ${last}` }),
    (e: unknown) => e instanceof TimeoutError && /timed out waiting for never/.test(e.message) && e.hint === 'diagnosed after HTTP 500',
  );
});

test('the kubelet wait goes on while a real /healthz answers 500 and succeeds once it answers 200', async (t) => {
  let asked = 0;
  const { addr, seen } = await healthServer(t, () => ++asked > 3);
  const said: string[] = [];
  await waitForKubelet({ host: tmpHost(t), cfg: fastCfg(60_000), paths, say: (m) => said.push(m), intervalMs: 100 }, `http://${addr}/healthz`);
  assert.equal(seen.requests, 4, 'three 500s, then the 200 it returned on');
  assert.match(said[0]!, /waiting for a healthy kubelet at http:\/\/127\.0\.0\.1:\d+\/healthz/);
});

test('HTTPS components with self-signed certificates (openssl) are polled in parallel, unverified, as kubeadm does', async (t) => {
  const dir = tmpDir(t);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem')], { stdio: 'ignore' });
  const tls = { key: readFileSync(path.join(dir, 'k.pem'), 'utf8'), cert: readFileSync(path.join(dir, 'c.pem'), 'utf8') };
  // each turns healthy only once all three have been asked: polled one after another, the first
  // is never healthy and the wait runs out; polled together, all three turn healthy
  const servers: { addr: string; seen: { requests: number } }[] = [];
  const allAsked = () => servers.length === 3 && servers.every((x) => x.seen.requests > 0);
  servers.push(...(await Promise.all([healthServer(t, allAsked, tls), healthServer(t, allAsked, tls), healthServer(t, allAsked, tls)])));
  const [a, b, c] = servers.map((x) => x.addr);
  const targets = [
    { name: 'kube-apiserver', url: `https://${a}/livez` },
    { name: 'kube-controller-manager', url: `https://${b}/healthz` },
    { name: 'kube-scheduler', url: `https://${c}/livez` },
  ];
  const done = await waitForControlPlane({ host: tmpHost(t), cfg: fastCfg(30_000), paths, say: () => {}, intervalMs: 100 }, targets);
  assert.deepEqual([...done.keys()].sort(), ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'], 'in parallel, not one after another');
});

const CRICTL = `#!/bin/sh
# crictl stand-in: a node whose etcd container has restarted three times
for a in "$@"; do last="$a"; done
case " $* " in
  *" pods "*) echo '{"items":[
    {"id":"p1","metadata":{"name":"etcd-node-a","namespace":"kube-system"},"state":"SANDBOX_READY","createdAt":"1"},
    {"id":"p2","metadata":{"name":"kube-apiserver-node-a","namespace":"kube-system"},"state":"SANDBOX_READY","createdAt":"2"}]}' ;;
  *" ps "*) echo '{"containers":[
    {"id":"c1","podSandboxId":"p1","metadata":{"name":"etcd","attempt":3},"state":"CONTAINER_EXITED","createdAt":"5"},
    {"id":"c2","podSandboxId":"p2","metadata":{"name":"kube-apiserver","attempt":0},"state":"CONTAINER_RUNNING","createdAt":"6"}]}' ;;
  *" logs "*) [ "$last" = c1 ] && printf '%s\\n' '{"level":"info","msg":"starting etcd"}' '{"level":"fatal","msg":"failed to open data dir /var/lib/etcd: permission denied"}' ;;
esac
exit 0
`;

test('a never-healthy control plane times out with a diagnosis: kubelet state, its log, the restarting etcd and its log line', async (t) => {
  standInTools(t, {
    crictl: CRICTL,
    systemctl: '#!/bin/sh\n# systemctl stand-in: the kubelet is active\nexit 0\n',
    journalctl: '#!/bin/sh\necho "E1125 kubelet.go:2000] \\"Error getting node\\" err=\\"node \\\\\\"node-a\\\\\\" not found\\""\n',
  });

  const { addr } = await healthServer(t, undefined);
  const host = tmpHost(t);
  await host.writeFile(paths.manifest('kube-controller-manager'), 'x', 0o600);
  const err = await waitForControlPlane({ host, cfg: fastCfg(700), paths, say: () => {}, intervalMs: 100 }, [{ name: 'kube-apiserver', url: `http://${addr}/livez` }]).then(
    () => assert.fail('must time out'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof TimeoutError);
  assert.match(err.message, /kube-apiserver not healthy after 1s/);
  const hint = err.hint!;
  assert.match(hint, /HTTP 500: \[-\]etcd failed/, 'the last answer');
  assert.match(hint, /the kubelet service is active/);
  assert.match(hint, /Error getting node/, "the kubelet's log");
  assert.match(hint, /etcd: restarting \(attempt 3, now CONTAINER_EXITED\); its log says:\n.*starting etcd/);
  assert.match(hint, /kube-apiserver: running/);
  assert.match(hint, /kube-controller-manager: no pod yet \(the kubelet has not started \/etc\/kubernetes\/manifests\/kube-controller-manager\.yaml\)/);
  assert.match(hint, /kube-scheduler: no pod and no manifest/);
  assert.match(hint, /likely cause: etcd is restarting: its log says ".*failed to open data dir \/var\/lib\/etcd: permission denied.*"/);
});

const targetRows: { version: string; manifest?: string; want: string[] }[] = [
  {
    version: 'v1.37.2',
    want: ['kube-apiserver https://172.31.0.2:6443/livez', 'kube-controller-manager https://127.0.0.1:10257/healthz', 'kube-scheduler https://127.0.0.1:10259/livez'],
  },
  {
    version: 'v1.37.2',
    manifest: 'spec:\n  containers:\n  - command:\n    - kube-apiserver\n    - --advertise-address=10.0.0.5\n    - --secure-port=8443\n',
    want: ['kube-apiserver https://10.0.0.5:8443/livez', 'kube-controller-manager https://127.0.0.1:10257/healthz', 'kube-scheduler https://127.0.0.1:10259/livez'],
  },
  { version: 'v1.32.4', want: ['kube-apiserver https://172.31.0.2:6443/healthz'] },
];
for (const row of targetRows) {
  test(`${row.version}${row.manifest ? ' with flags in the manifest' : ''}: wait-control-plane polls ${row.want.length} endpoint(s)`, async (t) => {
    const host = tmpHost(t);
    if (row.manifest) await host.writeFile(paths.manifest('kube-apiserver'), row.manifest, 0o600);
    const cfg = testConfig((c) => void (c.kubernetesVersion = parseKubeVersion(row.version)!));
    assert.deepEqual((await controlPlaneTargets(host, cfg, paths)).map((x) => `${x.name} ${x.url}`), row.want);
  });
}
