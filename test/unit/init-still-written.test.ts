// After a failed init: what it wrote and did not remove again decides whether init says that
// files stay in place (an undone early kubelet start leaves nothing).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stillWritten } from '../../src/commands/init.js';
import type { HostAction } from '../../src/host/host.js';

const w = (path: string): HostAction => ({ kind: 'write', path, mode: 0o644, bytes: 1, content: 'x' });
const CASES: { name: string; actions: HostAction[]; left: string[] }[] = [
  { name: 'nothing written', actions: [{ kind: 'run', command: 'systemctl', args: ['stop', 'kubelet'] }], left: [] },
  { name: 'written and removed one by one', actions: [w('/var/lib/kubelet/config.yaml'), { kind: 'remove', path: '/var/lib/kubelet/config.yaml' }], left: [] },
  {
    name: 'a directory made, then removed with what is in it',
    actions: [{ kind: 'mkdir', path: '/var/lib/kubelet', mode: 0o700 }, w('/var/lib/kubelet/config.yaml'), { kind: 'symlink', path: '/var/lib/kubelet/pki/x', target: 'y' }, { kind: 'remove', path: '/var/lib/kubelet' }],
    left: [],
  },
  { name: 'a sibling with a common prefix stays', actions: [w('/var/lib/kubelet2/a'), { kind: 'remove', path: '/var/lib/kubelet' }], left: ['/var/lib/kubelet2/a'] },
  { name: 'certificates left', actions: [w('/etc/kubernetes/pki/ca.crt'), w('/var/lib/kubelet/config.yaml'), { kind: 'remove', path: '/var/lib/kubelet/config.yaml' }], left: ['/etc/kubernetes/pki/ca.crt'] },
];
for (const c of CASES) test(`stillWritten: ${c.name}`, () => assert.deepEqual(stillWritten(c.actions), c.left));
