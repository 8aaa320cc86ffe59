// kubeadm's ImagePull check: every image the control plane needs, looked for (imagePullPolicy
// Never) or pulled (IfNotPresent: when absent; Always: each) through the CRI socket, before
// anything is written; a failure lists every image that is not there and how to get it.

import type { ImagePullPolicy, InitConfig } from '../config/types.js';
import { factsFor } from '../config/versions.js';
import type { Host } from '../host/host.js';
import * as cri from '../host/cri.js';
import { corednsImage, kubeProxyImage } from '../addons/images.js';
import { componentSpec } from '../manifests/components.js';
import { pauseImage } from '../kubelet/flags-env.js';

/**
 * kubeadm's GetControlPlaneImages, in its order: the three control-plane components,
 * kube-proxy and CoreDNS unless their add-on is disabled, pause, and etcd when it is local.
 * Named as the manifests and add-ons name them, so the check looks for what init will run.
 */
export function controlPlaneImages(cfg: InitConfig): string[] {
  const facts = factsFor(cfg.kubernetesVersion);
  return [
    componentSpec('kube-apiserver').image(cfg, facts),
    componentSpec('kube-controller-manager').image(cfg, facts),
    componentSpec('kube-scheduler').image(cfg, facts),
    ...(cfg.proxy.disabled ? [] : [kubeProxyImage(cfg)]),
    ...(cfg.dns.disabled ? [] : [corednsImage(cfg)]),
    pauseImage(cfg),
    ...(cfg.etcd.local ? [componentSpec('etcd').image(cfg, facts)] : []),
  ];
}

/** what the check does with each image, by pull policy */
export type ImageAction = 'look' | 'pull-if-absent' | 'pull';
export const IMAGE_ACTION: Record<ImagePullPolicy, ImageAction> = {
  // kubeadm skips the check with Never; mini-kubeadm looks, so a missing image fails here, not
  // as a container the kubelet can never create (docs/differences.md)
  Never: 'look',
  IfNotPresent: 'pull-if-absent',
  Always: 'pull',
};

/** one pull may take this long (a large image on a slow line); a registry that never answers ends there */
export const PULL_TIMEOUT_MS = 180_000;

export interface ImageOutcome {
  image: string;
  /** undefined: the image is there (found or pulled) */
  problem?: string;
}

/** The runtime's answers as the check needs them; the real one is crictl through the CRI socket. */
export interface ImageRuntime {
  present(image: string): Promise<{ state: 'present' | 'absent' | 'error'; detail: string }>;
  pull(image: string): Promise<{ ok: boolean; detail: string }>;
}

export function criImageRuntime(host: Host, socket: string, pullTimeoutMs = PULL_TIMEOUT_MS): ImageRuntime {
  return {
    present: (image) => cri.imagePresent(host, socket, image),
    pull: (image) => cri.pullImage(host, socket, image, pullTimeoutMs),
  };
}

async function ensureImage(rt: ImageRuntime, image: string, action: ImageAction): Promise<ImageOutcome> {
  if (action !== 'pull') {
    const seen = await rt.present(image);
    if (seen.state === 'present') return { image };
    if (action === 'look') return { image, problem: seen.state === 'absent' ? 'not present' : `could not look for it: ${seen.detail}` };
  }
  const pulled = await rt.pull(image);
  return pulled.ok ? { image } : { image, problem: `pull failed: ${pulled.detail}` };
}

/**
 * Every image, one after another (imagePullSerial, kubeadm's default) or all at once; looked for
 * (Never) always all at once. Serially,
 * a pull that timed out stops the pulls of the rest (the registry does not answer; each would wait
 * as long): they are only looked for, so the check's time stays bounded by one pull timeout.
 */
export async function ensureImages(rt: ImageRuntime, images: readonly string[], policy: ImagePullPolicy, serial: boolean): Promise<ImageOutcome[]> {
  const action = IMAGE_ACTION[policy];
  // imagePullSerial is about pulls; looking (Never) asks the runtime for all at once
  if (!serial || action === 'look') return Promise.all(images.map((i) => ensureImage(rt, i, action)));
  const out: ImageOutcome[] = [];
  let stuck: string | undefined;
  for (const image of images) {
    // once stuck, only look (cheap): an image already there still counts as there
    const o = await ensureImage(rt, image, stuck ? 'look' : action);
    if (stuck && o.problem === 'not present') o.problem = `not pulled: ${stuck}`;
    if (o.problem && /no answer within/.test(o.problem)) stuck = `the pull of ${image} got no answer`;
    out.push(o);
  }
  return out;
}

/** The check's one error: every image that is not there, with its reason; undefined when all are. */
export function missingImagesMessage(outcomes: readonly ImageOutcome[], policy: ImagePullPolicy): string | undefined {
  const missing = outcomes.filter((o) => o.problem !== undefined);
  if (missing.length === 0) return undefined;
  const what = IMAGE_ACTION[policy] === 'look' ? 'not in the container runtime' : 'not available';
  return `${missing.length} of the ${outcomes.length} control-plane images ${missing.length === 1 ? 'is' : 'are'} ${what} (imagePullPolicy ${policy}):\n${missing.map((o) => `      ${o.image}: ${o.problem}`).join('\n')}`;
}

/** How to get the images: where a registry is reachable, or imported on an air-gapped node. */
export function getImagesHint(cfg: InitConfig): string {
  const repo = cfg.imageRepository === 'registry.k8s.io' ? '' : ` --image-repository ${cfg.imageRepository}`;
  const never = cfg.nodeRegistration.imagePullPolicy === 'Never';
  return [
    `get the images of Kubernetes ${cfg.kubernetesVersion.text} onto this node (or choose the version whose images it has: --kubernetes-version, or kubernetesVersion in the config):`,
    `      with a registry: kubeadm config images pull --kubernetes-version ${cfg.kubernetesVersion.text}${repo} (or crictl pull IMAGE for each)${never ? ', or let preflight pull them: imagePullPolicy IfNotPresent' : ''}`,
    `      air-gapped: export them where a registry is reachable (ctr -n k8s.io images export images.tar IMAGE...), copy the file here and run: ctr -n k8s.io images import images.tar`,
  ].join('\n');
}
