// Why the control plane is not up: is the kubelet running, what it last logged, and which
// static pod is missing, not running or restarting (with that container's last log lines).
// The text becomes the hint of a wait's TimeoutError.

import type { InitConfig } from '../config/types.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import * as cri from '../host/cri.js';
import * as systemd from '../host/systemd.js';
import { kubeletNodeName } from './flags-env.js';
import { MkError } from '../errors.js';

export type PodHealth =
  | { component: string; state: 'missing'; manifest: boolean }
  | { component: string; state: 'no-container'; podState: string }
  | { component: string; state: 'running'; attempt: number }
  | { component: string; state: 'restarting' | 'exited'; attempt: number; containerState: string; log: string; exits: ContainerExit[] };

/** One ended container of a static pod: its attempt number and how it ended (crictl inspect). */
export interface ContainerExit {
  attempt: number;
  exitCode?: number;
  reason?: string;
}

/** The static pods in start order: a failure early in the list explains the later ones. */
export function staticComponents(cfg: InitConfig): string[] {
  return [...(cfg.etcd.local ? ['etcd'] : []), 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
}

/** Each static pod's state as the container runtime sees it. */
export async function staticPodHealth(host: Host, cfg: InitConfig, paths: Paths): Promise<PodHealth[]> {
  const socket = cfg.nodeRegistration.criSocket;
  const [pods, containers] = await Promise.all([cri.listPods(host, socket), cri.listContainers(host, socket)]);
  const node = kubeletNodeName(cfg);
  const out: PodHealth[] = [];
  for (const component of staticComponents(cfg)) {
    const mine = pods.filter((p) => p.namespace === 'kube-system' && p.name === `${component}-${node}`).sort((a, b) => b.createdAt - a.createdAt);
    if (mine.length === 0) {
      out.push({ component, state: 'missing', manifest: await host.exists(paths.manifest(component)) });
      continue;
    }
    const ids = new Set(mine.map((p) => p.id));
    const cs = containers.filter((c) => ids.has(c.podSandboxId) && c.name === component).sort((a, b) => b.createdAt - a.createdAt);
    const latest = cs[0];
    if (!latest) {
      out.push({ component, state: 'no-container', podState: mine[0]!.state });
      continue;
    }
    const running = /RUNNING/i.test(latest.state);
    if (running && latest.attempt === 0) {
      out.push({ component, state: 'running', attempt: 0 });
      continue;
    }
    // the last two ended attempts, newest first, with their exit codes (does it keep exiting the same way?)
    const ended = cs.filter((c) => /EXITED/i.test(c.state)).slice(0, 2);
    const exits = await Promise.all(ended.map(async (c) => ({ attempt: c.attempt, ...(await cri.containerExit(host, socket, c.id).catch(() => ({}))) })));
    // a restarted container's own log may be empty yet; the previous attempt says why it died
    let log = await cri.containerLogs(host, socket, latest.id, 15).catch(() => '');
    if (!log && cs[1]) log = await cri.containerLogs(host, socket, cs[1].id, 15).catch(() => '');
    const state = running || latest.attempt > 0 ? 'restarting' : 'exited';
    out.push({ component, state, attempt: latest.attempt, containerState: latest.state, log, exits });
  }
  return out;
}

/** Where a static pod's flags and mounts come from: its manifest, made from this ClusterConfiguration field. */
const CONFIG_FIELD: Record<string, string> = {
  etcd: 'etcd.local',
  'kube-apiserver': 'apiServer',
  'kube-controller-manager': 'controllerManager',
  'kube-scheduler': 'scheduler',
};

/**
 * Does this static pod keep exiting? Its last two ended containers exited the same way (the same
 * exit code), or its newest ended container is a restart (attempt 1 or later) whose earlier
 * attempt the kubelet has already removed. One exit alone, or two different ones, may still be a
 * start-up race; the same exit twice is the component refusing to start.
 */
export function keepsExiting(p: PodHealth): boolean {
  if (p.state !== 'restarting' && p.state !== 'exited') return false;
  const [last, before] = p.exits;
  if (!last) return false;
  if (before) return last.exitCode === before.exitCode;
  return last.attempt >= 1;
}

/** The error for a static pod that keeps exiting: the component, how it exits, its own last words, and what to change. */
export function crashLoopError(p: PodHealth & { state: 'restarting' | 'exited' }, paths: Paths): MkError {
  const code = p.exits[0]?.exitCode;
  const how = `${code !== undefined ? `exit code ${code}` : 'exited'}${p.exits[0]?.reason ? `, ${p.exits[0].reason}` : ''}`;
  const times = p.exits.length >= 2 ? Math.max(2, p.attempt + (/EXITED/i.test(p.containerState) ? 1 : 0)) : p.attempt + 1;
  const field = CONFIG_FIELD[p.component];
  const said = p.log ? `its last log lines:\n${lastLines(p.log, 8)}\n` : 'it wrote no log lines (crictl logs shows nothing)\n';
  return new MkError(`${p.component} cannot start: its container exited ${times} times the same way (${how})`, {
    code: 'STATIC_POD_CRASH_LOOP',
    fault: 'user',
    hint:
      said +
      `its static pod is ${paths.manifest(p.component)}${field ? `, made from ${field} (extraArgs, extraVolumes, image) of the ClusterConfiguration` : ''}. ` +
      `Fix the cause (a flag the component does not know, a file a mount needs, a port in use), then run "mini-kubeadm reset -f" and init again; ` +
      `or fix the manifest in place and run init again (the kubelet restarts the pod).`,
  });
}

/** kubelet log reasons that it cannot make a pod's sandbox or container (image pull, sandbox, mounts), not a slow start */
const CANNOT_CREATE = /ErrImagePull|ImagePullBackOff|ErrImageNeverPull|InvalidImageName|CreateContainerError|CreateContainerConfigError|CreatePodSandboxError|MountVolume\.SetUp failed/;

/**
 * Why the kubelet cannot make a static pod's container, from its own log lines about that pod
 * (the last one that says so), or undefined when it reports nothing of the kind.
 */
export function kubeletCannotCreate(kubeletLog: string, pod: string): string | undefined {
  const mine = kubeletLog.split('\n').filter((l) => (l.includes(`pod="kube-system/${pod}"`) || l.includes(`pod "${pod}"`)) && CANNOT_CREATE.test(l));
  const line = mine.pop();
  if (!line) return undefined;
  const err = /err="((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? line.replace(/^.*?\]\s*/, '');
  const plain = err.replace(/\\+"/g, '"');
  return plain.length > 500 ? `${plain.slice(0, 500)}...` : plain;
}

/** The kubelet's reason that it cannot make this component's pod, read from its journal, if it gives one. */
export async function kubeletPodProblem(host: Host, cfg: InitConfig, component: string): Promise<string | undefined> {
  const log = await systemd.journal(host, 'kubelet', 300).catch(() => undefined);
  return log ? kubeletCannotCreate(log, `${component}-${kubeletNodeName(cfg)}`) : undefined;
}

function lastLines(text: string, n: number): string {
  return text.split('\n').filter((l) => l.trim() !== '').slice(-n).map((l) => `    ${l}`).join('\n');
}

function describe(p: PodHealth, paths: Paths): string {
  switch (p.state) {
    case 'missing':
      return p.manifest ? `${p.component}: no pod yet (the kubelet has not started ${paths.manifest(p.component)})` : `${p.component}: no pod and no manifest ${paths.manifest(p.component)} (run "mini-kubeadm init phase control-plane" / "etcd local")`;
    case 'no-container':
      return `${p.component}: the pod sandbox exists (${p.podState}) but its container was never created (image missing? sandbox image? see the kubelet's log)`;
    case 'running':
      return `${p.component}: running`;
    case 'restarting':
    case 'exited':
      return `${p.component}: ${p.state === 'restarting' ? `restarting (attempt ${p.attempt}, now ${p.containerState})` : `exited (${p.containerState})`}${p.log ? `; its last log lines:\n${lastLines(p.log, 8)}` : ''}`;
  }
}

/** The diagnosis, as lines a person reads top to bottom, ending with the likely cause. */
export async function diagnoseControlPlane(host: Host, cfg: InitConfig, paths: Paths, lastDetail?: string): Promise<string> {
  const lines: string[] = [];
  if (lastDetail) lines.push(`last answer: ${lastDetail}`);
  let cause: string | undefined;

  if (await systemd.hasSystemctl(host)) {
    const active = await systemd.isActive(host, 'kubelet');
    lines.push(active ? 'the kubelet service is active' : 'the kubelet service is NOT active (systemctl status kubelet)');
    if (!active) cause = 'the kubelet is not running: start it (systemctl start kubelet) and look at journalctl -xeu kubelet';
  } else {
    lines.push('no systemctl here: make sure the kubelet runs (it is started by hand on this node)');
  }
  const journal = await systemd.journal(host, 'kubelet', 10).catch(() => undefined);
  if (journal) lines.push(`the kubelet's last log lines (journalctl -u kubelet):\n${lastLines(journal, 10)}`);

  if (!(await host.which('crictl'))) {
    lines.push(`crictl is not installed, so the static pods cannot be inspected; list them with: crictl --runtime-endpoint ${cfg.nodeRegistration.criSocket} ps -a | grep kube | grep -v pause`);
  } else {
    try {
      const health = await staticPodHealth(host, cfg, paths);
      lines.push('static pods (kube-system):', ...health.map((p) => `  ${describe(p, paths)}`));
      const bad = health.find((p) => p.state !== 'running');
      const problem = bad && (bad.state === 'missing' || bad.state === 'no-container') ? await kubeletPodProblem(host, cfg, bad.component) : undefined;
      if (bad && problem) lines.push(`the kubelet cannot make ${bad.component}'s pod: ${problem}`);
      if (bad && problem && !cause) cause = `the kubelet cannot make the ${bad.component} pod: ${problem}`;
      if (bad && !cause) {
        const said = 'log' in bad && bad.log ? `: its log says "${bad.log.split('\n').filter((l) => l.trim()).pop()}"` : '';
        cause =
          bad.state === 'missing'
            ? `the kubelet has not started the ${bad.component} static pod (look at the kubelet's log for why)`
            : bad.state === 'no-container'
              ? `the ${bad.component} container was never created (check the image and the sandbox image in containerd's config)`
              : `${bad.component} is ${bad.state}${said}`;
      }
    } catch (e) {
      lines.push(`could not list the static pods: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  lines.push(cause ? `likely cause: ${cause}` : 'likely cause: unknown; every static pod runs, so look at the component that does not answer (its log, its flags in ' + paths.manifestsDir + ')');
  return lines.join('\n');
}
