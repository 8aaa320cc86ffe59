// This node's Node object: waiting for the kubelet to register it (kubeadm waits for the
// kubernetes.io/hostname label) and patching it without losing a concurrent change.

import { HostError } from '../errors.js';
import type { KubeClient, KubeObject, ObjectRef } from './client.js';
import { waitFor } from './wait.js';

export const nodeRef = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Node', name });

/** keeps a wait going past its deadline while the reason it gives holds (see waitFor's extend) */
export interface KeepWaiting {
  extend: () => Promise<string | undefined>;
  onExtend: (reason: string) => void;
}

export async function waitForNode(client: KubeClient, name: string, timeoutMs: number, keep?: KeepWaiting): Promise<KubeObject> {
  return waitFor({
    ...keep,
    what: `Node "${name}" to be registered by its kubelet`,
    timeoutMs,
    probe: async () => {
      const n = await client.get(nodeRef(name));
      return n?.metadata.labels?.['kubernetes.io/hostname'] !== undefined ? n : undefined;
    },
    diagnose: async () => {
      const n = await client.get(nodeRef(name));
      const seen = n ? 'it exists but has no kubernetes.io/hostname label yet' : 'the API server has no such Node';
      return (
        `${seen}. The kubelet registers the Node: is it running ("systemctl status kubelet", "journalctl -u kubelet -n 50")? ` +
        `Does its node name equal nodeRegistration.name / --node-name "${name}" (a --hostname-override in kubeadm-flags.env changes it)? ` +
        'A slow node may need a longer timeouts.kubernetesAPICall.'
      );
    },
  });
}

/** patch built from the current Node; retried when someone else changed it in between (409) */
export async function patchNode(client: KubeClient, name: string, timeoutMs: number, build: (n: KubeObject) => Record<string, unknown> | undefined, keep?: KeepWaiting): Promise<'patched' | 'unchanged'> {
  for (let attempt = 0; ; attempt++) {
    const node = await waitForNode(client, name, timeoutMs, keep);
    const patch = build(node);
    if (!patch) return 'unchanged';
    try {
      await client.mergePatch(nodeRef(name), patch);
      return 'patched';
    } catch (e) {
      const conflict = e instanceof HostError && (e.cause as { status?: number } | undefined)?.status === 409;
      if (!conflict || attempt >= 5) throw e;
    }
  }
}
