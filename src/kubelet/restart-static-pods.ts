// After `certs renew`, the static pods that read a renewed file start again, by the kubelet's own
// rule: it replaces a static pod whose manifest changed. Each manifest gets one annotation (the
// renewal's time) and nothing else; the kubelet then stops the old pod and starts a new one, and
// this waits, bounded and diagnosed, until each has a new running container and answers its
// health endpoint again. A component without a manifest here is not a static pod of this node.

import type { InitConfig } from '../config/types.js';
import { HostError } from '../errors.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import * as cri from '../host/cri.js';
import { waitFor } from '../host/wait.js';
import { adminClientTls, componentHealthTargets } from './control-plane-wait.js';
import { diagnoseControlPlane } from './diagnose.js';
import { probeHealth } from './http-probe.js';

export const RENEWED_ANNOTATION = 'mini-kubeadm.io/certificates-renewed';

export interface RestartDeps {
  host: Host;
  cfg: InitConfig;
  paths: Paths;
  say: (msg: string) => void;
  now: Date;
}

/** The manifest's text with the annotation set to `stamp` (added under metadata.annotations, or replaced). */
export async function annotateManifest(text: string, stamp: string, file: string): Promise<string> {
  const line = `    ${RENEWED_ANNOTATION}: "${stamp}"`;
  const existing = new RegExp(`^ {4}${RENEWED_ANNOTATION.replace(/[./]/g, '\\$&')}:.*$`, 'm');
  let out: string;
  if (existing.test(text)) out = text.replace(existing, line);
  else if (/^metadata:\n {2}annotations:\n/m.test(text)) out = text.replace(/^metadata:\n {2}annotations:\n/m, (m) => `${m}${line}\n`);
  else out = text.replace(/^metadata:\n/m, (m) => `${m}  annotations:\n${line}\n`);
  // the result must still be the same pod, now with the annotation: else the edit is refused
  const yaml = await import('js-yaml');
  const pod = yaml.load(out) as { metadata?: { annotations?: Record<string, string> } } | undefined;
  if (pod?.metadata?.annotations?.[RENEWED_ANNOTATION] !== stamp) {
    throw new HostError('MANIFEST_UNEXPECTED', `${file} is not laid out as mini-kubeadm and kubeadm write a static pod (a top-level metadata: block indented by two spaces)`, `restart the component yourself: move ${file} out of the manifests folder and back after 20 s`);
  }
  return out;
}

/** The newest container of this static pod runs and was created after `since`. */
async function restartedSince(host: Host, socket: string, component: string, since: number): Promise<{ ok: boolean; detail: string }> {
  const [pods, containers] = await Promise.all([cri.listPods(host, socket), cri.listContainers(host, socket)]);
  const ids = new Set(pods.filter((p) => p.namespace === 'kube-system' && p.name.startsWith(`${component}-`)).map((p) => p.id));
  const newest = containers.filter((c) => ids.has(c.podSandboxId) && c.name === component).sort((a, b) => b.createdAt - a.createdAt)[0];
  if (!newest) return { ok: false, detail: `no ${component} container yet` };
  // CRI times are nanoseconds
  const created = newest.createdAt / 1e6;
  if (created < since) return { ok: false, detail: `the kubelet has not replaced ${component} yet (its container is from ${new Date(created).toISOString()})` };
  return /RUNNING/i.test(newest.state) ? { ok: true, detail: 'running' } : { ok: false, detail: `the new ${component} container is ${newest.state}` };
}

/**
 * Annotates the manifests of `components` (those that exist), then waits for each to be
 * replaced and healthy; returns what it restarted and what it skipped (no manifest).
 */
export async function restartStaticPods(d: RestartDeps, components: readonly string[]): Promise<{ restarted: string[]; skipped: string[] }> {
  const skipped: string[] = [];
  const stamp = d.now.toISOString();
  const edits: { component: string; file: string; text: string }[] = [];
  for (const component of components) {
    const file = d.paths.manifest(component);
    const text = await d.host.readText(file);
    if (text === undefined) skipped.push(component);
    else edits.push({ component, file, text: await annotateManifest(text, stamp, file) });
  }
  if (edits.length === 0) return { restarted: [], skipped };
  const hasCrictl = await d.host.which('crictl');
  const since = Date.now();
  for (const e of edits) {
    await d.host.writeFile(e.file, e.text, 0o600);
    d.say(`[restart] wrote annotation ${RENEWED_ANNOTATION} into ${e.file}: the kubelet replaces the ${e.component} static pod`);
  }
  const targets = new Map((await componentHealthTargets(d.host, d.cfg, d.paths)).map((t) => [t.name, t.url]));
  const tls = await adminClientTls(d.host, d.paths);
  const timeoutMs = d.cfg.timeouts.controlPlaneComponentHealthCheckMs;
  await Promise.all(
    edits.map(async ({ component }) => {
      const url = targets.get(component);
      const ms = await waitFor({
        what: `${component} to be restarted by the kubelet and healthy again`,
        timeoutMs,
        intervalMs: 500,
        probe: async () => {
          if (hasCrictl) {
            const r = await restartedSince(d.host, d.cfg.nodeRegistration.criSocket, component, since);
            if (!r.ok) return r;
          }
          return url ? probeHealth(url, { tls: component === 'kube-apiserver' ? tls : undefined }) : { ok: true, detail: '' };
        },
        diagnose: (last) => diagnoseControlPlane(d.host, d.cfg, d.paths, `${component}: ${last ?? 'no answer'}`),
      });
      d.say(`[restart] ${component} restarted and ${url ? `healthy at ${url}` : 'running'} after ${(ms / 1000).toFixed(1)}s`);
    }),
  );
  // in the order asked (start order), not the order they came back in
  return { restarted: edits.map((e) => e.component), skipped };
}
