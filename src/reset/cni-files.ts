// The files a cluster's CNI writes on a node, as a table per CNI: its config in /etc/cni/net.d
// (by name, or by naming the plugin in its content) and its state directories. Config files
// other programs put in /etc/cni/net.d are left alone.

import path from 'node:path';
import type { Host } from '../host/host.js';
import { removePaths } from './files.js';
import type { StepLog } from './steps.js';

export interface CniFootprint {
  cni: string;
  /** file names it writes in the CNI config directory */
  confFiles: readonly string[];
  /** the plugin `type` that marks a config (or conflist) as written for it */
  pluginType: string;
  /** its own state on the node */
  stateDirs: readonly string[];
}

export const CNI_FOOTPRINTS: readonly CniFootprint[] = [
  { cni: 'flannel', confFiles: ['10-flannel.conflist'], pluginType: 'flannel', stateDirs: ['/run/flannel'] },
];

/** the plugin types a CNI config (.conf: one plugin; .conflist: plugins[]) names, or [] if it is not JSON */
export function pluginTypes(content: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    return [];
  }
  if (typeof doc !== 'object' || doc === null) return [];
  const d = doc as { type?: unknown; plugins?: unknown };
  const types = typeof d.type === 'string' ? [d.type] : [];
  if (Array.isArray(d.plugins)) for (const p of d.plugins) if (typeof (p as { type?: unknown })?.type === 'string') types.push((p as { type: string }).type);
  return types;
}

/** The config files in `confDir` that a cluster CNI wrote. */
export async function clusterCniConfigs(host: Host, confDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await host.listDir(confDir)) {
    const file = path.posix.join(confDir, name);
    const byName = CNI_FOOTPRINTS.some((f) => f.confFiles.includes(name));
    const st = await host.stat(file);
    if (!st?.isFile) continue;
    const types = byName ? [] : pluginTypes((await host.readText(file)) ?? '');
    if (byName || CNI_FOOTPRINTS.some((f) => types.includes(f.pluginType))) out.push(file);
  }
  return out;
}

export async function removeClusterCniConfigs(host: Host, confDir: string, log: StepLog): Promise<void> {
  const files = await clusterCniConfigs(host, confDir);
  const others = (await host.listDir(confDir)).filter((n) => !files.includes(path.posix.join(confDir, n)));
  await removePaths(host, files, log);
  if (others.length > 0) log.note(`kept in ${confDir} (not the cluster CNI's): ${others.join(', ')}`);
}

export const cniStateDirs = (): string[] => CNI_FOOTPRINTS.flatMap((f) => f.stateDirs);
