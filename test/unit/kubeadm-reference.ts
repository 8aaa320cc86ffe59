// Reads the reference outputs of the real kubeadm (test/fixtures/addons/kubeadm-VERSION/,
// made by regenerate.sh): the objects `kubeadm init --dry-run` would create, in order.

import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import type { KubeObject } from '../../src/kube/client.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/addons');

export const REFERENCE_VERSIONS = ['v1.37.2', 'v1.29.15'] as const;

export function referenceFile(version: string, name: string): string | undefined {
  const p = path.join(FIXTURES, `kubeadm-${version}`, name);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}

/** every object kubeadm would CREATE, parsed (1.29 indents them with a tab) */
export function referenceCreates(version: string): KubeObject[] {
  const lines = referenceFile(version, 'init-dry-run.txt')!.split('\n');
  const out: KubeObject[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\[dryrun\] Would perform action CREATE/.test(lines[i]!)) continue;
    if (!/^\[dryrun\] Attached object:/.test(lines[i + 1] ?? '')) continue;
    const body: string[] = [];
    for (let j = i + 2; j < lines.length && lines[j] !== '' && !lines[j]!.startsWith('['); j++) body.push(lines[j]!.replace(/^\t/, ''));
    out.push(yaml.load(body.join('\n')) as KubeObject);
  }
  return out;
}

export function referenceObject(version: string, kind: string, name: string): KubeObject {
  const o = referenceCreates(version).find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`kubeadm ${version} creates no ${kind} ${name}`);
  return o;
}

/** the join command's CA hash as kubeadm printed it */
export function referenceJoinHash(version: string): string {
  const m = /--discovery-token-ca-cert-hash (sha256:[0-9a-f]{64})/.exec(referenceFile(version, 'init-dry-run.txt')!);
  return m![1]!;
}
