// kubelet-start's watch for the static pods' containers (the held-back keys start then): the
// container log files under the kubelet's pod logs directory, laid out as the kubelet and
// containerd lay them out (/var/log/pods/NAMESPACE_POD_UID/CONTAINER/N.log), on a temp rootfs.
// The lab's init runs it against a real kubelet (docs/fast-init.md, session 9).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tmpHost } from '../helpers/tmp-host.js';
import { staticPodsStarted } from '../../src/kubelet/static-pods-started.js';

const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

function containerLog(root: string, pod: string, container: string, dir = '/var/log/pods') {
  const d = path.join(root, dir, pod, container);
  mkdirSync(d, { recursive: true });
  writeFileSync(path.join(d, '0.log'), '');
}

test('true once every component has a container log file; pods of another node or namespace, or a pod directory alone, do not count', async (t) => {
  const host = tmpHost(t);
  const root = host.resolve('/');
  mkdirSync(path.join(root, '/var/log/pods/kube-system_kube-apiserver-node-a_u1/kube-apiserver'), { recursive: true }); // sandbox made, container not started
  containerLog(root, 'kube-system_kube-scheduler-node-b_u2', 'kube-scheduler'); // another node
  containerLog(root, 'default_etcd-node-a_u3', 'etcd'); // another namespace
  const opts = { components: COMPONENTS, nodeName: 'node-a', capMs: 150, everyMs: 10 };
  assert.equal(await staticPodsStarted(host, opts), false, 'none started: gives up at the cap');
  for (const c of COMPONENTS.slice(0, 3)) containerLog(root, `kube-system_${c}-node-a_u-${c}`, c);
  assert.equal(await staticPodsStarted(host, opts), false, 'three of four');
  const all = staticPodsStarted(host, { ...opts, capMs: 5000 });
  setTimeout(() => containerLog(root, 'kube-system_kube-scheduler-node-a_u9', 'kube-scheduler'), 50);
  const t0 = Date.now();
  assert.equal(await all, true);
  assert.ok(Date.now() - t0 < 4000, 'answered when the last one appeared, not at the cap');
});

test('reads the podLogsDir given; an abort ends the watch', async (t) => {
  const host = tmpHost(t);
  const root = host.resolve('/');
  containerLog(root, 'kube-system_etcd-n_u', 'etcd', '/srv/pod-logs');
  assert.equal(await staticPodsStarted(host, { components: ['etcd'], nodeName: 'n', podLogsDir: '/srv/pod-logs', capMs: 100, everyMs: 10 }), true);
  const stop = new AbortController();
  stop.abort();
  assert.equal(await staticPodsStarted(host, { components: ['etcd'], nodeName: 'n', capMs: 60_000, everyMs: 10, signal: stop.signal }), false);
});
