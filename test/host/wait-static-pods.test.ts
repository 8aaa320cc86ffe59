// The control-plane wait's decision to keep waiting or to fail, against a local server as the
// kubelet's health endpoint and the component endpoints, and stand-ins for crictl and
// journalctl (no container runtime runs on this machine) that answer with the runtime states a
// real node goes through: the JSON shapes are crictl's (`pods -o json`, `ps -a -o json`,
// `inspect -o json`), the log lines those the kubelet and the components write. The stand-ins
// read their answers from files the test changes while the wait runs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { tmpDir, tmpHost } from '../helpers/tmp-host.js';
import { testConfig } from '../helpers/test-config.js';
import { nodePaths } from '../../src/host/paths.js';
import { MkError, TimeoutError } from '../../src/errors.js';
import { staticPodProgress, waitForControlPlane } from '../../src/kubelet/control-plane-wait.js';
import { standInTools } from '../helpers/stand-in-tools.js';

const paths = nodePaths({ certificatesDir: '/etc/kubernetes/pki', kubeconfigDir: '/etc/kubernetes' });

/** A node's runtime as crictl shows it: the answers live in files, so a test can move the state on. */
class Runtime {
  constructor(readonly dir: string) {}
  pods(p: { id: string; name: string }[]) {
    writeFileSync(path.join(this.dir, 'pods.json'), JSON.stringify({ items: p.map((x, i) => ({ id: x.id, metadata: { name: x.name, namespace: 'kube-system', attempt: 0 }, state: 'SANDBOX_READY', createdAt: String(1e18 + i) })) }));
  }
  containers(c: { id: string; pod: string; name: string; attempt: number; state: 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_CREATED'; exitCode?: number; log?: string }[]) {
    writeFileSync(path.join(this.dir, 'ps.json'), JSON.stringify({ containers: c.map((x, i) => ({ id: x.id, podSandboxId: x.pod, metadata: { name: x.name, attempt: x.attempt }, state: x.state, createdAt: String(2e18 + i) })) }));
    for (const x of c) {
      writeFileSync(path.join(this.dir, `inspect-${x.id}`), JSON.stringify({ status: { id: x.id, state: x.state, exitCode: x.exitCode ?? 0, reason: x.state === 'CONTAINER_EXITED' ? (x.exitCode ? 'Error' : 'Completed') : '' } }));
      writeFileSync(path.join(this.dir, `logs-${x.id}`), x.log ?? '');
    }
  }
  kubeletLog(text: string) {
    writeFileSync(path.join(this.dir, 'kubelet.log'), text);
  }
}

/** crictl, journalctl and systemctl stand-ins on PATH, reading a Runtime's files. */
function standIns(t: { after: (fn: () => void) => void }): Runtime {
  const state = tmpDir(t as never, 'mk-crictl-');
  const tools: Record<string, string> = {
    crictl: `#!/bin/sh
# crictl stand-in: answers from ${state}
for a in "$@"; do last="$a"; done
case " $* " in
  *" pods "*) cat "${state}/pods.json" 2>/dev/null || echo '{"items":[]}' ;;
  *" ps "*) cat "${state}/ps.json" 2>/dev/null || echo '{"containers":[]}' ;;
  *" inspect "*) cat "${state}/inspect-$last" ;;
  *" logs "*) cat "${state}/logs-$last" ;;
esac
exit 0
`,
    journalctl: `#!/bin/sh\ncat "${state}/kubelet.log" 2>/dev/null\n`,
    systemctl: '#!/bin/sh\n# systemctl stand-in: the kubelet is active\nexit 0\n',
  };
  standInTools(t, tools);
  return new Runtime(state);
}

/** An HTTP server answering 200 while `healthy()` says so, else 500 (or nothing: closed). */
async function server(t: { after: (fn: () => void) => void }, healthy: () => boolean): Promise<{ url: string; close: () => void }> {
  const srv = http.createServer((_req, res) => void res.writeHead(healthy() ? 200 : 500).end(healthy() ? 'ok' : 'not ready'));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, close: () => srv.close() };
}

