// What an earlier init of the same cluster left on this node, so that running init again after
// it was interrupted (killed, a failed phase, a lost SSH session) carries on instead of refusing
// until a reset, as kubeadm does. "Same" is strict: a control-plane manifest counts only when it
// is byte-identical to what this init is about to write and the cluster CA is in place, so a node
// that runs another cluster, or this one with another configuration, still fails preflight.

import type { InitConfig } from '../config/types.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import * as systemd from '../host/systemd.js';
import type { TemplateName } from '../manifests/render.js';

export interface EarlierInit {
  /** components whose manifest on disk is exactly what this init writes (and the CA exists) */
  sameManifests: ReadonlySet<TemplateName>;
  /** the kubelet runs, and an earlier init of this cluster configured it */
  kubeletOfThisCluster: boolean;
}

export const NO_EARLIER_INIT: EarlierInit = { sameManifests: new Set(), kubeletOfThisCluster: false };

const COMPONENTS: readonly TemplateName[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

export async function findEarlierInit(host: Host, cfg: InitConfig, paths: Paths): Promise<EarlierInit> {
  if (!(await host.exists(paths.pki('ca.crt')))) return NO_EARLIER_INIT;
  const onDisk = await Promise.all(COMPONENTS.map(async (c) => [c, await host.readText(paths.manifest(c))] as const));
  const present = onDisk.filter(([c, text]) => text !== undefined && (c !== 'etcd' || cfg.etcd.local));
  const same = new Set<TemplateName>();
  if (present.length > 0) {
    const [{ factsFor }, { readNodeFacts, buildManifest }] = await Promise.all([import('../config/versions.js'), import('../manifests/static-pod.js')]);
    const facts = factsFor(cfg.kubernetesVersion);
    const node = await readNodeFacts(host, cfg, facts, process.env);
    await Promise.all(
      present.map(async ([c, text]) => {
        try {
          if ((await buildManifest(c, cfg, node, facts)).text === text) same.add(c);
        } catch {
          // a configuration that cannot render fails later, in its own phase, with its own message
        }
      }),
    );
  }
  // a whole init starts the kubelet as soon as kubelet.conf exists, before any manifest: its
  // kubelet.conf, for this node and signed by this CA, says whose kubelet it is
  const ours = same.size > 0 || (await kubeletConfOfThisCluster(host, cfg, paths));
  const kubeletOfThisCluster = ours && (await host.exists(paths.kubeletConfigFile)) && (await systemd.isActive(host, 'kubelet'));
  if (same.size === 0 && !kubeletOfThisCluster) return NO_EARLIER_INIT;
  return { sameManifests: same, kubeletOfThisCluster };
}

/** kubelet.conf's current context is this node's user, on a cluster with this node's CA */
async function kubeletConfOfThisCluster(host: Host, cfg: InitConfig, paths: Paths): Promise<boolean> {
  const ca = await host.readText(paths.pki('ca.crt'));
  if (ca === undefined) return false;
  const { readKubeletUser } = await import('../kubelet/cert-rotation.js');
  // a missing or broken kubelet.conf is no earlier init's: its own phase says what is wrong
  const read = await readKubeletUser(host, paths).catch(() => undefined);
  if (!read || read.user.name !== `system:node:${cfg.nodeRegistration.name}`) return false;
  const clusterName = read.kc.contexts?.find((c) => c.name === read.kc['current-context'])?.context?.cluster;
  const caData = read.kc.clusters?.find((c) => c.name === clusterName)?.cluster?.['certificate-authority-data'];
  const flat = (pem: string) => pem.replace(/\s+/g, '');
  return typeof caData === 'string' && flat(Buffer.from(caData, 'base64').toString('utf8')) === flat(ca);
}
