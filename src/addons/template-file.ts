// Reads an add-on template shipped with mini-kubeadm (templates/addons/), through
// host/templates.ts (the package's files or the single executable's assets).

import { MkError } from '../errors.js';
import { readShippedTemplate } from '../host/templates.js';

export async function readAddonTemplate(name: string): Promise<string> {
  const got = await readShippedTemplate(`addons/${name}`);
  if ('missing' in got) throw new MkError(`add-on template ${got.missing} is missing`, { code: 'TEMPLATE_MISSING', fault: 'internal', hint: 'the mini-kubeadm installation is incomplete: reinstall it' });
  return got.text;
}
