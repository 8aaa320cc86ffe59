// The one place where mini-kubeadm does a pod network agent's job ahead of it (docs/differences.md,
// "the CNI config on this node"): the CNI config the agent's `install-cni` init container copies
// onto the node (`cp -f SRC DST`, from a key of a ConfigMap mounted in it to a hostPath directory),
// written with the same bytes before that container runs. A node is NotReady until a CNI config
// exists; written ahead, the node is Ready once the kubelet registers it instead of after the
// agent's pod has started two init containers. The agent's own copy later writes the same bytes.
// Where: a whole init (from the rendered add-on objects, addon/cni) and a whole join (from the
// agent's pod the DaemonSet controller binds to this node and its ConfigMap, read with the node's
// own credentials once the TLS bootstrap is done). Never in a single phase run or a dry run.

import type { Host } from '../host/host.js';
import type { KubeClient, KubeObject } from '../kube/client.js';

export interface InitContainer {
  name: string;
  command?: string[];
  args?: string[];
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
export interface PodVolume {
  name: string;
  hostPath?: { path: string };
  configMap?: { name: string };
}
export interface PodSpecLike {
  initContainers?: InitContainer[];
  volumes?: PodVolume[];
}

/** where an agent's config goes on the node and its bytes */
export interface CniConfigFile {
  path: string;
  content: string;
}

/** The copy a pod's `install-cni` init container makes: the ConfigMap and key it reads, the host file it writes; undefined for any other shape. */
export function installCniCopy(pod: PodSpecLike | undefined): { configMap: string; key: string; path: string } | undefined {
  const install = pod?.initContainers?.find((c) => c.name === 'install-cni');
  const words = [...(install?.command ?? []), ...(install?.args ?? [])];
  if (words[0] !== 'cp') return undefined;
  const [src, dst, extra] = words.slice(1).filter((a) => !a.startsWith('-'));
  if (!src || !dst || extra !== undefined) return undefined;
  const under = (m: { mountPath: string }) => m.mountPath.replace(/\/?$/, '/');
  const mountOf = (file: string) => install?.volumeMounts?.find((m) => file.startsWith(under(m)));
  const from = mountOf(src);
  const to = mountOf(dst);
  const configMap = pod?.volumes?.find((v) => v.name === from?.name)?.configMap?.name;
  const hostDir = pod?.volumes?.find((v) => v.name === to?.name)?.hostPath?.path;
  if (!from || !to || !configMap || !hostDir) return undefined;
  // the file lands directly in the host directory: a name with a slash or "..", which could
  // leave it when we (not the container's mount) write it, is not taken
  const name = dst.slice(under(to).length);
  if (name === '' || name.includes('/') || name === '..' || name === '.') return undefined;
  return { configMap, key: src.slice(under(from).length), path: `${hostDir.replace(/\/$/, '')}/${name}` };
}

/**
 * Write the agent's CNI config unless the file already holds these bytes: 0644, its directory
 * 0755, as install-cni leaves them. Returns what it did, for the report.
 */
export async function writeCniConfigAhead(host: Host, conf: CniConfigFile, agent: string): Promise<string> {
  if ((await host.readText(conf.path)) === conf.content) return `${conf.path} is already ${agent}'s CNI config`;
  await host.mkdir(conf.path.slice(0, conf.path.lastIndexOf('/')), 0o755);
  await host.writeFile(conf.path, conf.content, 0o644);
  return `wrote ${conf.path} (0644), the CNI config ${agent}'s pod writes on this node, ahead of it: the node is Ready when the kubelet registers it`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A joined node's agent config, from the cluster: the pods bound to this node (the Node
 * authorizer lets a node list them with its name as field selector) until one has an
 * `install-cni` copy, then that ConfigMap (readable by the node once such a pod is bound to it;
 * refused for a moment until the authorizer's graph has the pod). Gives up, undefined, at
 * `deadlineMs`, or `settleMs` after the first pod appeared on the node without such a copy (a
 * cluster whose network agent works otherwise, or that has none).
 */
export async function cniConfigFromNodePods(
  client: Pick<KubeClient, 'raw' | 'get'>,
  nodeName: string,
  o: { deadlineMs: number; settleMs?: number; everyMs?: number },
): Promise<(CniConfigFile & { agent: string }) | undefined> {
  const end = Date.now() + o.deadlineMs;
  let settleBy: number | undefined;
  for (;;) {
    try {
      const list = JSON.parse(await client.raw(`/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${nodeName}`)}`)) as { items?: Array<KubeObject & { spec?: PodSpecLike }> };
      const pods = list.items ?? [];
      for (const pod of pods) {
        const copy = installCniCopy(pod.spec);
        if (!copy) continue;
        const cm = (await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: pod.metadata.namespace, name: copy.configMap }).catch(() => undefined)) as { data?: Record<string, string> } | undefined;
        const content = cm?.data?.[copy.key];
        if (content !== undefined) return { path: copy.path, content, agent: `${pod.metadata.namespace}/${pod.metadata.name}` };
      }
      if (pods.length > 0) settleBy ??= Date.now() + (o.settleMs ?? 1000);
    } catch {
      // not yet allowed or not answering: asked again until the deadline
    }
    const now = Date.now();
    if (now >= end || (settleBy !== undefined && now >= settleBy)) return undefined;
    await sleep(Math.min(o.everyMs ?? 200, end - now));
  }
}
