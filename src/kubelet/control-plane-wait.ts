// wait-control-plane's waits: the kubelet's /healthz, then the control plane as the minor checks
// it (the API server's /healthz, or 1.33+ each component's health endpoint in parallel). Every
// timeout carries a diagnosis of the node, never only "timed out".

import type { InitConfig } from '../config/types.js';
import { nodeFacts } from '../config/versions.js';
import { TimeoutError } from '../errors.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import { waitFor } from '../host/wait.js';
import { crashLoopError, diagnoseControlPlane, keepsExiting, kubeletPodProblem, staticPodHealth } from './diagnose.js';
import { probeHealth, type ProbeTls } from './http-probe.js';

export interface HealthTarget {
  /** the component, e.g. kube-apiserver */
  name: string;
  url: string;
}

/** The kubelet's health endpoint from its configuration (healthzBindAddress:healthzPort). */
export function kubeletHealthUrl(cfg: InitConfig): string {
  const kc = cfg.kubeletConfiguration ?? {};
  const addr = typeof kc.healthzBindAddress === 'string' && kc.healthzBindAddress ? kc.healthzBindAddress : '127.0.0.1';
  const port = typeof kc.healthzPort === 'number' ? kc.healthzPort : 10248;
  return `http://${hostPort(addr, port)}/healthz`;
}

function hostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A flag's value in a static pod manifest's command, e.g. --secure-port. */
function flagValue(manifest: string | undefined, flag: string): string | undefined {
  if (!manifest) return undefined;
  const m = new RegExp(`-{1,2}${flag}[= ]([^\\s"']+)`).exec(manifest);
  return m?.[1];
}

/** Each component's health endpoint, read from the manifests as kubeadm does (their flags win); etcd's is its metrics port's /health. */
export async function componentHealthTargets(host: Host, cfg: InitConfig, paths: Paths): Promise<HealthTarget[]> {
  const read = (c: string) => host.readText(paths.manifest(c));
  const [api, kcm, sched, etcd] = await Promise.all([read('kube-apiserver'), read('kube-controller-manager'), read('kube-scheduler'), read('etcd')]);
  const apiAddr = flagValue(api, 'advertise-address') ?? cfg.localAPIEndpoint.advertiseAddress;
  const apiPort = flagValue(api, 'secure-port') ?? String(cfg.localAPIEndpoint.bindPort);
  const metrics = flagValue(etcd, 'listen-metrics-urls')?.split(',')[0] ?? 'http://127.0.0.1:2381';
  return [
    { name: 'kube-apiserver', url: `https://${hostPort(apiAddr, apiPort)}/livez` },
    { name: 'kube-controller-manager', url: `https://${hostPort(flagValue(kcm, 'bind-address') ?? '127.0.0.1', flagValue(kcm, 'secure-port') ?? '10257')}/healthz` },
    { name: 'kube-scheduler', url: `https://${hostPort(flagValue(sched, 'bind-address') ?? '127.0.0.1', flagValue(sched, 'secure-port') ?? '10259')}/livez` },
    { name: 'etcd', url: `${metrics.replace(/\/$/, '')}/health` },
  ];
}

/** What to poll for the control plane during init: the API server's /healthz (before 1.33), or each component's endpoint. */
export async function controlPlaneTargets(host: Host, cfg: InitConfig, paths: Paths): Promise<HealthTarget[]> {
  const all = await componentHealthTargets(host, cfg, paths);
  if (nodeFacts(cfg.kubernetesVersion.minor).controlPlaneCheck === 'apiserver-healthz') {
    return [{ name: 'kube-apiserver', url: all[0]!.url.replace(/\/livez$/, '/healthz') }];
  }
  return all.filter((t) => t.name !== 'etcd');
}

