// `status` for people: the seed's summary table made live, the manifests folder beside the
// mirror pods it produced, and the bootstrap's order; aligned columns in a pipe, coloured on a
// terminal (chalk, loaded only then).

import type { BootstrapOrder } from '../kube/objects/bootstrap-order.js';
import type { PodRow } from '../kube/objects/pod-origins.js';
import { DYNAMIC_NOTE, STATIC_NOTE } from '../kube/objects/pod-origins.js';
import type { ManifestRow } from '../kube/objects/static-manifests.js';

export interface StatusView {
  server: string;
  kubeconfig: string;
  node?: string;
  manifestsDir: string;
  /** undefined when this machine has no manifests folder (status from afar) */
  manifests?: ManifestRow[];
  pods: PodRow[];
  order: BootstrapOrder;
}

type Style = 'static' | 'dynamic' | 'ok' | 'bad' | 'warn' | 'dim' | 'head';
type Paint = (s: string, style: Style) => string;

/** kubectl's age: 42s, 5m, 3h, 2d */
export function age(from: string, now: number): string {
  const s = Math.max(0, Math.floor((now - Date.parse(from)) / 1000));
  if (Number.isNaN(s)) return '?';
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** columns padded on the plain text, painted afterwards (so colour does not shift them) */
function table(head: readonly string[], rows: readonly { cells: string[]; styles: (Style | undefined)[] }[], paint: Paint): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r.cells[i] ?? '').length)));
  const line = (cells: readonly string[], styles: readonly (Style | undefined)[]) =>
    cells
      .map((c, i) => {
        const padded = i === cells.length - 1 ? c : c.padEnd(widths[i]!);
        const st = styles[i];
        return st ? paint(padded, st) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(head, head.map(() => 'head')), ...rows.map((r) => line(r.cells, r.styles))].join('\n');
}

export function renderStatus(v: StatusView, now: number, paint: Paint = (s) => s): string {
  const out: string[] = [];
  out.push(paint(`Pods: every kube-system pod, and every static pod in any namespace (API ${v.server}, through ${v.kubeconfig})`, 'head'));
  out.push(
    table(
      ['NAMESPACE/NAME', 'KIND', 'READY', 'RESTARTS', 'AGE', 'NODE', 'MANAGED BY', 'DEFINITION'],
      v.pods.map((p) => ({
        cells: [`${p.namespace}/${p.name}`, p.kind, p.ready, String(p.restarts), age(p.createdAt, now), p.node ?? '-', p.managedBy, p.definition],
        styles: [undefined, p.kind, p.ready.split('/')[0] === p.ready.split('/')[1] && p.phase === 'Running' ? 'ok' : 'bad', p.restarts > 0 ? 'warn' : undefined, undefined, undefined, undefined, 'dim'],
      })),
      paint,
    ),
  );
  out.push('');
  out.push(`${paint('static', 'static')}: ${STATIC_NOTE}`);
  out.push(`${paint('dynamic', 'dynamic')}: ${DYNAMIC_NOTE}`);
  const details = v.pods.filter((p) => p.owners.length > 0 || p.recreated);
  for (const p of details) {
    const chain = p.kind === 'dynamic' ? [...p.owners, `Pod ${p.name}`].join(' -> ') : `${p.owners.join(', ') || 'no owner'} (owner of the mirror pod)`;
    out.push(`  ${p.namespace}/${p.name}: ${chain}; image ${p.images.join(', ')}; made ${p.createdAt}${p.startedAt ? `, started ${p.startedAt}` : ''}`);
    if (p.recreated) out.push(`    ${paint(p.recreated, 'warn')}`);
  }
  out.push('');
  out.push(paint(`Node ${v.node ?? '(unknown)'}: ${v.manifestsDir}, the kubelet's static pod files`, 'head'));
  if (v.manifests === undefined) out.push(`  no ${v.manifestsDir} on this machine: the node side is shown when status runs on a control-plane node`);
  else if (v.manifests.length === 0) out.push('  the folder is empty');
  else {
    out.push(
      table(
        ['FILE', 'POD IT DEFINES', 'MIRROR POD', 'IMAGE'],
        v.manifests.map((m) => ({ cells: [m.file, m.pod ?? '-', m.mirror ?? 'none', m.images.join(', ') || '-'], styles: [undefined, undefined, m.mirror ? 'ok' : 'bad', 'dim'] })),
        paint,
      ),
    );
    for (const m of v.manifests.filter((x) => x.reason)) out.push(`  ${m.file}: no mirror pod: ${paint(m.reason!, 'warn')} (from ${m.reasonFrom})`);
  }
  out.push('');
  out.push(paint('Bootstrap order on this cluster (from the objects\' timestamps)', 'head'));
  for (const s of v.order.steps) out.push(`  ${s.at}  ${paint(s.stage.padEnd(7), s.stage === 'static' ? 'static' : s.stage === 'dynamic' ? 'dynamic' : 'dim')}  ${s.what}`);
  out.push(`  ${paint(v.order.summary, v.order.storyHolds ? 'ok' : 'warn')}`);
  return `${out.join('\n')}\n`;
}

/** chalk's styles for the view, made only on a terminal */
export async function terminalPaint(): Promise<Paint> {
  const c = (await import('chalk')).default;
  const styles: Record<Style, (s: string) => string> = { static: c.cyan, dynamic: c.magenta, ok: c.green, bad: c.red, warn: c.yellow, dim: c.dim, head: c.bold };
  return (s, style) => styles[style](s);
}
