// reset's workflow, in order: kubeadm's three phases, then mini-kubeadm's network cleanup.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import type { ResetContext } from './context.js';

const C = ['config', 'dry-run', 'rootfs'] as const;

export const resetPhases: readonly Phase<ResetContext>[] = [
  { name: 'preflight', short: 'Run reset pre-flight checks', flags: [...C, 'force', 'ignore-preflight-errors'], run: async () => { throw new NotImplementedError('phase reset/preflight'); } },
  { name: 'remove-etcd-member', short: 'Remove a local etcd member.', flags: [...C, 'kubeconfig-dir'], run: async () => { throw new NotImplementedError('phase reset/remove-etcd-member'); } },
  { name: 'cleanup-node', short: 'Run cleanup node.', flags: [...C, 'cert-dir', 'cri-socket', 'cleanup-tmp-dir'], run: async () => { throw new NotImplementedError('phase reset/cleanup-node'); } },
];