/** a config whose kubelet health endpoint is this local server, with short waits */
function cfgWithKubelet(kubeletUrl: string, waitMs: number) {
  const u = new URL(kubeletUrl);
  return testConfig((c) => {
    c.kubeletConfiguration = { ...(c.kubeletConfiguration ?? {}), healthzBindAddress: u.hostname, healthzPort: Number(u.port) };
    c.timeouts.controlPlaneComponentHealthCheckMs = waitMs;
    c.timeouts.kubeletHealthCheckMs = waitMs;
  });
}

const UNKNOWN_FLAG = 'Error: unknown flag: --no-such-flag\nUsage:\n  kube-apiserver [flags]';
const ALL_PODS = [
  { id: 'p-etcd', name: 'etcd-node-a' },
  { id: 'p-api', name: 'kube-apiserver-node-a' },
  { id: 'p-kcm', name: 'kube-controller-manager-node-a' },
  { id: 'p-sched', name: 'kube-scheduler-node-a' },
];
const others = [
  { id: 'c-etcd', pod: 'p-etcd', name: 'etcd', attempt: 0, state: 'CONTAINER_RUNNING' as const },
  { id: 'c-kcm', pod: 'p-kcm', name: 'kube-controller-manager', attempt: 0, state: 'CONTAINER_RUNNING' as const },
  { id: 'c-sched', pod: 'p-sched', name: 'kube-scheduler', attempt: 0, state: 'CONTAINER_RUNNING' as const },
];

test('an API server that keeps exiting with an unknown flag fails the wait at once: component, exit code, its own error, what to change', async (t) => {
  const rt = standIns(t);
  const kubelet = await server(t, () => true);
  const api = await server(t, () => false);
  rt.pods(ALL_PODS);
  // first exit: a start-up race is still possible, the wait goes on
  rt.containers([...others, { id: 'c-api-0', pod: 'p-api', name: 'kube-apiserver', attempt: 0, state: 'CONTAINER_EXITED', exitCode: 1, log: UNKNOWN_FLAG }]);
  const said: string[] = [];
  const waiting = waitForControlPlane(
    { host: tmpHost(t), cfg: cfgWithKubelet(`${kubelet.url}/healthz`, 30_000), paths, say: (m) => said.push(m), intervalMs: 50, watchMs: { first: 100, every: 100 } },
    [{ name: 'kube-apiserver', url: `${api.url}/livez` }],
  ).then(
    () => assert.fail('must fail'),
    (e: unknown) => e,
  );
  let settled = false;
  void waiting.finally(() => (settled = true));
  await new Promise((r) => setTimeout(r, 600));
  // one exit is not a crash loop, however many polls a fast machine made meanwhile
  assert.equal(settled, false, 'it waits while the API server has exited only once');
  // the kubelet restarts it after its back-off; the same exit again
  rt.containers([...others, { id: 'c-api-0', pod: 'p-api', name: 'kube-apiserver', attempt: 0, state: 'CONTAINER_EXITED', exitCode: 1, log: UNKNOWN_FLAG }, { id: 'c-api-1', pod: 'p-api', name: 'kube-apiserver', attempt: 1, state: 'CONTAINER_EXITED', exitCode: 1, log: UNKNOWN_FLAG }]);
  const err = await waiting;
  // not at the 30 s deadline: the error is the crash loop's, not a timeout
  assert.ok(err instanceof MkError && !(err instanceof TimeoutError), String(err));
  assert.equal(err.code, 'STATIC_POD_CRASH_LOOP');
  assert.match(err.message, /^kube-apiserver cannot start: its container exited 2 times the same way \(exit code 1, Error\)/);
  assert.match(err.hint!, /unknown flag: --no-such-flag/);
  assert.match(err.hint!, /\/etc\/kubernetes\/manifests\/kube-apiserver\.yaml, made from apiServer \(extraArgs, extraVolumes, image\)/);
  assert.match(err.hint!, /mini-kubeadm reset -f/);
});

