// reset's workflow, in order: kubeadm's three phases, then mini-kubeadm's network cleanup
// (after cleanup-node, so no kubelet or kube-proxy is left to recreate what it removes).

import type { Phase } from '../../workflow/phase.js';
import type { ResetContext } from './context.js';
import { preflightPhase } from './preflight.js';
import { removeEtcdMemberPhase } from './remove-etcd-member.js';
import { cleanupNodePhase } from './cleanup-node.js';
import { cleanupNetworkPhase } from './cleanup-network.js';

export const resetPhases: readonly Phase<ResetContext>[] = [preflightPhase, removeEtcdMemberPhase, cleanupNodePhase, cleanupNetworkPhase];
