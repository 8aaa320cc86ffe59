// The strict reader: walks a parsed YAML document against its schema and reports every
// unknown field and wrong type with its full path, the way kubeadm's strict decoding does.

import { parseGoDuration } from './duration.js';
import type { Problem } from './problems.js';
import { fieldExistsIn, type FieldSchema, type KubeadmKind } from './kubeadm-schema.js';
import type { KubeadmApiVersion } from './versions.js';

export interface StrictContext {
  kind: KubeadmKind;
  apiVersion: KubeadmApiVersion;
  file: string;
}

export function checkStrict(doc: unknown, schema: FieldSchema, ctx: StrictContext): Problem[] {
  const problems: Problem[] = [];
  walk(doc, schema, [], ctx, problems);
  return problems;
}

function walk(value: unknown, schema: FieldSchema, path: string[], ctx: StrictContext, out: Problem[]): void {
  // null is Go's zero value: as if the field were not there
  if (value === null || value === undefined) return;
  const where = () => `${ctx.kind}.${path.join('.').replace(/\.\[/g, '[')} in ${ctx.file}`;
  const wrong = (expected: string, hint?: string) =>
    out.push({ code: 'CONFIG_FIELD_TYPE', message: `${where()}: expected ${expected}, got ${describe(value)}`, hint });
  switch (schema.t) {
    case 'string':
      if (typeof value !== 'string') wrong('a string', typeof value === 'number' ? `quote the value: "${String(value)}" (YAML reads unquoted ${String(value)} as a number)` : undefined);
      return;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) wrong('an integer');
      return;
    case 'bool':
      if (typeof value !== 'boolean') wrong('true or false');
      return;
    case 'duration':
      if (typeof value !== 'string' || parseGoDuration(value) === undefined) wrong('a duration such as "24h0m0s", "4m" or "1h30m"', 'durations are strings in Go\'s format: a number and a unit (h, m, s, ms), several in a row');
      return;
    case 'list':
      if (!Array.isArray(value)) return void wrong('a list');
      value.forEach((item, i) => walk(item, schema.of, [...path, `[${i}]`], ctx, out));
      return;
    case 'map':
      if (!isPlainObject(value)) return void wrong('a mapping');
      for (const [k, v] of Object.entries(value)) walk(v, schema.of, [...path, k], ctx, out);
      return;
    case 'object': {
      if (!isPlainObject(value)) return void wrong('a mapping');
      for (const [k, v] of Object.entries(value)) {
        const field = schema.fields[k];
        if (field) {
          walk(v, field, [...path, k], ctx, out);
          continue;
        }
        const fieldPath = [...path, k];
        const elsewhere = fieldExistsIn(fieldPath.filter((p) => !p.startsWith('[')), ctx.kind).filter((ver) => ver !== ctx.apiVersion);
        const near = closest(k, Object.keys(schema.fields));
        const hints: string[] = [];
        if (near) hints.push(`did you mean "${near}"?`);
        if (elsewhere.length) hints.push(`"${k}" exists in ${elsewhere.join(' and ')}; this document is ${ctx.apiVersion}`);
        hints.push(`the fields here are: ${Object.keys(schema.fields).filter((f) => f !== 'apiVersion' && f !== 'kind').join(', ')}`);
        out.push({
          code: 'CONFIG_UNKNOWN_FIELD',
          message: `unknown field "${k}" at ${ctx.kind}.${fieldPath.join('.').replace(/\.\[/g, '[')} in ${ctx.file}`,
          hint: hints.join('; '),
        });
      }
      return;
    }
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (isPlainObject(v)) return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** the candidate nearest in edit distance, if it is near enough to be a typo */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
