// Where the API server is reached, parsed and checked as kubeadm does: the control-plane
// endpoint (host[:port]) and this node's own endpoint (ADVERTISE:PORT). Certificates take
// their SANs from it and kubeconfigs their server URLs.

import { UserError } from '../errors.js';
import { canonicalIp, isIPv6Address } from './ip-address.js';

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_LABEL}(\\.${DNS1123_LABEL})*$`);

/** kubeadm's test for a DNS SAN or host: an RFC 1123 subdomain, or one behind a "*." wildcard. */
export function isDnsName(name: string, allowWildcard = false): boolean {
  const n = allowWildcard && name.startsWith('*.') ? name.slice(2) : name;
  return n.length > 0 && n.length <= 253 && DNS1123_SUBDOMAIN.test(n);
}

export interface HostPort {
  /** an IP (canonical) or a DNS name */
  host: string;
  isIp: boolean;
  /** undefined when none was given */
  port?: number;
}

/** "host", "host:port", "[v6]:port" or a bare IPv6 address; a UserError naming `field` otherwise. */
export function parseHostPort(text: string, field: string): HostPort {
  let host = text.trim();
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(host);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
  } else if (!isIPv6Address(host) && host.includes(':')) {
    const i = host.lastIndexOf(':');
    portText = host.slice(i + 1);
    host = host.slice(0, i);
  }
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
      throw new UserError('BAD_ENDPOINT', `${field} "${text}": port ${portText} must be a number between 1 and 65535`, `give ${field} as HOST or HOST:PORT`);
    }
  }
  const ip = canonicalIp(host);
  if (ip !== undefined) return { host: ip, isIp: true, port };
  if (isDnsName(host)) return { host, isIp: false, port };
  throw new UserError(
    'BAD_ENDPOINT',
    `${field} "${text}": host "${host}" must be a valid IP address or a valid RFC-1123 DNS subdomain`,
    `give ${field} as HOST or HOST:PORT, with a lower-case DNS name or an IP address`,
  );
}

function joinHostPort(host: string, port: number): string {
  return isIPv6Address(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

export interface EndpointConfig {
  controlPlaneEndpoint: string;
  localAPIEndpoint: { advertiseAddress: string; bindPort: number };
}

/** The advertise address, canonical; a user error naming the flag when it is not an IP. */
export function advertiseIp(cfg: Pick<EndpointConfig, 'localAPIEndpoint'>): string {
  const ip = canonicalIp(cfg.localAPIEndpoint.advertiseAddress);
  if (ip === undefined) {
    throw new UserError(
      'BAD_ADVERTISE_ADDRESS',
      `the API server advertise address "${cfg.localAPIEndpoint.advertiseAddress}" is not an IP address`,
      'set --apiserver-advertise-address (localAPIEndpoint.advertiseAddress) to an IP address of this node',
    );
  }
  return ip;
}

/** https://ADVERTISE:PORT: this node's own API server. */
export function localApiServerUrl(cfg: EndpointConfig): string {
  return `https://${joinHostPort(advertiseIp(cfg), cfg.localAPIEndpoint.bindPort)}`;
}

/** https://CPE (its port, else the bind port) when controlPlaneEndpoint is set, else the local URL. */
export function controlPlaneUrl(cfg: EndpointConfig): string {
  const local = localApiServerUrl(cfg);
  if (cfg.controlPlaneEndpoint.trim() === '') return local;
  const hp = parseHostPort(cfg.controlPlaneEndpoint, '--control-plane-endpoint (controlPlaneEndpoint)');
  return `https://${joinHostPort(hp.host, hp.port ?? cfg.localAPIEndpoint.bindPort)}`;
}
