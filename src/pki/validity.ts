// When a certificate is valid from and until: kubeadm 1.31+ counts from the moment the run
// started (backdated 5 minutes) and honours the validity-period fields; 1.29-1.30 counted from
// each signing and dated a leaf from its CA (kubeadm-spec.md, per-minor "cert validity").

import type { InitConfig } from '../config/types.js';
import { pkiFacts } from '../config/versions.js';

/** kubeadm's CertificateBackdate: tolerates clocks a little behind ours */
export const BACKDATE_MS = 5 * 60_000;

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

type ValidityConfig = Pick<InitConfig, 'kubernetesVersion' | 'certificateValidityPeriodMs' | 'caCertificateValidityPeriodMs'>;

export function caValidity(cfg: ValidityConfig, startedAt: Date, now: Date = new Date()): Validity {
  const base = pkiFacts(cfg.kubernetesVersion).validityFrom === 'start' ? startedAt : now;
  return { notBefore: new Date(base.getTime() - BACKDATE_MS), notAfter: new Date(base.getTime() + cfg.caCertificateValidityPeriodMs) };
}

/** A leaf signed by a CA valid from caNotBefore (a kubeconfig's client cert counts the same way). */
export function leafValidity(cfg: ValidityConfig, startedAt: Date, caNotBefore: Date, now: Date = new Date()): Validity {
  if (pkiFacts(cfg.kubernetesVersion).validityFrom === 'start') {
    return { notBefore: new Date(startedAt.getTime() - BACKDATE_MS), notAfter: new Date(startedAt.getTime() + cfg.certificateValidityPeriodMs) };
  }
  return { notBefore: caNotBefore, notAfter: new Date(now.getTime() + cfg.certificateValidityPeriodMs) };
}

/** Client certs in kubeconfigs start with their CA in every minor; they end as leaves do. */
export function clientCertValidity(cfg: ValidityConfig, startedAt: Date, caNotBefore: Date, now: Date = new Date()): Validity {
  return { notBefore: caNotBefore, notAfter: leafValidity(cfg, startedAt, caNotBefore, now).notAfter };
}
