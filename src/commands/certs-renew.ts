// `certs renew NAME|all`: kubeadm's renewal (each named certificate re-signed from the one on
// disk by its CA, its lines as kubeadm prints them), then, beyond kubeadm, the static pods that
// read a renewed file are restarted by the kubelet (their manifests change) and awaited.

import type { FlagValues } from '../config/flags.js';
import { UserError } from '../errors.js';
import type { Io } from '../io.js';
import { RENEWAL_TARGETS, renewalTargetsFor, type RenewalTarget } from '../pki/renewals.js';
import { loadNodeConfig } from './node-config.js';

/** the static pods in kubeadm's start order: etcd first, the API server's clients last */
const START_ORDER = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

/** The rows NAME selects; an unknown name is a user error that lists the known ones. Checked before anything is read. */
export function selectRenewals(name: string | undefined): (available: RenewalTarget[]) => RenewalTarget[] {
  const known = ['all', ...RENEWAL_TARGETS.map((t) => t.name)];
  if (name === undefined || !known.includes(name)) {
    throw new UserError(
      name === undefined ? 'MISSING_CERTIFICATE_NAME' : 'UNKNOWN_CERTIFICATE',
      name === undefined ? 'certs renew needs the name of a certificate, or all' : `unknown certificate "${name}"`,
      `name one of: ${known.join(', ')}`,
    );
  }
  return (available) => {
    if (name === 'all') return available;
    const t = available.find((a) => a.name === name);
    if (!t) throw new UserError('CERTIFICATE_NOT_IN_CONFIG', `"${name}" is not a certificate of this configuration (etcd is external)`, `name one of: ${available.map((a) => a.name).join(', ')}`);
    return [t];
  };
}

export async function runCertsRenew(io: Io, name: string | undefined, flags: FlagValues): Promise<void> {
  const select = selectRenewals(name);
  const { host, cfg, paths } = await loadNodeConfig(io, flags);
  const [{ checkCertDir }, { renewAll }] = await Promise.all([import('../pki/expiration.js'), import('../pki/renew.js')]);
  await checkCertDir(host, paths.pkiDir);
  const targets = select(renewalTargetsFor(cfg));
  const now = new Date();
  const plans = await renewAll({ host, paths, cfg, now, newKey: flags['new-key'] === true }, targets);
  const out = (s: string) => io.stdout.write(`${s}\n`);
  for (const p of plans) {
    if (p.kind === 'missing') out(`MISSING! ${p.target.long}`);
    else if (p.kind === 'external-ca') out(`Detected external ${p.target.caName}, ${p.target.long} can't be renewed`);
    else out(`${p.target.long} renewed`);
  }
  const renewed = plans.filter((p) => p.kind === 'renew');
  if (name === 'all') out('\nDone renewing certificates.');
  const components = START_ORDER.filter((c) => renewed.some((p) => p.target.readBy.includes(c)));
  if (components.length === 0) return;
  const { restartStaticPods } = await import('../kubelet/restart-static-pods.js');
  const r = await restartStaticPods({ host, cfg, paths, now, say: (m) => out(m) }, components);
  if (r.restarted.length) out(`[restart] the kubelet restarted ${r.restarted.join(', ')}: they now use the renewed certificates`);
  if (r.skipped.length) out(`[restart] no static pod manifest for ${r.skipped.join(', ')} in ${paths.manifestsDir}: restart ${r.skipped.length === 1 ? 'it' : 'them'} wherever ${r.skipped.length === 1 ? 'it runs' : 'they run'} to use the renewed files`);
}
