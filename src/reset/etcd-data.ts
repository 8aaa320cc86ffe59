// Where the local etcd keeps its data, as kubeadm finds it on a node with no configuration:
// the hostPath of the `etcd-data` volume in the etcd static pod manifest, else the default.

import type { Host } from '../host/host.js';
import { DEFAULT_ETCD_DATA_DIR } from '../host/paths.js';
import { emptyDirectory } from './files.js';
import type { ResetStep } from './steps.js';
import { etcdMemberStep } from './etcd-member.js';

export type EtcdDataDir =
  | { kind: 'local'; dataDir: string; from: string }
  /** a manifest without an etcd-data volume: not a kubeadm local etcd (kubeadm assumes external) */
  | { kind: 'external'; manifest: string };

const VOLUME = 'etcd-data';

export async function findEtcdDataDir(host: Host, manifestPath: string): Promise<EtcdDataDir> {
  const text = await host.readText(manifestPath);
  // cleanup-node may have run first and taken the manifest: the default is then the best guess
  if (text === undefined) return { kind: 'local', dataDir: DEFAULT_ETCD_DATA_DIR, from: `the default (${manifestPath} does not exist)` };
  const { load } = await import('js-yaml');
  let pod: unknown;
  try {
    pod = load(text);
  } catch (e) {
    throw new Error(`${manifestPath} is not valid YAML (${(e as Error).message.split('\n')[0]}); remove the etcd data directory yourself`);
  }
  const volumes = (pod as { spec?: { volumes?: { name?: string; hostPath?: { path?: string } }[] } } | null)?.spec?.volumes ?? [];
  const dataDir = volumes.find((v) => v.name === VOLUME)?.hostPath?.path;
  if (!dataDir) return { kind: 'external', manifest: manifestPath };
  return { kind: 'local', dataDir, from: `the ${VOLUME} volume in ${manifestPath}` };
}

export interface EtcdEnv {
  host: Host;
  /** /etc/kubernetes/manifests/etcd.yaml */
  manifest: string;
  /**
   * when cleanup-node runs after this in the same reset: the list it empties once the kubelet is
   * stopped and the pods are removed (kubeadm's AddDirsToClean). Emptied here, a directory an
   * etcd still starting (its container on the way when an interrupted init was reset) writes to
   * again; without the list (the phase run alone) the directory is emptied at once.
   */
  dirsToClean?: string[];
}

export const etcdSteps: readonly ResetStep<EtcdEnv>[] = [
  // first this node's member leaves a stacked etcd cluster (while its etcd still runs), then its data goes
  etcdMemberStep,
  {
    name: 'etcd-data',
    removes: 'the etcd data',
    async run({ host, manifest, dirsToClean }, log) {
      const found = await findEtcdDataDir(host, manifest);
      // a worker (a joined node) has neither an etcd manifest nor etcd data: nothing to say more
      if (found.kind === 'local' && !(await host.exists(manifest)) && !(await host.exists(found.dataDir))) {
        log.note(`no etcd on this node (no ${manifest}, no ${found.dataDir}): nothing to remove`);
        return;
      }
      if (found.kind === 'external') {
        log.note(`${found.manifest} has no ${VOLUME} volume: assuming external etcd; reset it yourself`);
        return;
      }
      log.note(`etcd data directory: ${found.dataDir} (from ${found.from})`);
      if (dirsToClean) {
        dirsToClean.push(found.dataDir);
        log.note(`${found.dataDir} is emptied by cleanup-node, once the kubelet is stopped and etcd's pod removed`);
        return;
      }
      await emptyDirectory(host, found.dataDir, log);
    },
  },
];
