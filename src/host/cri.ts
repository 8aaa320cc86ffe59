// Verbs on the container runtime through its CRI socket (crictl), spelled once: phases ask
// for "the kube-system pods" or "the last log lines of etcd", never crictl arguments.

import type { Host } from './host.js';

export interface PodSandbox {
  id: string;
  name: string;
  namespace: string;
  state: string;
  createdAt: number;
}

export interface Container {
  id: string;
  podSandboxId: string;
  name: string;
  state: string;
  attempt: number;
  createdAt: number;
}

function crictl(host: Host, socket: string, args: string[], timeoutMs = 30_000) {
  return host.run('crictl', ['--runtime-endpoint', socket, '--timeout', '10s', ...args], { timeoutMs });
}

/** Does the runtime answer on this socket? */
export async function runtimeAnswers(host: Host, socket: string): Promise<{ ok: boolean; detail: string }> {
  if (!(await host.which('crictl'))) return { ok: false, detail: 'crictl is not installed' };
  const r = await crictl(host, socket, ['version']);
  return { ok: r.exitCode === 0, detail: (r.exitCode === 0 ? r.stdout : r.stderr).trim() };
}

/** Are all of IMAGES in the runtime's image store? One crictl call; false when any is not, or the runtime does not answer (imagePresent then says which and why). */
export async function imagesAllPresent(host: Host, socket: string, images: readonly string[]): Promise<boolean> {
  if (images.length === 0) return true;
  const r = await crictl(host, socket, ['inspecti', '-q', ...images]);
  return r.exitCode === 0;
}

/** Is IMAGE in the runtime's image store? "absent" only when the runtime says so; any other failure is "error". */
export async function imagePresent(host: Host, socket: string, image: string): Promise<{ state: 'present' | 'absent' | 'error'; detail: string }> {
  const r = await crictl(host, socket, ['inspecti', '-q', image]);
  if (r.exitCode === 0) return { state: 'present', detail: '' };
  const detail = lastLine(r.stderr || r.stdout);
  // crictl: 'no such image "X" present' (an image the runtime does not have)
  return { state: /no such image/i.test(detail) ? 'absent' : 'error', detail };
}

/**
 * Pulls IMAGE through the runtime, bounded by timeoutMs (crictl is stopped then, which cancels
 * the pull): a registry that does not answer ends in a clear reason, never a hang.
 */
export async function pullImage(host: Host, socket: string, image: string, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  try {
    const r = await crictl(host, socket, ['pull', image], timeoutMs);
    return { ok: r.exitCode === 0, detail: r.exitCode === 0 ? '' : lastLine(r.stderr || r.stdout) };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/timed out/i.test(msg)) return { ok: false, detail: `no answer within ${Math.round(timeoutMs / 1000)} s (is the registry reachable from this node?)` };
    throw e;
  }
}

/** crictl's last line, without its logger's frame (time="..." level=error msg="..."): the runtime's words */
function lastLine(text: string): string {
  const line = text.trim().split('\n').pop()?.trim() ?? '';
  const msg = /\bmsg="((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
  return msg === undefined ? line : msg.replace(/\\(.)/g, '$1');
}

export async function listPods(host: Host, socket: string): Promise<PodSandbox[]> {
  const r = await crictl(host, socket, ['pods', '-o', 'json']);
  if (r.exitCode !== 0) throw new Error(`crictl pods failed: ${r.stderr.trim()}`);
  const items = (JSON.parse(r.stdout || '{}') as { items?: Record<string, unknown>[] }).items ?? [];
  return items.map((p) => {
    const meta = (p.metadata ?? {}) as Record<string, string>;
    return { id: String(p.id), name: meta.name ?? '', namespace: meta.namespace ?? '', state: String(p.state), createdAt: Number(p.createdAt ?? 0) };
  });
}

export async function listContainers(host: Host, socket: string): Promise<Container[]> {
  const r = await crictl(host, socket, ['ps', '-a', '-o', 'json']);
  if (r.exitCode !== 0) throw new Error(`crictl ps failed: ${r.stderr.trim()}`);
  const items = (JSON.parse(r.stdout || '{}') as { containers?: Record<string, unknown>[] }).containers ?? [];
  return items.map((c) => {
    const meta = (c.metadata ?? {}) as Record<string, unknown>;
    return {
      id: String(c.id),
      podSandboxId: String(c.podSandboxId),
      name: String(meta.name ?? ''),
      state: String(c.state),
      attempt: Number(meta.attempt ?? 0),
      createdAt: Number(c.createdAt ?? 0),
    };
  });
}

/** How a container ended, as the runtime recorded it (crictl inspect): its exit code and reason. */
export async function containerExit(host: Host, socket: string, id: string): Promise<{ exitCode?: number; reason?: string }> {
  const r = await crictl(host, socket, ['inspect', '-o', 'json', id]);
  if (r.exitCode !== 0) throw new Error(`crictl inspect ${id} failed: ${r.stderr.trim()}`);
  const status = ((JSON.parse(r.stdout || '{}') as { status?: Record<string, unknown> }).status ?? {}) as Record<string, unknown>;
  const code = typeof status.exitCode === 'number' ? status.exitCode : undefined;
  const reason = typeof status.reason === 'string' && status.reason ? status.reason : undefined;
  return { exitCode: code, reason };
}

/** the last lines a container wrote (stdout and stderr together) */
export async function containerLogs(host: Host, socket: string, id: string, tail = 20): Promise<string> {
  const r = await crictl(host, socket, ['logs', '--tail', String(tail), id]);
  return `${r.stdout}${r.stderr}`.trim();
}

/**
 * Stops and removes a pod sandbox. A container the runtime is still starting cannot be removed
 * yet ("container is in starting state"): the pair is tried again, as kubeadm's reset does, with
 * growing pauses (0.25 s, 0.5 s, 1 s, 2 s, then 4 s and 8 s three times: ~30 s in all, since a
 * kube-apiserver whose etcd member just left can take that long to stop: "cannot delete running
 * task", seen in test:ha), and the last error is the one reported. A container named as a
 * running task is removed by itself (crictl rm --force) before the next try.
 */
export async function stopAndRemovePod(host: Host, socket: string, id: string, pausesMs: readonly number[] = [250, 500, 1000, 2000, 4000, 8000, 8000, 8000]): Promise<void> {
  let running: string | undefined;
  for (let attempt = 0; ; attempt++) {
    // a container whose task outlived the sandbox's stop (seen under load in test:ha: "cannot
    // delete running task" for 30 s): removed by itself, with force (stopped first), before the next try
    if (running !== undefined) await crictl(host, socket, ['rm', '--force', running]);
    const stop = await crictl(host, socket, ['stopp', id]);
    const rm = stop.exitCode === 0 ? await crictl(host, socket, ['rmp', id]) : undefined;
    if (rm?.exitCode === 0) return;
    running = rm ? /cannot delete running task ([0-9a-f]{12,64})/.exec(rm.stderr)?.[1] : undefined;
    const failure = rm ? `crictl rmp ${id} failed: ${rm.stderr.trim()}` : `crictl stopp ${id} failed: ${stop.stderr.trim()}`;
    const pause = pausesMs[attempt];
    if (pause === undefined) throw new Error(attempt > 0 ? `${failure} (after ${attempt + 1} attempts)` : failure);
    await new Promise((r) => setTimeout(r, pause));
  }
}
