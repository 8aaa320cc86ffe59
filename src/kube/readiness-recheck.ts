// Waiting for a workload's pods to turn Ready, and asking the kubelet to look again at a pod
// whose readiness endpoint already answers. Why: the kubelet runs a container's readiness
// probe as soon as it sees the container start; when that first probe fails (the server in it
// is not listening yet), the next one is periodSeconds away (10 s for CoreDNS), because the
// manual run resets the probe's ticker. Each sync of a pod that is not Ready yet runs the probe
// again at once (kubelet 1.37 pkg/kubelet/prober: prober_manager.go UpdatePodStatus,
// worker.go run), and any change of the pod object's metadata makes the kubelet sync it. So
// once the endpoint answers, one transient annotation gets the pod marked Ready within a
// moment; the annotation is removed as soon as the pod is Ready.

import type { KubeClient, ObjectRef } from './client.js';

/** the annotation that makes the kubelet sync (and so re-probe) a pod; removed once it is Ready */
export const RECHECK_ANNOTATION = 'mini-kubeadm/readiness-recheck';

/** what the wait needs of one pod */
export interface PodView {
  name: string;
  uid: string;
  ready: boolean;
  running: boolean;
  deleting: boolean;
  /** the readiness endpoints the kubelet probes (httpGet probes only), as URLs */
  readinessUrls: string[];
  /** it carries RECHECK_ANNOTATION */
  marked: boolean;
}

interface RawContainer {
  name?: string;
  ports?: Array<{ name?: string; containerPort?: number }>;
  readinessProbe?: { httpGet?: { path?: string; port?: number | string; scheme?: string; host?: string } };
}
interface RawPod {
  metadata?: { name?: string; uid?: string; deletionTimestamp?: string; annotations?: Record<string, string> };
  spec?: { containers?: RawContainer[] };
  status?: { phase?: string; podIP?: string; conditions?: Array<{ type?: string; status?: string }> };
}

/** the URL the kubelet's httpGet readiness probe asks, or undefined (no httpGet probe, no pod IP) */
export function readinessUrl(c: RawContainer, podIP: string | undefined): string | undefined {
  const g = c.readinessProbe?.httpGet;
  if (!g || g.port === undefined) return undefined;
  const port = typeof g.port === 'number' || /^\d+$/.test(g.port) ? Number(g.port) : c.ports?.find((p) => p.name === g.port)?.containerPort;
  const host = g.host || podIP;
  if (port === undefined || !host) return undefined;
  const path = g.path ? (g.path.startsWith('/') ? g.path : `/${g.path}`) : '/';
  const h = host.includes(':') ? `[${host}]` : host;
  return `${(g.scheme ?? 'HTTP').toLowerCase()}://${h}:${port}${path}`;
}

/** a pod list (GET .../pods) as the wait sees it */
export function readPods(listJson: string): PodView[] {
  const items = ((JSON.parse(listJson) as { items?: RawPod[] }).items ?? []);
  return items.map((p) => {
    const running = p.status?.phase === 'Running';
    const urls = (p.spec?.containers ?? []).map((c) => readinessUrl(c, p.status?.podIP));
    return {
      name: p.metadata?.name ?? '',
      uid: p.metadata?.uid ?? '',
      ready: (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
      running,
      deleting: p.metadata?.deletionTimestamp !== undefined,
      // a container without an httpGet probe cannot be asked; such a pod is left to the kubelet
      readinessUrls: urls.every((u) => u !== undefined) ? (urls as string[]) : [],
      marked: p.metadata?.annotations?.[RECHECK_ANNOTATION] !== undefined,
    };
  });
}

export interface ReadyWaitOptions {
  client: Pick<KubeClient, 'raw' | 'mergePatch'>;
  namespace: string;
  /** a label selector, e.g. "k8s-app=kube-dns" */
  selector: string;
  /** how many Ready pods make the workload ready */
  replicas: number;
  timeoutMs: number;
  /** one GET of a readiness URL: true when the kubelet would count it a success (HTTP 200-399) */
  probe: (url: string) => Promise<boolean>;
  /** told when a pod is re-checked, with its name */
  onRecheck?: (pod: string) => void;
  intervalMs?: number;
  /** how long a pod seen Running but not Ready is left to the kubelet's own first probe */
  graceMs?: number;
  /** between two re-checks of the same pod */
  recheckEveryMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** ends the wait early (the run is stopping: another lane failed); the result then says not ready */
  signal?: AbortSignal;
}

export interface ReadyWaitResult {
  ready: boolean;
  ms: number;
  /** the pods re-checked (each once, however many times it was asked) */
  rechecked: string[];
  /** what was last seen, for a message when not ready */
  last: PodView[];
}

/**
 * Until `replicas` pods of the selector are Ready (or the deadline): a pod Running but not Ready
 * for longer than graceMs whose every readiness endpoint already answers is annotated (the
 * kubelet syncs it and probes again); the annotation comes off when the pod is Ready, and in any
 * case before this returns. Never throws for the workload's state: the result says.
 */
export async function awaitReadyPods(o: ReadyWaitOptions): Promise<ReadyWaitResult> {
  const now = o.now ?? (() => Date.now());
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const grace = o.graceMs ?? 400;
  const every = o.recheckEveryMs ?? 3000;
  const start = now();
  const firstSeenRunning = new Map<string, number>();
  const lastRecheck = new Map<string, number>();
  const rechecked = new Set<string>();
  const path = `/api/v1/namespaces/${encodeURIComponent(o.namespace)}/pods?labelSelector=${encodeURIComponent(o.selector)}`;
  const ref = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Pod', name, namespace: o.namespace });
  const unmark = (p: PodView) => o.client.mergePatch(ref(p.name), { metadata: { annotations: { [RECHECK_ANNOTATION]: null } } }).catch(() => undefined);
  let last: PodView[] = [];
  for (;;) {
    try {
      last = readPods(await o.client.raw(path));
    } catch {
      // a failed list is one more round: the deadline bounds the wait
    }
    const live = last.filter((p) => !p.deleting);
    const ready = live.filter((p) => p.ready).length >= o.replicas;
    if (ready || now() - start >= o.timeoutMs || o.signal?.aborted) {
      // every annotation comes off before the wait ends (also one an interrupted init left)
      await Promise.all(last.filter((p) => p.marked).map(unmark));
      return { ready, ms: now() - start, rechecked: [...rechecked], last };
    }
    await Promise.all(last.filter((p) => p.marked && p.ready).map(unmark));
    await Promise.all(
      live.map(async (p) => {
        if (p.ready || !p.running || p.readinessUrls.length === 0) return;
        const t = now();
        const seen = firstSeenRunning.get(p.uid) ?? t;
        firstSeenRunning.set(p.uid, seen);
        if (t - seen < grace || t - (lastRecheck.get(p.uid) ?? -Infinity) < every) return;
        const answers = await Promise.all(p.readinessUrls.map((u) => o.probe(u).catch(() => false)));
        if (!answers.every(Boolean)) return;
        lastRecheck.set(p.uid, t);
        try {
          await o.client.mergePatch(ref(p.name), { metadata: { annotations: { [RECHECK_ANNOTATION]: new Date().toISOString() } } });
          rechecked.add(p.name);
          o.onRecheck?.(p.name);
        } catch {
          // the pod went away or the API refused: the kubelet's own next probe still comes
        }
      }),
    );
    await sleep(o.intervalMs ?? 200);
  }
}
