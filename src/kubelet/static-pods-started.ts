// Has the kubelet started the static pods' containers yet? A whole init holds back the keys it
// needs only once the API server answers (admin.conf's, super-admin.conf's) until then: on two
// cores every key made while the kubelet creates the sandboxes and containers delays them
// (docs/fast-init.md, session 9). Looked at cheaply, without the runtime: the container runtime
// opens a container's log file, under the kubelet's pod logs directory, when it starts the
// container (/var/log/pods/NAMESPACE_POD_UID/CONTAINER/N.log).

import type { Host } from '../host/host.js';

/** the kubelet's default podLogsDir (KubeletConfiguration) */
export const DEFAULT_POD_LOGS_DIR = '/var/log/pods';

export interface StaticPodsStartedOptions {
  /** the containers' names, which are also their pods' names before "-NODE" (kube-apiserver, etcd, ...) */
  components: readonly string[];
  nodeName: string;
  podLogsDir?: string;
  /** gives up (resolves false) after this long */
  capMs: number;
  everyMs?: number;
  signal?: AbortSignal;
}

/** Does COMPONENT's static pod on NODE have a container log file yet? */
async function hasContainerLog(host: Host, dir: string, component: string, nodeName: string): Promise<boolean> {
  const prefix = `kube-system_${component}-${nodeName}_`;
  for (const pod of (await host.listDir(dir)).filter((d) => d.startsWith(prefix))) {
    if ((await host.listDir(`${dir}/${pod}/${component}`)).some((f) => f.endsWith('.log'))) return true;
  }
  return false;
}

/**
 * Resolves true once every component's container has a log file, false when capMs passed first
 * or the signal aborted. Never rejects (a directory that cannot be read counts as no file yet).
 */
export async function staticPodsStarted(host: Host, opts: StaticPodsStartedOptions): Promise<boolean> {
  const dir = opts.podLogsDir ?? DEFAULT_POD_LOGS_DIR;
  const deadline = Date.now() + opts.capMs;
  const left = new Set(opts.components);
  for (;;) {
    for (const c of [...left]) if (await hasContainerLog(host, dir, c, opts.nodeName).catch(() => false)) left.delete(c);
    if (left.size === 0) return true;
    if (opts.signal?.aborted || Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, Math.min(opts.everyMs ?? 100, Math.max(0, deadline - Date.now()))));
  }
}
