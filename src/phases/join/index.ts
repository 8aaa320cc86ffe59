// join's workflow. Every phase kubeadm's join has had in 1.29-1.37, in kubeadm's order (each
// minor's list is this one with some left out); which of them a minor has, and which it hides
// from --help, is versions.ts's JOIN_ROWS. `joinPhases` is the tree of the default minor, with
// the phases other minors have hidden, so that every name kubeadm took is a valid --skip-phases.

import { DEFAULT_KUBERNETES_VERSION, joinFacts } from '../../config/versions.js';
import type { Phase } from '../../workflow/phase.js';
import type { JoinContext } from './context.js';
import { preflightPhase } from './preflight.js';
import { controlPlanePreparePhase } from './control-plane-prepare.js';
import { checkEtcdPhase } from './check-etcd.js';
import { kubeletStartPhase } from './kubelet-start.js';
import { etcdJoinPhase } from './etcd-join.js';
import { kubeletWaitBootstrapPhase } from './kubelet-wait-bootstrap.js';
import { controlPlaneJoinPhase } from './control-plane-join.js';
import { waitControlPlanePhase } from './wait-control-plane.js';

/** the union of the minors' phases, in kubeadm's order */
const ALL: readonly Phase<JoinContext>[] = [
  preflightPhase,
  controlPlanePreparePhase,
  checkEtcdPhase,
  kubeletStartPhase,
  etcdJoinPhase,
  kubeletWaitBootstrapPhase,
  controlPlaneJoinPhase,
  waitControlPlanePhase,
];

/**
 * The phases of `kubeadm join` of one minor, hidden ones marked. With `keepOthers`, the phases
 * this minor lacks stay in the tree, hidden (so their names still resolve).
 */
export function joinPhasesFor(minor: number, keepOthers = false): Phase<JoinContext>[] {
  const row = joinFacts(minor);
  const pick = (phases: readonly Phase<JoinContext>[], parent: string): Phase<JoinContext>[] =>
    phases.flatMap((p) => {
      const path = parent ? `${parent}/${p.name}` : p.name;
      const entry = row.phases.find((e) => e.path === path);
      if (!entry && !keepOthers) return [];
      const placed: Phase<JoinContext> = { ...p, hidden: entry ? entry.hidden === true : true };
      if (p.children) placed.children = pick(p.children, path);
      return [placed];
    });
  return pick(ALL, '');
}

const DEFAULT_MINOR = Number(DEFAULT_KUBERNETES_VERSION.split('.')[1]);

export const joinPhases: readonly Phase<JoinContext>[] = joinPhasesFor(DEFAULT_MINOR, true);
