// The default pod network: flannel (vxlan) from templates/addons/flannel.yaml, its
// net-conf.json carrying the cluster's pod CIDR. Image names are values so a lab or an
// air-gapped mirror can override them.

import type { InitConfig } from '../config/types.js';
import { UserError } from '../errors.js';
import type { KubeObject } from '../kube/client.js';
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

interface InitContainer {
  name: string;
  args?: string[];
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface PodVolume {
  name: string;
  hostPath?: { path: string };
  configMap?: { name: string };
}

/**
 * The CNI config flannel's install-cni init container copies onto the node: from the
 * ConfigMap mounted in it to the host's CNI config directory (`cp -f SRC DST`), read from the
 * rendered objects so it is exactly the file flannel itself would write. A whole init writes it
 * ahead of flannel (addon/cni): the node is then Ready as soon as the kubelet registers it.
 */
export function flannelNodeConfig(objects: KubeObject[]): { path: string; content: string } {
  const ds = objects.find((o) => o.kind === 'DaemonSet');
  const pod = (ds?.spec as { template?: { spec?: { initContainers?: InitContainer[]; volumes?: PodVolume[] } } } | undefined)?.template?.spec;
  const install = pod?.initContainers?.find((c) => c.name === 'install-cni');
  const [src, dst] = (install?.args ?? []).filter((a) => !a.startsWith('-'));
  const mountOf = (file: string | undefined) => install?.volumeMounts?.find((m) => file?.startsWith(m.mountPath.replace(/\/?$/, '/')));
  const from = mountOf(src), to = mountOf(dst);
  const cmName = pod?.volumes?.find((v) => v.name === from?.name)?.configMap?.name;
  const hostDir = pod?.volumes?.find((v) => v.name === to?.name)?.hostPath?.path;
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === cmName) as { data?: Record<string, string> } | undefined;
  const content = cm?.data?.[src?.slice(from!.mountPath.replace(/\/?$/, '/').length) ?? ''];
  if (!src || !dst || !from || !to || !hostDir || content === undefined) {
    throw new Error('templates/addons/flannel.yaml: the install-cni init container no longer copies a ConfigMap key into a hostPath directory (cp -f SRC DST)');
  }
  return { path: `${hostDir.replace(/\/$/, '')}/${dst.slice(to.mountPath.replace(/\/?$/, '/').length)}`, content };
}
