// init's workflow: this array's order is kubeadm's order, the order of `init --help` and of
// `init phase ...`; initSchedule is how a whole `init` runs the same phases, overlapped.

import type { Phase } from '../../workflow/phase.js';
import type { Schedule } from '../../workflow/runner.js';
import type { InitContext } from '../context.js';
import { preflightPhase } from './preflight.js';
import { certsPhase } from './certs.js';
import { kubeconfigPhase } from './kubeconfig.js';
import { etcdPhase } from './etcd.js';
import { controlPlanePhase } from './control-plane.js';
import { kubeletStartPhase } from './kubelet-start.js';
import { waitControlPlanePhase } from './wait-control-plane.js';
import { uploadConfigPhase } from './upload-config.js';
import { uploadCertsPhase } from './upload-certs.js';
import { markControlPlanePhase } from './mark-control-plane.js';
import { bootstrapTokenPhase } from './bootstrap-token.js';
import { kubeletFinalizePhase } from './kubelet-finalize.js';
import { addonPhase } from './addon.js';
import { showJoinCommandPhase } from './show-join-command.js';

export const initPhases: readonly Phase<InitContext>[] = [
  preflightPhase,
  certsPhase,
  kubeconfigPhase,
  etcdPhase,
  controlPlanePhase,
  kubeletStartPhase,
  waitControlPlanePhase,
  uploadConfigPhase,
  uploadCertsPhase,
  markControlPlanePhase,
  bootstrapTokenPhase,
  kubeletFinalizePhase,
  addonPhase,
  showJoinCommandPhase,
];

/**
 * A whole `init`: the same phases, each reporting its start and end, overlapped where they do
 * not depend on each other (docs/fast-init.md, README "The bootstrap"):
 * - the CA, then kubelet.conf, come first: kubelet-start, beside them, stops the kubelet and
 *   writes its files meanwhile, then starts it on kubeadm's files as soon as kubelet.conf exists
 *   (ctx.gates.kubeletConf), while the other certificates are made; it runs each static pod as
 *   its manifest appears and registers the Node as soon as the API server takes requests;
 * - the etcd and kube-apiserver manifests are written as soon as the certificates exist, before
 *   the kubeconfigs; the controller-manager's and scheduler's kubeconfigs, then their manifests,
 *   come next, and admin.conf and super-admin.conf last (first used once the API server answers);
 * - once the API server answers (wait-control-plane opens ctx.gates.apiServer; the phases beside
 *   it wait for that), the add-ons (the pod network first) go in while the cluster objects are
 *   written and the kubelet is finalized, and while the other components are still awaited.
 */
export const initSchedule: Schedule = [
  [['preflight']],
  [['certs/ca', 'kubeconfig/kubelet', 'certs', 'etcd', 'control-plane/apiserver', 'kubeconfig/controller-manager', 'kubeconfig/scheduler', 'control-plane', 'kubeconfig'], ['kubelet-start']],
  [['wait-control-plane'], ['addon'], ['kubelet-finalize', 'upload-config', 'upload-certs', 'mark-control-plane', 'bootstrap-token']],
  [['show-join-command']],
];
