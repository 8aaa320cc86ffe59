// The templates mini-kubeadm ships (templates/ of the package), read through this one place:
// from the package's files, or, in the single executable (scripts/sea.mjs), from its embedded
// assets, keyed by their path under templates/. They belong to the machine running
// mini-kubeadm, not to the node, so --rootfs never applies.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** templates/ at the package root: this file sits three levels below it, in dist/src/host/ as in dist/bundle/esm/ */
function packageTemplates(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../templates');
}

/**
 * node:sea when this process is the single executable. Not import(): the executable's script
 * can load builtins only through require, and process.getBuiltinModule (Node 20.16+; the
 * executable is always built on such a Node) works in both.
 */
function seaRuntime(): typeof import('node:sea') | undefined {
  const sea = process.getBuiltinModule?.('node:sea') as typeof import('node:sea') | undefined;
  return sea?.isSea() ? sea : undefined;
}

/** The text of templates/REL (e.g. "manifests/etcd.yaml"), or undefined with where it was looked for when it is missing. */
export async function readShippedTemplate(rel: string): Promise<{ text: string } | { missing: string }> {
  const sea = seaRuntime();
  if (sea) {
    try {
      return { text: sea.getAsset(rel, 'utf8') };
    } catch {
      return { missing: `asset ${rel} of this executable` };
    }
  }
  const { RealHost } = await import('./real-host.js');
  const file = path.join(packageTemplates(), rel);
  const text = await new RealHost('/').readText(file);
  return text === undefined ? { missing: file } : { text };
}
