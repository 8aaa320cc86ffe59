// Strict rendering of add-on templates: every {{ name }} must have a value and every value
// must be used; a placeholder alone on its line takes a multi-line value, indented like it
// (or removes the line when empty). The result is parsed back and checked before use.

import yaml from 'js-yaml';
import { MkError } from '../errors.js';
import type { KubeObject } from '../kube/client.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

function templateError(template: string, message: string): MkError {
  return new MkError(`template ${template}: ${message}`, { code: 'TEMPLATE_RENDER', fault: 'internal', hint: 'the add-on template and the values given to it disagree: this is a bug in mini-kubeadm' });
}

export function renderTemplate(template: string, text: string, values: Record<string, string>): string {
  const used = new Set<string>();
  const missing = new Set<string>();
  const lookup = (name: string): string => {
    used.add(name);
    const v = values[name];
    if (v === undefined) {
      missing.add(name);
      return '';
    }
    return v;
  };
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const block = /^(\s*)\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}\s*$/.exec(line);
    if (block) {
      const value = lookup(block[2]!);
      if (value !== '') out.push(...value.replace(/\n$/, '').split('\n').map((l) => (l === '' ? '' : block[1] + l)));
      continue;
    }
    out.push(line.replace(PLACEHOLDER, (_m, name: string) => lookup(name)));
  }
  if (missing.size) throw templateError(template, `no value for ${[...missing].map((m) => `{{ ${m} }}`).join(', ')}`);
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length) throw templateError(template, `values never used: ${unused.join(', ')}`);
  return out.join('\n');
}

/** the YAML documents as objects; each must be a named Kubernetes object */
export function parseManifests(source: string, text: string): KubeObject[] {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text).filter((d) => d !== null && d !== undefined);
  } catch (e) {
    throw new MkError(`${source} is not valid YAML: ${(e as Error).message}`, { code: 'MANIFEST_INVALID', fault: 'user', hint: `check ${source} with "kubectl apply --dry-run=client -f ${source}"` });
  }
  return docs.map((d, i) => {
    const o = d as Partial<KubeObject> | undefined;
    const where = `${source}, document ${i + 1}`;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new MkError(`${where} is not a mapping`, { code: 'MANIFEST_INVALID', fault: 'user', hint: 'each YAML document must be one Kubernetes object' });
    if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string' || o.metadata.name === '') {
      throw new MkError(`${where} lacks apiVersion, kind or metadata.name`, { code: 'MANIFEST_INVALID', fault: 'user', hint: 'each YAML document must be one Kubernetes object with apiVersion, kind and metadata.name (a List is not supported)' });
    }
    return o as KubeObject;
  });
}

/** render, parse back, and check no placeholder survived */
export function renderManifests(template: string, text: string, values: Record<string, string>): KubeObject[] {
  const rendered = renderTemplate(template, text, values);
  if (/\{\{|\}\}/.test(rendered)) throw templateError(template, 'a malformed placeholder survived rendering');
  return parseManifests(template, rendered);
}