/** admin.conf's client certificate, so the API server's /livez answers even without anonymous auth. */
export async function adminClientTls(host: Host, paths: Paths): Promise<ProbeTls> {
  const text = await host.readText(paths.kubeconfig('admin'));
  if (!text) return {};
  const yaml = await import('js-yaml');
  const kc = yaml.load(text) as { users?: { user?: Record<string, string> }[] } | null;
  const user = kc?.users?.[0]?.user;
  const cert = user?.['client-certificate-data'];
  const key = user?.['client-key-data'];
  return cert && key ? { cert: Buffer.from(cert, 'base64'), key: Buffer.from(key, 'base64') } : {};
}

export interface WaitDeps {
  host: Host;
  cfg: InitConfig;
  paths: Paths;
  /** progress lines for the user */
  say: (msg: string) => void;
  intervalMs?: number;
  /** for tests: override the diagnosis */
  diagnose?: (lastDetail?: string) => Promise<string>;
  /** for tests: override the reason to keep waiting past the deadline */
  extend?: () => Promise<string | undefined>;
  /** called as each component turns healthy (a whole init's gate opens on kube-apiserver) */
  onHealthy?: (name: string) => void;
  /** for tests: when the static pods are first looked at, and how often after (watchStaticPods) */
  watchMs?: { first: number; every: number };
}

/** A reason to keep waiting on something the kubelet does (it answers its health check), or undefined. */
export async function kubeletStillWorking(cfg: InitConfig): Promise<string | undefined> {
  const url = kubeletHealthUrl(cfg);
  const h = await probeHealth(url);
  return h.ok ? `the kubelet is healthy (${url})` : undefined;
}

/**
 * Why a component that is not healthy yet may still become so: the kubelet is healthy and the
 * component's static pod is on its way (not started yet, being created, or running without a
 * restart). undefined, so the wait fails with its diagnosis, once the kubelet stops answering,
 * any static pod crash-loops (kubeadm's static pods carry liveness probes, so one that runs
 * but never turns healthy is restarted and so counted), or the kubelet says it cannot make the
 * pod (an image pull that failed or backs off, a sandbox it cannot make, a mount that fails).
 */
export async function staticPodProgress(d: Pick<WaitDeps, 'host' | 'cfg' | 'paths'>, component: string): Promise<string | undefined> {
  const kubelet = await kubeletStillWorking(d.cfg);
  if (!kubelet || !(await d.host.which('crictl'))) return undefined;
  const pods = await staticPodHealth(d.host, d.cfg, d.paths);
  if (pods.some((p) => p.state === 'restarting' || p.state === 'exited')) return undefined;
  const mine = pods.find((p) => p.component === component);
  if (!mine) return undefined;
  if ((mine.state === 'missing' || mine.state === 'no-container') && (await kubeletPodProblem(d.host, d.cfg, component))) return undefined;
  switch (mine.state) {
    case 'missing':
      return mine.manifest ? `${kubelet} and has not started ${component} yet` : undefined;
    case 'no-container':
      return `${kubelet} and is creating ${component}'s container (pulling its image?)`;
    case 'running':
      return `${kubelet}; ${component} runs without a restart and is still starting`;
    default:
      return undefined;
  }
}

/** The Node registration wait goes on past its deadline while the kubelet that registers it is healthy. */
export function nodeRegistrationWait(cfg: InitConfig, node: string, say: (m: string) => void) {
  return {
    extend: () => kubeletStillWorking(cfg),
    onExtend: (why: string) => say(`still waiting for the kubelet to register Node ${node}: ${why}`),
  };
}

export async function waitForKubelet(d: WaitDeps, url = kubeletHealthUrl(d.cfg)): Promise<number> {
  const timeoutMs = d.cfg.timeouts.kubeletHealthCheckMs;
  d.say(`waiting for a healthy kubelet at ${url}; this can take up to ${Math.round(timeoutMs / 1000)}s`);
  return waitFor({
    what: `the kubelet to be healthy at ${url}`,
    probe: () => probeHealth(url),
    timeoutMs,
    intervalMs: d.intervalMs ?? 250,
    diagnose: (last) => (d.diagnose ?? ((l) => diagnoseControlPlane(d.host, d.cfg, d.paths, l)))(last),
  });
}

