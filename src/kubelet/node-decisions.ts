// The few kubelet settings that depend on this node rather than on the cluster, decided in ONE
// place so preflight (which warns about them) and kubelet-start (which writes them) agree:
// the cgroup driver (containerd's), failSwapOn (swap on + Swap ignored), failCgroupV1 (cgroup v1
// host + a kubelet that refuses it).

import type { InitConfig } from '../config/types.js';
import { nodeFacts } from '../config/versions.js';
import type { Host } from '../host/host.js';
import { isIgnored } from '../preflight/ignore.js';
import { CONTAINERD_CONFIG, containerdCgroupDriver, parseContainerdConfig, type ContainerdSettings } from './containerd-config.js';

export interface NodeObservations {
  /** /sys/fs/cgroup/cgroup.controllers exists */
  cgroupV2: boolean;
  /** /proc/swaps lists a device */
  swapOn: boolean;
  /** containerd's settings, when the CRI socket is containerd's */
  containerd: ContainerdSettings | undefined;
  /** the installed kubelet's version ("v1.37.2"), when `kubelet --version` answers */
  kubeletVersion: { minor: number; text: string } | undefined;
}

export interface Decision<T> {
  value: T;
  /** why, in a sentence a user can act on; undefined when it is simply kubeadm's default */
  reason?: string;
}

export interface NodeDecisions {
  cgroupDriver: Decision<string>;
  /** false when the kubelet must tolerate swap */
  failSwapOn?: Decision<false>;
  /** false when the kubelet must run on cgroup v1 */
  failCgroupV1?: Decision<false>;
  /** the kubelet minor the decisions were made for */
  kubeletMinor: number;
}

export const isContainerdSocket = (socket: string) => /containerd\.sock$/.test(socket);

export async function observeNode(host: Host, cfg: InitConfig): Promise<NodeObservations> {
  const [cgroupV2, swaps, toml, kubelet] = await Promise.all([
    host.exists('/sys/fs/cgroup/cgroup.controllers'),
    host.readText('/proc/swaps'),
    isContainerdSocket(cfg.nodeRegistration.criSocket) ? host.readText(CONTAINERD_CONFIG) : Promise.resolve(null),
    kubeletVersion(host),
  ]);
  return {
    cgroupV2,
    swapOn: (swaps ?? '').split('\n').filter((l) => l.trim() !== '').length > 1,
    containerd: toml === null ? undefined : parseContainerdConfig(toml),
    kubeletVersion: kubelet,
  };
}

/** one answer per host and run: preflight and kubelet-start both ask, and the 90 MB binary takes a while to start */
const askedVersions = new WeakMap<Host, Promise<{ minor: number; text: string } | undefined>>();

/** `kubelet --version` -> "Kubernetes v1.37.2", or undefined when there is no kubelet to ask. */
export function kubeletVersion(host: Host): Promise<{ minor: number; text: string } | undefined> {
  let answer = askedVersions.get(host);
  if (!answer) askedVersions.set(host, (answer = askKubeletVersion(host)));
  return answer;
}

async function askKubeletVersion(host: Host): Promise<{ minor: number; text: string } | undefined> {
  if (!(await host.which('kubelet'))) return undefined;
  try {
    const r = await host.run('kubelet', ['--version'], { timeoutMs: 15_000 });
    const m = /v(\d+)\.(\d+)\.(\d+)\S*/.exec(r.stdout);
    return m ? { minor: Number(m[2]), text: m[0] } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the kubelet config must say on this node. `user` is the user's KubeletConfiguration
 * document: a field the user set always wins (a conflict is preflight's to report).
 */
export function decideForNode(cfg: InitConfig, seen: NodeObservations, ignored: ReadonlySet<string>): NodeDecisions {
  const user = cfg.kubeletConfiguration ?? {};
  const kubeletMinor = seen.kubeletVersion?.minor ?? cfg.kubernetesVersion.minor;
  const out: NodeDecisions = { kubeletMinor, cgroupDriver: { value: 'systemd' } };

  if (typeof user.cgroupDriver === 'string' && user.cgroupDriver !== '') {
    out.cgroupDriver = { value: user.cgroupDriver, reason: 'set in your KubeletConfiguration' };
  } else if (seen.containerd) {
    const driver = containerdCgroupDriver(seen.containerd);
    const said = seen.containerd.systemdCgroup === undefined ? 'does not set SystemdCgroup (containerd then uses cgroupfs)' : `sets SystemdCgroup = ${seen.containerd.systemdCgroup}`;
    out.cgroupDriver = {
      value: driver,
      reason: seen.containerd.exists ? `to match containerd: ${CONTAINERD_CONFIG} ${said}` : `to match containerd, which has no ${CONTAINERD_CONFIG} and so uses cgroupfs`,
    };
  }

  if (seen.swapOn && user.failSwapOn === undefined && isIgnored(ignored, 'Swap')) {
    out.failSwapOn = { value: false, reason: 'swap is on and the Swap preflight check is ignored, so the kubelet must tolerate swap' };
  }

  if (!seen.cgroupV2 && nodeFacts(kubeletMinor).kubeletFailsOnCgroupV1 && user.failCgroupV1 === undefined) {
    out.failCgroupV1 = {
      value: false,
      reason: `this host uses cgroup v1 (no /sys/fs/cgroup/cgroup.controllers) and kubelet 1.${kubeletMinor} refuses to start on it unless failCgroupV1 is false`,
    };
  }
  return out;
}
