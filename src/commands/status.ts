// `status`: the cluster as the bootstrap made it, live. The node side (the kubelet's manifests
// folder, its log) is read through the Host, under --rootfs; the API through the kubeconfig
// kubeadm would pick (admin.conf as root on a control-plane node, or --kubeconfig). Read only:
// nothing is written anywhere.

import type { FlagValues } from '../config/flags.js';
import { HostError, MkError } from '../errors.js';
import type { Host } from '../host/host.js';
import { nodeHost } from '../host/node-host.js';
import type { Io } from '../io.js';
import type { KubeClient, KubeObject, ObjectRef } from '../kube/client.js';
import type { ManifestEntry } from '../kube/objects/static-manifests.js';
import type { StatusView } from '../report/status-view.js';

const str = (flags: FlagValues, k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);

/** each API call's bound: status is a look, not a wait for a cluster to come up */
export const STATUS_CALL_MS = 15_000;
const DEFAULT_MANIFESTS = '/etc/kubernetes/manifests';
const KUBELET_CONFIG = '/var/lib/kubelet/config.yaml';
const KUBEADM_FLAGS = '/var/lib/kubelet/kubeadm-flags.env';

/** the kubelet's staticPodPath (its config.yaml), else kubeadm's folder */
async function manifestsDirOf(host: Host): Promise<string> {
  const text = await host.readText(KUBELET_CONFIG).catch(() => undefined);
  const m = text ? /^staticPodPath:\s*["']?([^"'\s]+)/m.exec(text) : null;
  return m?.[1] ?? DEFAULT_MANIFESTS;
}

const errno = (e: unknown) => (e as { code?: unknown }).code;

/** the folder's entries with their text; undefined without the folder; an unreadable folder is an error */
async function readManifests(host: Host, dir: string, rootfs: string | undefined): Promise<ManifestEntry[] | undefined> {
  const under = rootfs ? ` (under --rootfs ${rootfs})` : '';
  const unreadable = (e: unknown) =>
    new HostError('MANIFESTS_UNREADABLE', `the manifests folder ${dir}${under} cannot be read: ${String(errno(e) ?? (e as Error).message)}`, `run status as root on the node (sudo mini-kubeadm status), or make the folder readable (chmod 755 ${dir})`, e);
  const st = await host.stat(dir).catch((e: unknown) => {
    throw unreadable(e);
  });
  if (!st) return undefined;
  if (!st.isDirectory) throw new HostError('MANIFESTS_NOT_A_DIRECTORY', `${dir}${under} is not a directory, so the kubelet can read no static pod from it`, `move the file away and let "mini-kubeadm init phase control-plane all" write the folder again, or point the kubelet's staticPodPath (${KUBELET_CONFIG}) at the folder`);
  let names: string[];
  try {
    names = await host.listDir(dir);
  } catch (e) {
    throw unreadable(e);
  }
  const entries: ManifestEntry[] = [];
  for (const file of names) {
    const path = `${dir}/${file}`;
    const s = await host.stat(path);
    if (s?.isDirectory) {
      entries.push({ file, path, isDirectory: true });
      continue;
    }
    try {
      entries.push({ file, path, isDirectory: false, text: (await host.readText(path)) ?? '' });
    } catch (e) {
      entries.push({ file, path, isDirectory: false, readError: String(errno(e) ?? (e as Error).message) });
    }
  }
  return entries;
}

/** this node's name as its kubelet registers it: --hostname-override in kubeadm-flags.env, else the host name */
async function nodeNameOf(host: Host): Promise<string | undefined> {
  const env = await host.readText(KUBEADM_FLAGS).catch(() => undefined);
  const m = env ? /--hostname-override[= ]([^\s"]+)/.exec(env) : null;
  if (m) return m[1]!.toLowerCase();
  const { detectNodeName } = await import('../config/detect.js');
  const d = await detectNodeName(host);
  return d.ok ? d.value : undefined;
}

/** the first call: does the API answer at all? Its failure says what was tried and for how long */
async function probe(client: KubeClient): Promise<void> {
  try {
    await client.raw('/version');
  } catch (e) {
    if (!(e instanceof MkError) || e.code === 'API_ERROR') throw e;
    const last = /last error: (.*?)\. Is kube-apiserver/.exec(e.hint ?? '')?.[1];
    throw new HostError(
      'API_UNREACHABLE',
      `the API server at ${client.server} (from ${client.kubeconfigPath}) did not answer GET /version within ${STATUS_CALL_MS / 1000} s${last ? ` (last error: ${last})` : ''}`,
      `on the control-plane node, is kube-apiserver running (crictl ps -a | grep kube-apiserver; crictl logs <id>; its file ${DEFAULT_MANIFESTS}/kube-apiserver.yaml) and the kubelet (systemctl status kubelet)? If ${client.server} is not the cluster you meant, name its kubeconfig with --kubeconfig.`,
      e,
    );
  }
}

export async function runStatus(io: Io, flags: FlagValues): Promise<void> {
  const output = str(flags, 'output') ?? 'text';
  const rootfs = str(flags, 'rootfs');
  const host = await nodeHost(flags, io);
  const manifestsDir = await manifestsDirOf(host);
  const entries = await readManifests(host, manifestsDir, rootfs);

  const connect = await import('../kube/connect.js');
  const kubeconfig = await connect.existingKubeconfig(str(flags, 'kubeconfig'), io, host, rootfs);
  const client = await connect.kubeconfigFileClientOf(host, kubeconfig, STATUS_CALL_MS);
  await probe(client);

  const [origins, nodeSide, order] = await Promise.all([import('../kube/objects/pod-origins.js'), import('../kube/objects/static-manifests.js'), import('../kube/objects/bootstrap-order.js')]);
  const all = ((JSON.parse(await client.raw('/api/v1/pods')) as { items?: KubeObject[] }).items ?? []).map((p) => ({ ...p, apiVersion: 'v1', kind: 'Pod' }));
  const shown = origins.podsToShow(all);

  const owners = new Map<string, Promise<KubeObject | undefined>>();
  const get = (ref: ObjectRef) => {
    const key = `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
    if (!owners.has(key)) owners.set(key, client.get(ref));
    return owners.get(key)!;
  };
  const inputs = await Promise.all(shown.map(async (pod) => ({ pod, chain: await origins.ownerChain(pod, get) })));

  const node = entries ? await nodeNameOf(host) : undefined;
  let manifests: StatusView['manifests'];
  if (entries) {
    const expected = nodeSide.expectedMirrors(entries, node ?? '');
    const mirrors = new Set(all.filter(origins.isMirrorPod).map((p) => `${p.metadata.namespace}/${p.metadata.name}`));
    const missing = [...expected.values()].filter((m) => !mirrors.has(m));
    const unmatched = entries.length > expected.size || missing.length > 0;
    const events = new Map<string, KubeObject[]>();
    for (const m of missing) {
      const [namespace, name] = m.split('/') as [string, string];
      events.set(m, await client.list({ apiVersion: 'v1', kind: 'Event', namespace }, { fieldSelector: `involvedObject.name=${name}` }));
    }
    const { journal } = await import('../host/systemd.js');
    const kubeletLog = unmatched ? await journal(host, 'kubelet', 3000) : undefined;
    manifests = nodeSide.manifestRows({ entries, node: node ?? '', pods: all, kubeletLog, events });
  }

  const rows = origins.podRows(inputs, nodeSide.manifestFileOf(manifests ?? []), manifestsDir);
  const tops = new Map<string, ObjectRef>();
  for (const { chain } of inputs) if (chain[0] && chain[0].kind !== 'Node') tops.set(`${chain[0].kind}/${chain[0].namespace}/${chain[0].name}`, chain[0]);
  const workloads = (await Promise.all([...tops.values()].map(get))).filter((o): o is KubeObject => o !== undefined);
  const [kubeSystem, nodes] = await Promise.all([client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'kube-system' }), client.list({ apiVersion: 'v1', kind: 'Node' })]);
  const view: StatusView = {
    server: client.server,
    kubeconfig,
    ...(node ? { node } : {}),
    manifestsDir,
    ...(manifests ? { manifests } : {}),
    pods: rows,
    order: order.bootstrapOrder({ rows, kubeSystem, nodes, workloads }),
  };

  if (output === 'json') io.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
  else if (output === 'yaml') io.stdout.write((await import('js-yaml')).dump(view, { noRefs: true, lineWidth: -1 }));
  else {
    const { renderStatus, terminalPaint } = await import('../report/status-view.js');
    const color = Boolean(io.stdout.isTTY) && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
    io.stdout.write(renderStatus(view, Date.now(), color ? await terminalPaint() : undefined));
  }
}
