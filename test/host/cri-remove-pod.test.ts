// Removing a pod sandbox through a crictl stand-in on PATH (no container runtime on this
// machine): a container still starting makes `crictl rmp` fail for a moment, as containerd did
// in the lab's fault test; reset must try again rather than leave the pod behind.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tmpDir, tmpHost } from '../helpers/tmp-host.js';
import { standInTools } from '../helpers/stand-in-tools.js';
import { stopAndRemovePod } from '../../src/host/cri.js';

/** a crictl whose `rmp` fails its first FAILS calls with containerd's "starting state" error; it logs every call */
function crictlStandIn(t: Parameters<typeof tmpDir>[0], fails: number): { log: string } {
  const log = path.join(tmpDir(t, 'mk-crictl-'), 'calls');
  standInTools(t!, { crictl: `#!/bin/sh
verb=$5
echo "$verb $6" >> ${log}
if [ "$verb" = rmp ] && [ "$(grep -c '^rmp ' ${log})" -le ${fails} ]; then
  echo 'failed to set removing state for container "c1": container is in starting state, can'"'"'t be removed' >&2
  exit 1
fi
exit 0
` });
  return { log };
}

const calls = (log: string) => readFileSync(log, 'utf8').trim().split('\n');

test('a sandbox whose container is still starting is removed on a later try (stopp and rmp again)', async (t) => {
  const { log } = crictlStandIn(t, 2);
  await stopAndRemovePod(tmpHost(t), 'unix:///run/containerd/containerd.sock', 'p1', [10, 10, 10]);
  assert.deepEqual(calls(log), ['stopp p1', 'rmp p1', 'stopp p1', 'rmp p1', 'stopp p1', 'rmp p1']);
});

test('a sandbox that never goes: the runtime\'s own error, after every try', async (t) => {
  const { log } = crictlStandIn(t, 99);
  await assert.rejects(stopAndRemovePod(tmpHost(t), 'unix:///run/containerd/containerd.sock', 'p1', [10, 10]), /crictl rmp p1 failed: .*container is in starting state.*\(after 3 attempts\)/);
  assert.equal(calls(log).length, 6);
});

test('a container whose task outlives the sandbox\'s stop: removed by itself (rm --force), then the sandbox', async (t) => {
  const log = path.join(tmpDir(t, 'mk-crictl-'), 'calls');
  const ctr = 'a'.repeat(64);
  // rmp fails with containerd's "cannot delete running task" until the container itself is removed
  standInTools(t, { crictl: `#!/bin/sh
shift 4
echo "$*" >> ${log}
if [ "$1" = rmp ] && ! grep -q '^rm --force ' ${log}; then
  echo 'failed to delete containerd container "${ctr}": cannot delete running task ${ctr}: failed precondition' >&2
  exit 1
fi
exit 0
` });
  await stopAndRemovePod(tmpHost(t), 'unix:///run/containerd/containerd.sock', 'p1', [10, 10, 10]);
  assert.deepEqual(calls(log), ['stopp p1', 'rmp p1', `rm --force ${ctr}`, 'stopp p1', 'rmp p1']);
});
