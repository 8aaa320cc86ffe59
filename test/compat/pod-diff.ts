// Field-by-field differences between two parsed static pods (kubeadm's and ours): the command
// flag by flag, env/volumes/mounts entry by entry (by name), order reported on its own.

export interface Difference {
  /** e.g. "spec.containers[0].command --authorization-mode" or "spec.volumes (order)" */
  path: string;
  kubeadm: unknown;
  ours: unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function flagsOf(cmd: unknown[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const w of cmd.slice(1).map(String)) {
    const eq = w.indexOf('=');
    const name = eq < 0 ? w : w.slice(0, eq);
    m.set(name, [...(m.get(name) ?? []), eq < 0 ? '' : w.slice(eq + 1)]);
  }
  return m;
}

function byName(list: unknown[]): Map<string, unknown> {
  return new Map(list.map((e) => [isObj(e) ? String(e.name) : JSON.stringify(e), e]));
}

const NAMED_LISTS = new Set(['env', 'volumes', 'volumeMounts', 'ports']);

function diff(path: string, key: string, a: unknown, b: unknown, out: Difference[]): void {
  if (key === 'command' && Array.isArray(a) && Array.isArray(b)) {
    if (a[0] !== b[0]) out.push({ path: `${path}[0]`, kubeadm: a[0], ours: b[0] });
    const fa = flagsOf(a);
    const fb = flagsOf(b);
    for (const name of new Set([...fa.keys(), ...fb.keys()])) {
      const va = fa.get(name);
      const vb = fb.get(name);
      if (JSON.stringify(va) !== JSON.stringify(vb)) out.push({ path: `${path} ${name}`, kubeadm: va?.join(' | '), ours: vb?.join(' | ') });
    }
    const order = (c: unknown[]) => c.slice(1).map((w) => String(w).split('=')[0]);
    if (out.every((d) => !d.path.startsWith(`${path} `)) && JSON.stringify(order(a)) !== JSON.stringify(order(b)))
      out.push({ path: `${path} (order)`, kubeadm: order(a), ours: order(b) });
    return;
  }
  if (NAMED_LISTS.has(key) && Array.isArray(a) && Array.isArray(b)) {
    const ma = byName(a);
    const mb = byName(b);
    for (const name of new Set([...ma.keys(), ...mb.keys()])) diff(`${path}[${name}]`, '', ma.get(name), mb.get(name), out);
    const names = (l: unknown[]) => [...byName(l).keys()];
    if (JSON.stringify([...ma.keys()].sort()) === JSON.stringify([...mb.keys()].sort()) && JSON.stringify(names(a)) !== JSON.stringify(names(b)))
      out.push({ path: `${path} (order)`, kubeadm: names(a), ours: names(b) });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) diff(`${path}[${i}]`, '', a[i], b[i], out);
    return;
  }
  if (isObj(a) && isObj(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diff(path ? `${path}.${k}` : k, k, a[k], b[k], out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, kubeadm: a, ours: b });
}

export function diffPods(kubeadm: unknown, ours: unknown): Difference[] {
  const out: Difference[] = [];
  diff('', '', kubeadm, ours, out);
  return out;
}
