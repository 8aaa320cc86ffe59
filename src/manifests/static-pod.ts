// Making and writing one static-pod manifest: what it needs from the node (through the host),
// the rendered file, and the write (0600 in a 0700 directory; no write when the content is the
// same; regenerated, and said so, when it differs, as kubeadm regenerates its manifests).

import path from 'node:path';
import type { InitConfig } from '../config/types.js';
import { factsFor, type Facts } from '../config/versions.js';
import type { Host } from '../host/host.js';
import { componentSpec, componentValues, type NodeFacts } from './components.js';
import { renderManifest, type TemplateName } from './render.js';
import type { StaticPod } from './validate.js';
import { presentCaBundleDirs } from './volumes.js';

export type WriteOutcome = 'created' | 'unchanged' | 'replaced';

/** Reads what the manifests depend on from the node: CA-bundle dirs, an external CA, the proxy env. */
export async function readNodeFacts(host: Host, cfg: InitConfig, facts: Facts, env: Readonly<Record<string, string | undefined>>): Promise<NodeFacts> {
  const ca = (f: string) => host.exists(path.posix.join(cfg.certificatesDir, f));
  return {
    presentCaDirs: await presentCaBundleDirs(host, facts),
    env,
    externalCA: (await ca('ca.crt')) && !(await ca('ca.key')),
  };
}

/** The manifest text of one component, rendered, parsed back and validated. */
export async function buildManifest(name: TemplateName, cfg: InitConfig, node: NodeFacts, facts: Facts = factsFor(cfg.kubernetesVersion)): Promise<{ text: string; pod: StaticPod }> {
  return renderManifest(name, componentValues(componentSpec(name), cfg, facts, node));
}

/** Writes a manifest file (0600) into its directory (created 0700 when missing). */
export async function writeManifest(host: Host, manifestsDir: string, name: TemplateName, text: string): Promise<{ path: string; outcome: WriteOutcome }> {
  const file = path.posix.join(manifestsDir, `${name}.yaml`);
  const before = await host.readText(file);
  if (before === text) return { path: file, outcome: 'unchanged' };
  if (!(await host.exists(manifestsDir))) await host.mkdir(manifestsDir, 0o700);
  await host.writeFile(file, text, 0o600);
  return { path: file, outcome: before === undefined ? 'created' : 'replaced' };
}
