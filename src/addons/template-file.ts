// Reads an add-on template shipped with mini-kubeadm (templates/addons/). These are files of
// the package on the machine running mini-kubeadm, not of the node, so they are read through
// a RealHost at "/" whatever --rootfs says.

import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { MkError } from '../errors.js';

/** templates/ at the package root, from dist/src/addons/ */
const TEMPLATES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../templates/addons');

export async function readAddonTemplate(name: string): Promise<string> {
  const { RealHost } = await import('../host/real-host.js');
  const file = path.join(TEMPLATES, name);
  const text = await new RealHost('/').readText(file);
  if (text === undefined) throw new MkError(`add-on template ${file} is missing`, { code: 'TEMPLATE_MISSING', fault: 'internal', hint: 'the mini-kubeadm installation is incomplete: reinstall it' });
  return text;
}
