// The iptables chains kube-proxy, the kubelet, CNI plugins and flannel create (KUBE-*, CNI-*,
// FLANNEL*), found in iptables-save output and removed with one iptables-restore per table:
// first the rules elsewhere that jump to them, then the chains themselves. Every other rule stays.

import type { Host } from '../host/host.js';
import { errorText, type StepLog } from './steps.js';

/** chains that are the cluster's to remove */
export const CLUSTER_CHAIN = /^(KUBE-|CNI-|FLANNEL)/;

/** Each family with each backend; the plain commands only where no backend-specific one exists. */
export interface IptablesVariant {
  label: string;
  save: string;
  restore: string;
  /** use this variant only when none of these commands exists */
  fallbackFor?: readonly string[];
}

export const IPTABLES_VARIANTS: readonly IptablesVariant[] = [
  { label: 'iptables (legacy)', save: 'iptables-legacy-save', restore: 'iptables-legacy-restore' },
  { label: 'iptables (nft)', save: 'iptables-nft-save', restore: 'iptables-nft-restore' },
  { label: 'iptables', save: 'iptables-save', restore: 'iptables-restore', fallbackFor: ['iptables-legacy-save', 'iptables-nft-save'] },
  { label: 'ip6tables (legacy)', save: 'ip6tables-legacy-save', restore: 'ip6tables-legacy-restore' },
  { label: 'ip6tables (nft)', save: 'ip6tables-nft-save', restore: 'ip6tables-nft-restore' },
  { label: 'ip6tables', save: 'ip6tables-save', restore: 'ip6tables-restore', fallbackFor: ['ip6tables-legacy-save', 'ip6tables-nft-save'] },
];

export interface Rule {
  chain: string;
  /** the rule as saved, after "-A CHAIN " */
  spec: string;
  /** the chain it jumps (-j) or goes (-g) to, if any */
  target?: string;
}

export interface Table {
  name: string;
  chains: string[];
  rules: Rule[];
}

/** Split a saved rule into words as iptables-restore does: double quotes group, backslash escapes. */
export function splitWords(spec: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quoted = false;
  let any = false;
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    if (c === '\\' && i + 1 < spec.length) {
      cur += spec[++i];
      any = true;
    } else if (c === '"') {
      quoted = !quoted;
      any = true;
    } else if (c === ' ' && !quoted) {
      if (any) words.push(cur);
      cur = '';
      any = false;
    } else {
      cur += c;
      any = true;
    }
  }
  if (any) words.push(cur);
  return words;
}

export function parseSave(text: string): Table[] {
  const tables: Table[] = [];
  let table: Table | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      table = { name: line.slice(1), chains: [], rules: [] };
      tables.push(table);
    } else if (!table) {
      continue;
    } else if (line.startsWith(':')) {
      table.chains.push(line.slice(1).split(' ')[0]!);
    } else if (line.startsWith('-A ')) {
      const rest = line.slice(3);
      const chain = rest.split(' ')[0]!;
      const spec = rest.slice(chain.length).trimStart();
      const words = splitWords(spec);
      const at = words.findIndex((w) => w === '-j' || w === '--jump' || w === '-g' || w === '--goto');
      const target = at >= 0 ? words[at + 1] : undefined;
      table.rules.push({ chain, spec, ...(target ? { target } : {}) });
    }
  }
  return tables;
}

export interface TablePlan {
  table: string;
  /** rules outside the cluster's chains that jump into them */
  jumps: Rule[];
  chains: string[];
}

/** What to remove from each table: only tables that hold cluster chains. */
export function planCleanup(tables: readonly Table[]): TablePlan[] {
  const plans: TablePlan[] = [];
  for (const t of tables) {
    const chains = t.chains.filter((c) => CLUSTER_CHAIN.test(c));
    if (chains.length === 0) continue;
    const ours = new Set(chains);
    const jumps = t.rules.filter((r) => !ours.has(r.chain) && r.target !== undefined && ours.has(r.target));
    plans.push({ table: t.name, jumps, chains });
  }
  return plans;
}

/** iptables-restore --noflush input: delete the jumps, flush every cluster chain, then delete them. */
export function restoreScript(plan: TablePlan): string {
  const lines = [`*${plan.table}`];
  for (const r of plan.jumps) lines.push(`-D ${r.chain} ${r.spec}`);
  for (const c of plan.chains) lines.push(`-F ${c}`);
  for (const c of plan.chains) lines.push(`-X ${c}`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** The variants present on this node. */
export async function presentVariants(host: Host): Promise<IptablesVariant[]> {
  const out: IptablesVariant[] = [];
  for (const v of IPTABLES_VARIANTS) {
    if (!(await host.which(v.save)) || !(await host.which(v.restore))) continue;
    if (v.fallbackFor) {
      let other = false;
      for (const o of v.fallbackFor) if (await host.which(o)) other = true;
      if (other) continue;
    }
    out.push(v);
  }
  return out;
}

/** Remove the cluster's chains from one variant's tables; each table on its own, each leftover named. */
export async function cleanVariant(host: Host, v: IptablesVariant, log: StepLog): Promise<void> {
  const saved = await host.run(v.save, []);
  if (saved.exitCode !== 0) {
    // a backend the kernel does not offer (no nf_tables, no ip_tables): nothing of ours can be there
    log.note(`${v.label}: ${v.save} failed (${(saved.stderr || saved.stdout).trim().split('\n')[0] ?? ''}); nothing to clean there`);
    return;
  }
  for (const plan of planCleanup(parseSave(saved.stdout))) {
    const r = await host.run(v.restore, ['--noflush', '-w'], { input: restoreScript(plan) }).catch((e: unknown) => ({ exitCode: -1, stdout: '', stderr: errorText(e) }));
    const where = `${v.label} table ${plan.table}`;
    if (r.exitCode !== 0) {
      const why = `${v.restore} failed: ${(r.stderr || r.stdout).trim()}`;
      for (const c of plan.chains) log.left(`chain ${c} (${where})`, why);
      continue;
    }
    const jumps = plan.jumps.length ? `, and ${plan.jumps.length} rule${plan.jumps.length === 1 ? '' : 's'} jumping to them from ${[...new Set(plan.jumps.map((j) => j.chain))].join(', ')}` : '';
    log.removed(`${where}: chains ${plan.chains.join(', ')}${jumps}`);
  }
}
