// Which container runtime socket reset talks to: the one given, else the one found on the node
// among kubeadm's known sockets (found through the host, so --rootfs is honoured).

import type { Host } from '../host/host.js';

/** kubeadm's known CRI endpoints (constants.go: containerd, CRI-O, cri-dockerd) */
export const KNOWN_CRI_SOCKETS: readonly { runtime: string; endpoint: string }[] = [
  { runtime: 'containerd', endpoint: 'unix:///var/run/containerd/containerd.sock' },
  { runtime: 'CRI-O', endpoint: 'unix:///var/run/crio/crio.sock' },
  { runtime: 'cri-dockerd', endpoint: 'unix:///var/run/cri-dockerd.sock' },
];

export function socketPath(endpoint: string): string {
  return endpoint.replace(/^unix:\/\//, '');
}

export type CriChoice = { endpoint: string; how: string } | { none: string } | { ambiguous: string[] };

export async function chooseCriSocket(host: Host, given: string | undefined): Promise<CriChoice> {
  if (given) return { endpoint: given.includes('://') ? given : `unix://${given}`, how: 'given with --cri-socket' };
  const found: string[] = [];
  for (const s of KNOWN_CRI_SOCKETS) if (await host.exists(socketPath(s.endpoint))) found.push(s.endpoint);
  if (found.length === 0) return { none: `no container runtime socket found (looked for ${KNOWN_CRI_SOCKETS.map((s) => socketPath(s.endpoint)).join(', ')})` };
  if (found.length > 1) return { ambiguous: found };
  return { endpoint: found[0]!, how: 'found on this node' };
}
