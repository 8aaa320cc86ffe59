// The join's wait for the kubelet's TLS bootstrap (kubeadm-join-spec.md §3.6): the kubelet's
// /healthz, then /etc/kubernetes/kubelet.conf usable (it parses and the client certificate and
// key it names exist), each with a deadline and, on timeout, a diagnosis of the kubelet.

import type { InitConfig } from '../config/types.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import * as systemd from '../host/systemd.js';
import { waitFor } from '../host/wait.js';
import { kubeletHealthUrl, waitForKubelet } from './control-plane-wait.js';

export interface BootstrapWaitDeps {
  host: Host;
  cfg: InitConfig;
  paths: Paths;
  say: (msg: string) => void;
  intervalMs?: number;
}

/** Why the kubelet has not bootstrapped: is it running, what it last logged, what to look at. */
export async function diagnoseKubeletBootstrap(host: Host, paths: Paths, last?: string): Promise<string> {
  const lines: string[] = [];
  if (last) lines.push(`last seen: ${last}`);
  if (await systemd.hasSystemctl(host)) {
    const active = await systemd.isActive(host, 'kubelet');
    lines.push(active ? 'the kubelet service is active' : 'the kubelet service is NOT active (systemctl status kubelet)');
  } else lines.push('no systemctl here: the kubelet must be started by hand');
  const journal = await systemd.journal(host, 'kubelet', 10).catch(() => undefined);
  if (journal) lines.push(`the kubelet's last log lines (journalctl -u kubelet):\n${journal.split('\n').filter((l) => l.trim()).slice(-10).map((l) => `    ${l}`).join('\n')}`);
  lines.push(
    'It is likely that the kubelet could not get its client certificate: it posts a CSR as the bootstrap token\'s user, and the kube-controller-manager approves and signs it. ' +
      `Check: "systemctl status kubelet", "journalctl -xeu kubelet", on the control plane "kubectl get csr" (a Pending CSR: is kube-controller-manager running?), and that ${paths.kubeconfig('bootstrap-kubelet')} reaches the API server.`,
  );
  return lines.join('\n');
}

/** kubelet.conf can be used: it parses and names a client certificate and key that exist (or embeds them) */
async function kubeletConfUsable(host: Host, paths: Paths): Promise<{ ok: boolean; detail: string }> {
  const file = paths.kubeconfig('kubelet');
  const text = await host.readText(file);
  if (text === undefined) return { ok: false, detail: `${file} does not exist yet` };
  const { kubeconfigTarget } = await import('../kube/kubeconfig-tls.js');
  try {
    const t = await kubeconfigTarget(text, file, (p) => host.readFile(p));
    return t.tls.cert && t.tls.key ? { ok: true, detail: 'usable' } : { ok: false, detail: `${file} has no client certificate yet` };
  } catch (e) {
    return { ok: false, detail: `${file}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The kubelet healthy, then kubelet.conf written by its TLS bootstrap; milliseconds each took. */
export async function waitForTlsBootstrap(d: BootstrapWaitDeps): Promise<{ healthyMs: number; bootstrapMs: number }> {
  const url = kubeletHealthUrl(d.cfg);
  const healthyMs = await waitForKubelet({ host: d.host, cfg: d.cfg, paths: d.paths, say: d.say, intervalMs: d.intervalMs ?? 500, diagnose: (l) => diagnoseKubeletBootstrap(d.host, d.paths, l) }, url);
  d.say(`[kubelet-check] The kubelet is healthy after ${(healthyMs / 1000).toFixed(1)}s`);
  d.say('[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap');
  const bootstrapMs = await waitFor({
    what: `the kubelet to perform the TLS Bootstrap (${d.paths.kubeconfig('kubelet')})`,
    probe: () => kubeletConfUsable(d.host, d.paths),
    timeoutMs: d.cfg.timeouts.tlsBootstrapMs,
    intervalMs: d.intervalMs ?? 1000,
    diagnose: (last) => diagnoseKubeletBootstrap(d.host, d.paths, last),
  });
  return { healthyMs, bootstrapMs };
}
