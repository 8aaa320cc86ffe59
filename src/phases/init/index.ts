// init's workflow: this array's order is kubeadm's order, the order of `init --help` and of
// `init phase ...`; initSchedule is how a whole `init` runs the same phases, overlapped.

import type { Phase } from '../../workflow/phase.js';
import type { Schedule } from '../../workflow/runner.js';
import { CERT_SPECS, SA_KEY } from '../../pki/cert-specs.js';
import { KUBECONFIG_SPECS } from '../../kubeconfig/specs.js';
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
 * - each static pod's manifest is written as soon as the files its component reads at start
 *   exist, fewest keys first: kube-scheduler (scheduler.conf), etcd (its CA, server and peer
 *   certificates), kube-apiserver (its certificates, front-proxy's, sa), kube-controller-manager
 *   (controller-manager.conf); a component that starts before the API server answers waits for it
 *   (kubeadm writes all four at once, before the API server answers, too). The keys are made in
 *   this order (initKeyOrder); the ones after the last manifest (etcd-healthcheck-client,
 *   admin.conf's and super-admin.conf's, first used once the API server answers) only once the
 *   kubelet has started the static pods' containers (ctx.gates.staticPods): on two cores every
 *   key made before that delays the containers (docs/fast-init.md, session 9);
 * - once the API server answers (wait-control-plane opens ctx.gates.apiServer; the phases beside
 *   it wait for that), the add-ons (the pod network first) go in while the cluster objects are
 *   written and the kubelet is finalized, and while the other components are still awaited.
 */
export const initSchedule: Schedule = [
  [['preflight']],
  [
    [
      ...['certs/ca', 'kubeconfig/kubelet'],
      ...['kubeconfig/scheduler', 'control-plane/scheduler'],
      ...['certs/etcd-ca', 'certs/etcd-server', 'certs/etcd-peer', 'etcd'],
      ...['certs/apiserver', 'certs/apiserver-kubelet-client', 'certs/front-proxy-ca', 'certs/front-proxy-client', 'certs/apiserver-etcd-client', 'certs/sa', 'control-plane/apiserver'],
      ...['kubeconfig/controller-manager', 'control-plane'],
      // after the last manifest: etcd-healthcheck-client, admin.conf, super-admin.conf
      ...['certs', 'kubeconfig'],
    ],
    ['kubelet-start'],
  ],
  [['wait-control-plane'], ['addon'], ['kubelet-finalize', 'upload-config', 'upload-certs', 'mark-control-plane', 'bootstrap-token']],
  [['show-join-command']],
];

/**
 * The keys of a whole init's certs and kubeconfig phases in the order its schedule takes them
 * (certificate names as in pki/cert-specs.ts, "kubeconfig/NAME" for a kubeconfig's client key),
 * and the ones taken after the last static pod manifest is written (`afterManifests`).
 */
export function initKeyOrder(schedule: Schedule = initSchedule): { order: string[]; afterManifests: string[] } {
  const lane = schedule.flat().find((l) => l.includes('certs/ca')) ?? [];
  const certs = [...CERT_SPECS.map((c) => c.name), SA_KEY.name];
  const kubeconfigs = KUBECONFIG_SPECS.map((k) => `kubeconfig/${k.name}`);
  const order: string[] = [];
  let lastManifest = 0;
  for (const entry of lane) {
    if (entry === 'etcd' || entry.startsWith('control-plane')) lastManifest = order.length;
    const named = entry.startsWith('certs/') ? [entry.slice('certs/'.length)] : entry.startsWith('kubeconfig/') ? [entry] : entry === 'certs' ? certs : entry === 'kubeconfig' ? kubeconfigs : [];
    for (const id of named) if (!order.includes(id)) order.push(id);
  }
  return { order, afterManifests: order.slice(lastManifest) };
}
