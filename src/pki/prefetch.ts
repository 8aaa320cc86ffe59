// Starts, all at once, the keys the certs phase is about to need (every cert with neither file
// on disk, and sa), and the certificate library, so the sub-phases find them ready.

import { certFiles } from './cert-files.js';
import { certSpec, certsFor, SA_KEY } from './cert-specs.js';
import type { PkiDeps } from './ensure.js';
import { loadX509 } from './issue.js';

export async function prefetchCertKeys(deps: PkiDeps): Promise<void> {
  const exists = (p: string) => deps.host.exists(p);
  const ids: string[] = [];
  const keylessCa = async (name: string) => {
    const f = certFiles(deps.paths, certSpec(name).baseName);
    return (await exists(f.crt)) && !(await exists(f.key));
  };
  for (const spec of certsFor(deps.cfg)) {
    const f = certFiles(deps.paths, spec.baseName);
    if ((await exists(f.crt)) || (await exists(f.key))) continue;
    if (spec.signer && (await keylessCa(spec.signer))) continue;
    ids.push(spec.name);
  }
  const saMissing = !(await exists(deps.paths.pki(SA_KEY.privateKey))) && !(await exists(deps.paths.pki(SA_KEY.publicKey)));
  if (saMissing && !(await keylessCa('ca'))) ids.push(SA_KEY.name);
  if (ids.length === 0) return;
  deps.keys.prefetch(ids, deps.cfg.encryptionAlgorithm);
  // only certificates need the library; a failure to load it surfaces where it is used
  if (ids.some((id) => id !== SA_KEY.name)) loadX509().catch(() => {});
}
