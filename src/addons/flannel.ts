// The default pod network: flannel (vxlan) from templates/addons/flannel.yaml, its
// net-conf.json carrying the cluster's pod CIDR. Image names are values so a lab or an
// air-gapped mirror can override them.

import type { InitConfig } from '../config/types.js';
import { UserError } from '../errors.js';
import type { KubeObject } from '../kube/client.js';
import { installCniCopy, type CniConfigFile, type PodSpecLike } from './cni-ahead.js';
import { renderManifests } from './render.js';
import { readAddonTemplate } from './template-file.js';

export const FLANNEL_VERSION = 'v0.28.10';

/** flanneld writes it once this node has its subnet; the flannel CNI plugin reads it for every pod */
export const FLANNEL_SUBNET_FILE = '/run/flannel/subnet.env';

export interface FlannelImages {
  flannelImage: string;
  cniPluginImage: string;
}

/**
 * The names the lab imports (test/e2e/lab-versions.env IMG_FLANNEL, IMG_FLANNEL_CNI); upstream's
 * manifest uses ghcr.io/flannel-io/flannel:v0.28.10 and ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3.
 */
export const DEFAULT_FLANNEL_IMAGES: FlannelImages = {
  flannelImage: `docker.io/flannel/flannel:${FLANNEL_VERSION}`,
  cniPluginImage: 'docker.io/flannel/flannel-cni-plugin:v0.9.1-lab',
};

export async function flannelObjects(cfg: Pick<InitConfig, 'networking'>, images: FlannelImages = DEFAULT_FLANNEL_IMAGES): Promise<KubeObject[]> {
  const podCIDR = cfg.networking.podSubnet.split(',')[0]!.trim();
  if (podCIDR === '') {
    throw new UserError('FLANNEL_NEEDS_POD_CIDR', 'flannel needs a pod network CIDR, and none is configured', 'give --pod-network-cidr 10.244.0.0/16 (or networking.podSubnet), or choose another network with --cni none / --cni FILE');
  }
  return renderManifests('flannel.yaml', await readAddonTemplate('flannel.yaml'), { podCIDR, ...images });
}

/**
 * The CNI config flannel's install-cni init container copies onto the node (from the ConfigMap
 * mounted in it to the host's CNI config directory), read from the rendered objects so it is
 * exactly the file flannel itself would write; a whole init writes it ahead of flannel
 * (src/addons/cni-ahead.ts).
 */
export function flannelNodeConfig(objects: KubeObject[]): CniConfigFile {
  const ds = objects.find((o) => o.kind === 'DaemonSet');
  const copy = installCniCopy((ds?.spec as { template?: { spec?: PodSpecLike } } | undefined)?.template?.spec);
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === copy?.configMap) as { data?: Record<string, string> } | undefined;
  const content = copy ? cm?.data?.[copy.key] : undefined;
  if (!copy || content === undefined) {
    throw new Error('templates/addons/flannel.yaml: the install-cni init container no longer copies a ConfigMap key into a hostPath directory (cp -f SRC DST)');
  }
  return { path: copy.path, content };
}
