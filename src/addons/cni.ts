// The pod network add-on chosen with --cni: flannel (default), none, or the user's own
// manifest file (read from the node, under --rootfs, and parsed before anything is applied).

import type { InitConfig } from '../config/types.js';
import { UserError } from '../errors.js';
import type { Host } from '../host/host.js';
import type { KubeObject } from '../kube/client.js';
import { FLANNEL_SUBNET_FILE, flannelNodeConfig, flannelObjects } from './flannel.js';
import { parseManifests } from './render.js';

export interface CniPlan {
  /** what is installed, for the report */
  name: string;
  objects: KubeObject[];
  /**
   * the file the network's agent writes on this node once pods can get an address (flannel's
   * subnet.env: its CNI plugin fails every pod sandbox until then); unknown for a user's manifest
   */
  readyFile?: string;
  /**
   * the CNI config the network's agent copies onto this node (flannel's install-cni), which makes
   * the node Ready; a whole init writes it ahead (addon/cni says why); unknown for a user's manifest
   */
  nodeConfig?: { path: string; content: string };
}

/** undefined with --cni none */
export async function cniPlan(cfg: Pick<InitConfig, 'cni' | 'networking'>, host: Pick<Host, 'readText'>): Promise<CniPlan | undefined> {
  switch (cfg.cni.kind) {
    case 'none':
      return undefined;
    case 'flannel': {
      const objects = await flannelObjects(cfg);
      return { name: 'flannel', objects, readyFile: FLANNEL_SUBNET_FILE, nodeConfig: flannelNodeConfig(objects) };
    }
    case 'file': {
      const text = await host.readText(cfg.cni.path);
      if (text === undefined) throw new UserError('CNI_FILE_MISSING', `--cni ${cfg.cni.path}: no such file`, 'give the path of a pod network manifest (YAML), or --cni flannel / --cni none');
      const objects = parseManifests(cfg.cni.path, text);
      if (objects.length === 0) throw new UserError('CNI_FILE_EMPTY', `--cni ${cfg.cni.path} holds no Kubernetes objects`, 'give the path of a pod network manifest (YAML)');
      return { name: cfg.cni.path, objects };
    }
  }
}
