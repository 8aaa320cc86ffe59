// kubelet-finalize's one job: once the kubelet has a rotatable client certificate
// (/var/lib/kubelet/pki/kubelet-client-current.pem), point kubelet.conf's user at it instead of
// the embedded certificate, so rotation takes effect (kubeadm's enable-client-cert-rotation).

import type { InitConfig } from '../config/types.js';
import { HostError } from '../errors.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';

export type RotationOutcome =
  | { kind: 'no-rotatable-cert'; pem: string }
  | { kind: 'already'; kubeconfig: string; pem: string }
  | { kind: 'updated'; kubeconfig: string; pem: string };

/** The kubelet's cert dir: its --cert-dir from kubeletExtraArgs, else /var/lib/kubelet/pki. */
export function kubeletPemPath(cfg: InitConfig, paths: Paths): string {
  const certDir = cfg.nodeRegistration.kubeletExtraArgs.filter((a) => a.name === 'cert-dir').pop()?.value;
  return certDir ? `${certDir.replace(/\/+$/, '')}/kubelet-client-current.pem` : paths.kubeletClientCurrentPem;
}

type Named<T> = { name: string } & T;
interface Kubeconfig {
  'current-context'?: string;
  contexts?: Named<{ context?: { user?: string; cluster?: string } }>[];
  users?: Named<{ user?: Record<string, unknown> }>[];
  clusters?: Named<{ cluster?: Record<string, unknown> }>[];
}

/** kubelet.conf, parsed, and the user of its current context (errors say how to re-create it) */
export async function readKubeletUser(host: Host, paths: Paths): Promise<{ file: string; kc: Kubeconfig; user: Named<{ user?: Record<string, unknown> }> }> {
  const file = paths.kubeconfig('kubelet');
  const text = await host.readText(file);
  const bad = (why: string) => new HostError('KUBELET_CONF_INVALID', `${file} ${why}`, `re-create it with "mini-kubeadm init phase kubeconfig kubelet" after removing it, then run this phase again`);
  if (text === undefined) throw bad('does not exist');
  const yaml = await import('js-yaml');
  const kc = yaml.load(text) as Kubeconfig | null;
  const ctxName = kc?.['current-context'];
  if (!kc || !ctxName) throw bad('does not have current context set');
  const userName = kc.contexts?.find((c) => c.name === ctxName)?.context?.user;
  if (!userName) throw bad(`is not a valid kubeconfig: no user for its current context "${ctxName}"`);
  const user = kc.users?.find((u) => u.name === userName);
  if (!user) throw bad(`does not contain authentication for user "${userName}"`);
  return { file, kc, user };
}

export async function enableClientCertRotation(host: Host, cfg: InitConfig, paths: Paths): Promise<RotationOutcome> {
  const pem = kubeletPemPath(cfg, paths);
  if (!(await host.exists(pem))) return { kind: 'no-rotatable-cert', pem };
  const { file, kc, user } = await readKubeletUser(host, paths);
  const yaml = await import('js-yaml');
  const u = (user.user ??= {});
  if (u['client-certificate'] === pem && u['client-key'] === pem && !u['client-certificate-data'] && !u['client-key-data']) {
    return { kind: 'already', kubeconfig: file, pem };
  }
  delete u['client-certificate-data'];
  delete u['client-key-data'];
  u['client-certificate'] = pem;
  u['client-key'] = pem;
  await host.writeFile(file, yaml.dump(kc, { lineWidth: -1, noArrayIndent: true }), 0o600);
  return { kind: 'updated', kubeconfig: file, pem };
}

