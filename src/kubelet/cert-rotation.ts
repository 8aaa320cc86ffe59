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
  contexts?: Named<{ context?: { user?: string } }>[];
  users?: Named<{ user?: Record<string, unknown> }>[];
}

/** kubelet.conf, parsed, and the user of its current context (errors say how to re-create it) */
async function readKubeletUser(host: Host, paths: Paths): Promise<{ file: string; kc: Kubeconfig; user: Named<{ user?: Record<string, unknown> }> }> {
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

/** Go's "2006-01-02-15-04-05" in local time: the name the kubelet's certificate store gives a pair */
export function storeTimestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----\r?\n?/g;

export type SeedOutcome =
  | { kind: 'seeded'; pem: string; file: string }
  | { kind: 'skipped'; why: string };

/**
 * What the kubelet itself does the first time it starts with kubelet.conf and client
 * certificate rotation on (client-go's certificate file store): the embedded client
 * certificate and key become `kubelet-client-<time>.pem` (0600: the certificates, then the
 * key) in its cert dir, and `kubelet-client-current.pem` a symbolic link to it. Done by the
 * standalone switch, this lets kubelet.conf point at the rotatable pair before the kubelet's
 * one restart there, instead of a second restart in kubelet-finalize. Skipped (the kubelet
 * and kubelet-finalize then do it as in kubeadm) when rotation is off, the pair already
 * exists, or kubelet.conf has no embedded pair.
 */
export async function seedClientCertStore(host: Host, cfg: InitConfig, paths: Paths, now = new Date()): Promise<SeedOutcome> {
  const pem = kubeletPemPath(cfg, paths);
  if (await host.exists(pem)) return { kind: 'skipped', why: `${pem} exists` };
  const yaml = await import('js-yaml');
  const kubeletConfig = yaml.load((await host.readText(paths.kubeletConfigFile)) ?? '') as { rotateCertificates?: unknown } | null;
  if (kubeletConfig?.rotateCertificates !== true) return { kind: 'skipped', why: `rotateCertificates is not true in ${paths.kubeletConfigFile}` };
  if (!(await host.exists(paths.kubeconfig('kubelet')))) return { kind: 'skipped', why: `there is no ${paths.kubeconfig('kubelet')}` };
  const user = (await readKubeletUser(host, paths)).user.user;
  const certData = user?.['client-certificate-data'];
  const keyData = user?.['client-key-data'];
  if (typeof certData !== 'string' || typeof keyData !== 'string') return { kind: 'skipped', why: `${paths.kubeconfig('kubelet')} has no embedded client certificate and key` };
  const certs = Buffer.from(certData, 'base64').toString('utf8').match(PEM_BLOCK)?.filter((b) => b.startsWith('-----BEGIN CERTIFICATE-----')) ?? [];
  const key = Buffer.from(keyData, 'base64').toString('utf8').match(PEM_BLOCK)?.[0];
  if (certs.length === 0 || !key) return { kind: 'skipped', why: `${paths.kubeconfig('kubelet')} holds no PEM client certificate and key` };
  const dir = pem.slice(0, pem.lastIndexOf('/'));
  const file = `${dir}/kubelet-client-${storeTimestamp(now)}.pem`;
  const withNewline = (b: string) => (b.endsWith('\n') ? b : `${b}\n`);
  await host.mkdir(dir, 0o755);
  await host.writeFile(file, [...certs, key].map(withNewline).join(''), 0o600);
  // relative, unlike client-go's absolute link (the kubelet replaces it when it rotates): the
  // same file then also resolves under --rootfs
  await host.symlink(file.slice(dir.length + 1), pem);
  return { kind: 'seeded', pem, file };
}