test('two different exits are not yet a crash loop; a restart whose first attempt is gone is', async (t) => {
  const rt = standIns(t);
  const kubelet = await server(t, () => true);
  const api = await server(t, () => false);
  rt.pods(ALL_PODS);
  rt.containers([...others, { id: 'a0', pod: 'p-api', name: 'kube-apiserver', attempt: 0, state: 'CONTAINER_EXITED', exitCode: 2 }, { id: 'a1', pod: 'p-api', name: 'kube-apiserver', attempt: 1, state: 'CONTAINER_EXITED', exitCode: 1 }]);
  const waiting = waitForControlPlane(
    { host: tmpHost(t), cfg: cfgWithKubelet(`${kubelet.url}/healthz`, 30_000), paths, say: () => {}, intervalMs: 50, watchMs: { first: 50, every: 100 } },
    [{ name: 'kube-apiserver', url: `${api.url}/livez` }],
  ).then(
    () => assert.fail('must fail'),
    (e: unknown) => e,
  );
  let settled = false;
  void waiting.then(() => (settled = true));
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(settled, false, 'exit codes 2 then 1: still waiting');
  // the kubelet removed attempt 0; attempt 2 exited after a restart
  rt.containers([...others, { id: 'a2', pod: 'p-api', name: 'kube-apiserver', attempt: 2, state: 'CONTAINER_EXITED', exitCode: 1 }]);
  const err = await waiting;
  assert.ok(err instanceof MkError);
  assert.equal(err.code, 'STATIC_POD_CRASH_LOOP');
  assert.match(err.message, /kube-apiserver cannot start: its container exited 3 times/);
  assert.match(err.hint!, /it wrote no log lines/);
});

test('etcd that keeps exiting is named before the API server that fails because of it', async (t) => {
  const rt = standIns(t);
  const kubelet = await server(t, () => true);
  const api = await server(t, () => false);
  rt.pods(ALL_PODS);
  const etcdLog = '{"level":"fatal","msg":"unknown flag: --no-such-flag"}';
  rt.containers([
    { id: 'e0', pod: 'p-etcd', name: 'etcd', attempt: 0, state: 'CONTAINER_EXITED', exitCode: 1, log: etcdLog },
    { id: 'e1', pod: 'p-etcd', name: 'etcd', attempt: 1, state: 'CONTAINER_EXITED', exitCode: 1, log: etcdLog },
    { id: 'x0', pod: 'p-api', name: 'kube-apiserver', attempt: 0, state: 'CONTAINER_EXITED', exitCode: 1 },
    { id: 'x1', pod: 'p-api', name: 'kube-apiserver', attempt: 1, state: 'CONTAINER_EXITED', exitCode: 1 },
  ]);
  const err = await waitForControlPlane(
    { host: tmpHost(t), cfg: cfgWithKubelet(`${kubelet.url}/healthz`, 30_000), paths, say: () => {}, intervalMs: 50, watchMs: { first: 50, every: 100 } },
    [{ name: 'kube-apiserver', url: `${api.url}/livez` }],
  ).then(
    () => assert.fail('must fail'),
    (e: unknown) => e as MkError,
  );
  assert.match(err.message, /^etcd cannot start/);
  assert.match(err.hint!, /made from etcd\.local/);
  assert.match(err.hint!, /unknown flag: --no-such-flag/);
});

const PULL_FAILED =
  'E1205 05:01:02.123456     812 pod_workers.go:1301] "Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"kube-apiserver\\" with ErrImagePull: \\"rpc error: code = NotFound desc = failed to pull and unpack image \\\\\\"registry.k8s.io/kube-apiserver:v1.36.3\\\\\\": no such host\\"" pod="kube-system/kube-apiserver-node-a" podUID="0b3c"';

