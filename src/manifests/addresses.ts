// Host:port and URL spelling for the addresses that manifests carry (IPv6 in brackets), as
// kubeadm's net.JoinHostPort and etcdutil.GetClientURL/GetPeerURL write them.

import { isIPv6 as nodeIsIPv6 } from 'node:net';

export const ETCD_CLIENT_PORT = 2379;
export const ETCD_PEER_PORT = 2380;

export function isIPv6(address: string): boolean {
  return nodeIsIPv6(address);
}

export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function clientURL(host: string): string {
  return `https://${joinHostPort(host, ETCD_CLIENT_PORT)}`;
}

export function peerURL(host: string): string {
  return `https://${joinHostPort(host, ETCD_PEER_PORT)}`;
}
