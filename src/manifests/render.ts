// Strict rendering of the manifest templates (templates/manifests/*.yaml): every placeholder
// must get a value and every value must have a placeholder; the result is parsed back and
// checked as a static pod before anyone writes it.

import { readShippedTemplate } from '../host/templates.js';
import { validateStaticPod, type StaticPod } from './validate.js';

export type TemplateName = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler';
export type TemplateValues = Record<string, unknown>;

const PLACEHOLDER = /\{\{([A-Za-z][A-Za-z0-9]*)\}\}/g;
const BLOCK_LINE = /^(\s*)\{\{([A-Za-z][A-Za-z0-9]*)\}\}\s*$/;

/** A template or its values do not fit: a bug in mini-kubeadm, never the user's input. */
export class TemplateError extends Error {
  constructor(template: string, message: string) {
    super(`template ${template}: ${message}`);
    this.name = 'TemplateError';
  }
}

type Yaml = typeof import('js-yaml');
let yamlModule: Promise<Yaml> | undefined;
function loadYaml(): Promise<Yaml> {
  yamlModule ??= import('js-yaml').then((m) => (m as unknown as { default?: Yaml }).default ?? m);
  return yamlModule;
}

/** The text of a template shipped with mini-kubeadm (read from the package, never under --rootfs). */
export async function readTemplate(name: TemplateName): Promise<string> {
  const got = await readShippedTemplate(`manifests/${name}.yaml`);
  if ('missing' in got) throw new TemplateError(name, `missing file ${got.missing}`);
  return got.text;
}

/** Drops the template's leading comment block (it documents the template, not the manifest). */
function stripHeader(text: string): string {
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && lines[i]!.startsWith('#')) i++;
  return lines.slice(i).join('\n');
}

/** Fills the placeholders; fails on a missing or unused one. Pure text, no parsing. */
export async function fillTemplate(name: string, template: string, values: TemplateValues): Promise<string> {
  const yaml = await loadYaml();
  const body = stripHeader(template);
  const used = new Set<string>();
  const missing = new Set<string>();
  const valueOf = (key: string): unknown => {
    used.add(key);
    if (!Object.hasOwn(values, key) || values[key] === undefined) missing.add(key);
    return values[key];
  };
  const out: string[] = [];
  for (const line of body.split('\n')) {
    const block = BLOCK_LINE.exec(line);
    if (block) {
      const [, indent, key] = block as unknown as [string, string, string];
      const v = valueOf(key);
      if (v === undefined) continue;
      if (v === null || typeof v !== 'object') throw new TemplateError(name, `{{${key}}} stands alone on its line and needs a list or a mapping`);
      if (!Array.isArray(v) && Object.keys(v).length === 0) continue;
      const text = yaml.dump(v, { lineWidth: -1, noRefs: true, noArrayIndent: true }).trimEnd();
      for (const l of text.split('\n')) out.push(indent + l);
      continue;
    }
    out.push(
      line.replace(PLACEHOLDER, (_m, key: string) => {
        const v = valueOf(key);
        if (v === undefined) return '';
        if (v === null || typeof v === 'object') throw new TemplateError(name, `{{${key}}} sits inside a line and needs a scalar`);
        return yaml.dump(v, { lineWidth: -1, flowLevel: 0 }).trimEnd();
      }),
    );
  }
  if (missing.size > 0) throw new TemplateError(name, `no value for placeholder(s) ${[...missing].map((k) => `{{${k}}}`).join(', ')}`);
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length > 0) throw new TemplateError(name, `value(s) with no placeholder: ${unused.join(', ')}`);
  return out.join('\n');
}

/** Renders a template, parses the result back and validates it as a static pod of that component. */
export async function renderManifest(name: TemplateName, values: TemplateValues, template?: string): Promise<{ text: string; pod: StaticPod }> {
  const text = await fillTemplate(name, template ?? (await readTemplate(name)), values);
  const yaml = await loadYaml();
  let parsed: unknown;
  try {
    parsed = yaml.load(text);
  } catch (e) {
    throw new TemplateError(name, `rendered text is not YAML: ${(e as Error).message}`);
  }
  const problems = validateStaticPod(parsed, name);
  if (problems.length > 0) throw new TemplateError(name, `rendered manifest is not a valid static pod: ${problems.join('; ')}`);
  return { text, pod: parsed as StaticPod };
}
