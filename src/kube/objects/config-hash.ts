// kubeadm's component-config signature: sha256 over a ConfigMap's data values (keys sorted),
// written as annotation kubeadm.kubernetes.io/component-config.hash, so upgrades can tell a
// ConfigMap kubeadm wrote from one a person edited.

import { createHash } from 'node:crypto';
import type { KubeObject } from '../client.js';

export const COMPONENT_CONFIG_HASH = 'kubeadm.kubernetes.io/component-config.hash';

export function configMapChecksum(data: Record<string, string>, binaryData: Record<string, string> = {}): string {
  const h = createHash('sha256');
  for (const k of Object.keys(data).sort()) h.update(data[k]!);
  for (const k of Object.keys(binaryData).sort()) h.update(Buffer.from(binaryData[k]!, 'base64'));
  return `sha256:${h.digest('hex')}`;
}

/** the ConfigMap with its signature annotation */
export function signConfigMap(cm: KubeObject): KubeObject {
  const data = (cm.data ?? {}) as Record<string, string>;
  return { ...cm, metadata: { ...cm.metadata, annotations: { ...cm.metadata.annotations, [COMPONENT_CONFIG_HASH]: configMapChecksum(data) } } };
}
