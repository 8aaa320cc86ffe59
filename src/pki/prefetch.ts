// Starts the keys the certs phase is about to need (every cert with neither file on disk, and
// sa) in the order its sub-phases need them, so the sub-phases find them ready. The files are
// looked up all at once.

import { certFiles } from './cert-files.js';
import { certSpec, certsFor, SA_KEY } from './cert-specs.js';
import type { PkiDeps } from './ensure.js';

export async function prefetchCertKeys(deps: Pick<PkiDeps, 'cfg' | 'paths' | 'host' | 'keys'>): Promise<void> {
  const ids = await certKeyIds(deps);
  if (ids.length > 0) deps.keys.prefetch(ids, deps.cfg.encryptionAlgorithm);
}

/** The keys the certs phase will make (every cert with neither file on disk, and sa), in its sub-phases' order. */
export async function certKeyIds(deps: Pick<PkiDeps, 'cfg' | 'paths' | 'host'>): Promise<string[]> {
  const specs = certsFor(deps.cfg);
  const files = (name: string) => certFiles(deps.paths, certSpec(name).baseName);
  const paths = [
    ...specs.flatMap((s) => Object.values(files(s.name))),
    ...['ca', ...specs.map((s) => s.signer)].flatMap((ca) => (ca ? Object.values(files(ca)) : [])),
    deps.paths.pki(SA_KEY.privateKey),
    deps.paths.pki(SA_KEY.publicKey),
  ];
  const found = new Set<string>();
  await Promise.all([...new Set(paths)].map(async (p) => void ((await deps.host.exists(p)) && found.add(p))));
  const exists = (p: string) => found.has(p);
  const keylessCa = (name: string) => exists(files(name).crt) && !exists(files(name).key);

  const ids: string[] = [];
  for (const spec of specs) {
    const f = files(spec.name);
    if (exists(f.crt) || exists(f.key)) continue;
    if (spec.signer && keylessCa(spec.signer)) continue;
    ids.push(spec.name);
  }
  const saMissing = !exists(deps.paths.pki(SA_KEY.privateKey)) && !exists(deps.paths.pki(SA_KEY.publicKey));
  if (saMissing && !keylessCa('ca')) ids.push(SA_KEY.name);
  return ids;
}