/**
 * While the control plane is awaited: looks at the static pods (first after `first` ms, since
 * the kubelet's restart back-off is 10 s, then every `every` ms) and rejects with the component's
 * own error as soon as one keeps exiting (the first in start order: etcd's failure explains the
 * API server's), instead of letting the wait run to its deadline. Ends when `stop` aborts.
 * Without crictl there is nothing to look at; a look that fails is tried again at the next one.
 */
export async function watchStaticPods(d: Pick<WaitDeps, 'host' | 'cfg' | 'paths' | 'watchMs'>, stop: AbortSignal): Promise<void> {
  if (!(await d.host.which('crictl'))) return;
  const { first, every } = d.watchMs ?? { first: 8000, every: 3000 };
  for (let pause = first; ; pause = every) {
    await new Promise<void>((r) => {
      const t = setTimeout(done, pause);
      function done() {
        clearTimeout(t);
        stop.removeEventListener('abort', done);
        r();
      }
      stop.addEventListener('abort', done, { once: true });
    });
    if (stop.aborted) return;
    const pods = await staticPodHealth(d.host, d.cfg, d.paths).catch(() => []);
    const crashing = pods.find(keepsExiting);
    if (crashing && (crashing.state === 'restarting' || crashing.state === 'exited')) throw crashLoopError(crashing, d.paths);
  }
}

/**
 * Poll every target at once; one TimeoutError naming each unhealthy component, with one
 * diagnosis; or, as soon as a static pod keeps exiting, that component's error (watchStaticPods).
 */
export async function waitForControlPlane(d: WaitDeps, targets: HealthTarget[], tls: ProbeTls = {}): Promise<Map<string, number>> {
  const timeoutMs = d.cfg.timeouts.controlPlaneComponentHealthCheckMs;
  const stop = new AbortController();
  let crash: unknown;
  const watching = watchStaticPods(d, stop.signal).catch((e: unknown) => {
    crash = e;
    stop.abort(e);
  });
  d.say(`waiting for the kubelet to start the control plane static pods (${targets.map((t) => t.name).join(', ')}); after ${Math.round(timeoutMs / 1000)}s the wait goes on only while the kubelet is healthy and the pods are on their way`);
  const results = await Promise.allSettled(
    targets.map(async (t) => {
      d.say(`checking ${t.name} at ${t.url}`);
      const ms = await waitFor({
        what: t.name,
        probe: () => probeHealth(t.url, { tls: t.name === 'kube-apiserver' ? tls : undefined }),
        timeoutMs,
        intervalMs: d.intervalMs ?? 250,
        signal: stop.signal,
        diagnose: async (last) => `${t.name} at ${t.url}: ${last ?? 'no answer'}`,
        // a slow but healthy kubelet is waited for; a dead kubelet or a crash loop is not
        extend: d.extend ?? (() => staticPodProgress(d, t.name)),
        onExtend: (why) => d.say(`still waiting for ${t.name} after ${Math.round(timeoutMs / 1000)}s more: ${why}`),
      });
      d.say(`${t.name} is healthy after ${(ms / 1000).toFixed(1)}s`);
      d.onHealthy?.(t.name);
      return [t.name, ms] as const;
    }),
  );
  stop.abort();
  await watching;
  if (crash) throw crash;
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failed.length === 0) return new Map(results.map((r) => (r as PromiseFulfilledResult<readonly [string, number]>).value));
  const notTimeouts = failed.find((e) => !(e instanceof TimeoutError));
  if (notTimeouts) throw notTimeouts;
  const lasts = (failed as TimeoutError[]).map((e) => e.hint ?? '');
  const names = targets.filter((_, i) => results[i]!.status === 'rejected').map((t) => t.name);
  const diagnosis = await (d.diagnose ?? ((l) => diagnoseControlPlane(d.host, d.cfg, d.paths, l)))(lasts.join('; '));
  throw new TimeoutError(`a healthy control plane: ${names.join(', ')} not healthy after ${Math.round(timeoutMs / 1000)}s`, diagnosis);
}