test('past the deadline: a pod being created extends the wait, until the kubelet says it cannot pull its image', async (t) => {
  const rt = standIns(t);
  const kubelet = await server(t, () => true);
  rt.pods(ALL_PODS);
  rt.containers(others);
  const d = { host: tmpHost(t), cfg: cfgWithKubelet(`${kubelet.url}/healthz`, 1000), paths };
  assert.match((await staticPodProgress(d, 'kube-apiserver')) ?? '', /is creating kube-apiserver's container/);
  rt.kubeletLog(`I1205 05:01:00.000000     812 kubelet.go:2400] "SyncLoop ADD" source="file" pods=["kube-system/kube-apiserver-node-a"]\n${PULL_FAILED}\n`);
  assert.equal(await staticPodProgress(d, 'kube-apiserver'), undefined, 'no further extension once the pull failed');
  // and the whole wait ends at its deadline with the kubelet's reason in the diagnosis
  const api = await server(t, () => false);
  const said: string[] = [];
  const err = await waitForControlPlane({ ...d, say: (m) => said.push(m), intervalMs: 50, watchMs: { first: 50, every: 100 } }, [{ name: 'kube-apiserver', url: `${api.url}/livez` }]).then(
    () => assert.fail('must fail'),
    (e: unknown) => e as TimeoutError,
  );
  // every extension is announced ("still waiting for ..."): none means one deadline
  assert.deepEqual(said.filter((m) => /still waiting/.test(m)), [], 'one deadline, not extended');
  assert.ok(err instanceof TimeoutError);
  assert.match(err.hint!, /the kubelet cannot make kube-apiserver's pod: failed to "StartContainer" for "kube-apiserver" with ErrImagePull: .*registry\.k8s\.io\/kube-apiserver:v1\.36\.3/);
});

test('past the deadline: a running pod extends the wait while the kubelet answers; a dead kubelet ends it', async (t) => {
  const rt = standIns(t);
  rt.pods(ALL_PODS);
  let kubeletUp = true;
  const kubelet = await server(t, () => kubeletUp);
  rt.containers([...others, { id: 'r0', pod: 'p-api', name: 'kube-apiserver', attempt: 0, state: 'CONTAINER_RUNNING' }]);
  const d = { host: tmpHost(t), cfg: cfgWithKubelet(`${kubelet.url}/healthz`, 300), paths };
  assert.match((await staticPodProgress(d, 'kube-apiserver')) ?? '', /kube-apiserver runs without a restart and is still starting/);
  const api = await server(t, () => false);
  const said: string[] = [];
  const waiting = waitForControlPlane({ ...d, say: (m) => said.push(m), intervalMs: 50, watchMs: { first: 50, every: 100 } }, [{ name: 'kube-apiserver', url: `${api.url}/livez` }]).then(
    () => assert.fail('must fail'),
    (e: unknown) => e,
  );
  let settled = false;
  void waiting.finally(() => (settled = true));
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(settled, false, 'past its 300 ms deadline, the wait goes on while the kubelet answers');
  kubeletUp = false;
  const err = await waiting;
  assert.ok(err instanceof TimeoutError, String(err));
  assert.ok(said.some((m) => /still waiting for kube-apiserver .*runs without a restart/.test(m)), said.join('\n'));
});

test("a crash loop's hint shows the error line even when a long usage text follows it (etcd prints its flag error first)", async (t) => {
  const rt = standIns(t);
  const kubelet = await server(t, () => true);
  const api = await server(t, () => false);
  rt.pods(ALL_PODS);
  const usage = Array.from({ length: 60 }, (_, i) => `  --option-${i} value    what option ${i} does`).join('\n');
  const etcdLog = `flag provided but not defined: -no-such-flag\nUsage:\n\n  etcd [flags]\n${usage}\n`;
  rt.containers([
    { id: 'e0', pod: 'p-etcd', name: 'etcd', attempt: 0, state: 'CONTAINER_EXITED', exitCode: 2, log: etcdLog },
    { id: 'e1', pod: 'p-etcd', name: 'etcd', attempt: 1, state: 'CONTAINER_EXITED', exitCode: 2, log: etcdLog },
  ]);
  const err = await waitForControlPlane(
    { host: tmpHost(t), cfg: cfgWithKubelet(`${kubelet.url}/healthz`, 30_000), paths, say: () => {}, intervalMs: 50, watchMs: { first: 50, every: 100 } },
    [{ name: 'kube-apiserver', url: `${api.url}/livez` }],
  ).then(
    () => assert.fail('must fail'),
    (e: unknown) => e as MkError,
  );
  assert.match(err.message, /^etcd cannot start: .*exit code 2/);
  assert.match(err.hint!, /flag provided but not defined: -no-such-flag\n    \.\.\.\n.*--option-55/);
  assert.doesNotMatch(err.hint!, /--option-10 /, 'not the whole usage text');
});
