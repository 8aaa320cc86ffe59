// The host seam holds: only src/host/real-host.ts imports node:fs or execa, only report/
// imports chalk and ora, and no domain module imports workflow/, report/ or commander.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

const rules: { name: string; forbidden: RegExp; allowedIn: (rel: string) => boolean }[] = [
  { name: 'node:fs only in the real host', forbidden: /^(node:)?fs(\/promises)?$/, allowedIn: (r) => r === 'host/real-host.ts' },
  { name: 'execa only in the real host', forbidden: /^execa$/, allowedIn: (r) => r === 'host/real-host.ts' },
  { name: 'chalk and ora only in report/', forbidden: /^(chalk|ora)$/, allowedIn: (r) => r.startsWith('report/') },
  { name: 'commander only in the CLI layer', forbidden: /^commander$/, allowedIn: (r) => r === 'cli.ts' || r === 'main.ts' || r === 'front.ts' || r.startsWith('workflow/') },
  {
    name: 'domain modules never import workflow/ or report/',
    forbidden: /\/(workflow|report)\//,
    allowedIn: (r) => !/^(pki|kubeconfig|manifests|kubelet|kube|preflight|addons|config|host|reset)\//.test(r),
  },
];

test('src/ exists and has sources', () => {
  assert.ok(sources(root).length > 10);
});

for (const rule of rules) {
  test(`seam: ${rule.name}`, () => {
    const offenders = sources(root)
      .map((f) => ({ rel: path.relative(root, f), imps: imports(f) }))
      .filter(({ rel, imps }) => !rule.allowedIn(rel) && imps.some((i) => rule.forbidden.test(i)))
      .map(({ rel }) => rel);
    assert.deepEqual(offenders, [], `${rule.name}: ${offenders.join(', ')}`);
  });
}
