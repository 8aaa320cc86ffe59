// Host and port spelled for URLs and join commands (IPv6 in brackets), and the control-plane
// endpoint kubeadm derives: controlPlaneEndpoint (port defaulting to the bind port) or the
// local advertise address.

import type { InitConfig } from '../../config/types.js';

export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** https://CPE or https://ADVERTISE:PORT (kubeadm's GetControlPlaneEndpoint) */
export function controlPlaneURL(cfg: Pick<InitConfig, 'controlPlaneEndpoint' | 'localAPIEndpoint'>): string {
  const local = cfg.localAPIEndpoint;
  const cpe = cfg.controlPlaneEndpoint.trim();
  if (cpe === '') return `https://${hostPort(local.advertiseAddress, local.bindPort)}`;
  const bracketed = /^\[(.+)\](?::(\d+))?$/.exec(cpe);
  if (bracketed) return `https://${hostPort(bracketed[1]!, bracketed[2] ? Number(bracketed[2]) : local.bindPort)}`;
  const parts = cpe.split(':');
  if (parts.length === 2) return `https://${hostPort(parts[0]!, Number(parts[1]))}`;
  return `https://${hostPort(cpe, local.bindPort)}`;
}
