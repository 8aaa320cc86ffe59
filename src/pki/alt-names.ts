// The subject alternative names kubeadm puts in the serving certificates, built from the
// configuration: the API server's (node name, kubernetes.default..., service VIP, advertise
// address, control-plane endpoint, certSANs) and etcd's (node name, localhost, loopbacks).

import { UserError } from '../errors.js';
import type { InitConfig } from '../config/types.js';
import type { AltNamesKind } from './cert-specs.js';
import { advertiseIp, isDnsName, parseHostPort } from './api-endpoint.js';
import { canonicalIp, cidrAddress } from './ip-address.js';

export interface AltNames {
  /** de-duplicated and sorted, as kubeadm writes them */
  dns: string[];
  /** canonical text, de-duplicated, in kubeadm's order */
  ips: string[];
  /** extra SANs that were neither an IP nor a DNS name: kubeadm warns and leaves them out */
  dropped: string[];
}

/** kubeadm's RemoveDuplicateAltNames: DNS names sorted and unique, IPs unique in first-seen order. */
export function normaliseAltNames(dns: readonly string[], ips: readonly string[], dropped: string[] = []): AltNames {
  const seenIps = new Set<string>();
  const outIps: string[] = [];
  for (const ip of ips) {
    const c = canonicalIp(ip) ?? ip;
    if (!seenIps.has(c)) {
      seenIps.add(c);
      outIps.push(c);
    }
  }
  return { dns: [...new Set(dns)].sort(), ips: outIps, dropped };
}

/** Sort user-given SANs into IPs and DNS names; anything else is dropped (kubeadm warns). */
function appendSans(dns: string[], ips: string[], dropped: string[], sans: readonly string[]): void {
  for (const raw of sans) {
    const san = raw.trim();
    if (san === '') continue;
    const ip = canonicalIp(san);
    if (ip !== undefined) ips.push(ip);
    else if (isDnsName(san, true)) dns.push(san);
    else dropped.push(san);
  }
}

/** The first IP of the (first) service CIDR: the `kubernetes` Service's ClusterIP. */
export function apiServerServiceIp(cfg: Pick<InitConfig, 'networking'>): string {
  const first = cfg.networking.serviceSubnet.split(',')[0] ?? '';
  const ip = cidrAddress(first, 1);
  if (ip === undefined) {
    throw new UserError(
      'BAD_SERVICE_CIDR',
      `the service CIDR "${cfg.networking.serviceSubnet}" is not a CIDR`,
      'set --service-cidr (networking.serviceSubnet) to a range such as 10.96.0.0/12',
    );
  }
  return ip;
}

/** apiserver.crt: node name, kubernetes[.default[.svc[.DOMAIN]]], CPE host, certSANs; service VIP, advertise address, CPE IP, certSANs. */
export function apiServerAltNames(cfg: InitConfig): AltNames {
  const dns = [
    cfg.nodeRegistration.name,
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    `kubernetes.default.svc.${cfg.networking.dnsDomain}`,
  ];
  const ips = [apiServerServiceIp(cfg), advertiseIp(cfg)];
  if (cfg.controlPlaneEndpoint.trim() !== '') {
    const hp = parseHostPort(cfg.controlPlaneEndpoint, '--control-plane-endpoint (controlPlaneEndpoint)');
    (hp.isIp ? ips : dns).push(hp.host);
  }
  const dropped: string[] = [];
  appendSans(dns, ips, dropped, cfg.apiServer.certSANs);
  return normaliseAltNames(dns, ips, dropped);
}

/** etcd/server.crt and etcd/peer.crt: node name, localhost; advertise address, 127.0.0.1, ::1; plus the configured extra SANs. */
export function etcdAltNames(cfg: InitConfig, which: 'server' | 'peer'): AltNames {
  const dns = [cfg.nodeRegistration.name, 'localhost'];
  const ips = [advertiseIp(cfg), '127.0.0.1', '::1'];
  const dropped: string[] = [];
  const local = cfg.etcd.local;
  if (local) appendSans(dns, ips, dropped, which === 'server' ? local.serverCertSANs : local.peerCertSANs);
  return normaliseAltNames(dns, ips, dropped);
}

/** The SANs a table row names, for this configuration. */
export function altNamesFor(kind: AltNamesKind, cfg: InitConfig): AltNames {
  switch (kind) {
    case 'apiserver':
      return apiServerAltNames(cfg);
    case 'etcd-server':
      return etcdAltNames(cfg, 'server');
    case 'etcd-peer':
      return etcdAltNames(cfg, 'peer');
  }
}
