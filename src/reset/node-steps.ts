// cleanup-node as a table of steps, in reverse order of what init created: stop the kubelet,
// remove the pods through the CRI, unmount the kubelet's volumes, then the files.

import type { Host } from '../host/host.js';
import { DEFAULT_CERT_DIR, type KubeconfigName, type Paths } from '../host/paths.js';
import { hasSystemd, isActive, stop } from '../host/systemd.js';
import { listPods, runtimeAnswers, stopAndRemovePod } from '../host/cri.js';
import { chooseCriSocket } from './cri-socket.js';
import { emptyDirectory, removePaths } from './files.js';
import { currentMountsUnder, unmountUnder } from './mounts.js';
import { errorText, type ResetStep } from './steps.js';
import { PROFILES } from '../profiles/profiles.js';

export interface NodeEnv {
  host: Host;
  paths: Paths;
  /** --cri-socket; detected when absent */
  criSocket: string | undefined;
  /** --cleanup-tmp-dir */
  cleanupTmpDir: boolean;
  /** directories earlier phases left to empty once no pod runs (remove-etcd-member's etcd data) */
  dirsToClean?: readonly string[];
}

/** the kubeconfig files kubeadm reset deletes (cleanupnode.go resetConfigDir) */
export const KUBECONFIG_FILES: readonly KubeconfigName[] = ['admin', 'super-admin', 'kubelet', 'bootstrap-kubelet', 'controller-manager', 'scheduler'];

export const KUBEADM_TMP_DIR = '/etc/kubernetes/tmp';

export const nodeSteps: readonly ResetStep<NodeEnv>[] = [
  {
    name: 'stop-kubelet',
    removes: 'the running kubelet service',
    async run({ host }, log) {
      if (!(await hasSystemd(host))) {
        log.warn('systemd is not the init system here, so the kubelet service cannot be stopped by mini-kubeadm: make sure the kubelet is stopped');
        return;
      }
      if (!(await isActive(host, 'kubelet'))) return log.note('the kubelet service is not running');
      const r = await stop(host, 'kubelet');
      if (!r.ok) throw new Error(`systemctl stop kubelet failed: ${r.output}; stop the kubelet by hand`);
      log.removed('the running kubelet service (stopped)');
    },
  },
  {
    name: 'remove-pods',
    removes: 'Kubernetes pods and their containers',
    async run({ host, criSocket }, log) {
      const choice = await chooseCriSocket(host, criSocket);
      if ('none' in choice) return log.note(`${choice.none}: no pods to remove`);
      if ('ambiguous' in choice) throw new Error(`several container runtimes found (${choice.ambiguous.join(', ')}); say which with --cri-socket`);
      const what = `Kubernetes pods (CRI ${choice.endpoint}, ${choice.how})`;
      const answer = await runtimeAnswers(host, choice.endpoint);
      if (!answer.ok) return log.left(what, `the container runtime does not answer: ${answer.detail || 'no detail'}`);
      const pods = await listPods(host, choice.endpoint);
      if (pods.length === 0) return log.note(`no pods in the container runtime at ${choice.endpoint}`);
      for (const pod of pods) {
        const name = `pod ${pod.namespace}/${pod.name} (${pod.id.slice(0, 13)})`;
        try {
          await stopAndRemovePod(host, choice.endpoint, pod.id);
          log.removed(name);
        } catch (e) {
          log.left(name, errorText(e));
        }
      }
    },
  },
  {
    name: 'unmount-kubelet',
    removes: 'mounts under /var/lib/kubelet',
    async run({ host, paths }, log) {
      await unmountUnder(host, paths.kubeletDir, log);
    },
  },
  {
    name: 'data-dirs',
    removes: 'the data directories of earlier phases (the etcd data)',
    async run({ host, dirsToClean }, log) {
      for (const dir of dirsToClean ?? []) await emptyDirectory(host, dir, log);
    },
  },
  {
    name: 'kubelet-dir',
    removes: 'the contents of /var/lib/kubelet',
    async run({ host, paths }, log) {
      // never delete inside a live mount (a pod's volume could be a host directory)
      const still = await currentMountsUnder(host, paths.kubeletDir);
      if (still.length > 0 && !host.dryRun) {
        return log.left(`contents of ${paths.kubeletDir}`, `not emptied: still mounted under it: ${still.join(', ')}`);
      }
      await emptyDirectory(host, paths.kubeletDir, log);
    },
  },
  {
    name: 'manifests',
    removes: 'the static pod manifests',
    run: ({ host, paths }, log) => emptyDirectory(host, paths.manifestsDir, log),
  },
  {
    name: 'profile-files',
    removes: 'the files of an init --profile (its configuration directory, its audit log)',
    run: ({ host }, log) => removePaths(host, PROFILES.flatMap((p) => p.resetPaths), log),
  },
  {
    name: 'kubeconfigs',
    removes: 'the kubeconfig files',
    run: ({ host, paths }, log) => removePaths(host, KUBECONFIG_FILES.map((k) => paths.kubeconfig(k)), log),
  },
  {
    name: 'certificates',
    removes: 'the certificates and keys',
    async run({ host, paths }, log) {
      if (paths.pkiDir !== DEFAULT_CERT_DIR && (await host.listDir(paths.pkiDir)).length > 0) {
        log.warn(`cleaning a non-default certificates directory: ${paths.pkiDir}`);
      }
      await emptyDirectory(host, paths.pkiDir, log);
    },
  },
  {
    name: 'tmp-dir',
    removes: `the contents of ${KUBEADM_TMP_DIR}`,
    async run({ host, cleanupTmpDir }, log) {
      if (!cleanupTmpDir) {
        if ((await host.listDir(KUBEADM_TMP_DIR)).length > 0) log.note(`${KUBEADM_TMP_DIR} is kept (pass --cleanup-tmp-dir to empty it)`);
        return;
      }
      await emptyDirectory(host, KUBEADM_TMP_DIR, log);
    },
  },
];
