// containerd's config.toml, read and edited just enough for the kubelet's sake: the runc
// cgroup driver (SystemdCgroup), whether the CRI plugin is disabled, the sandbox (pause) image.
// A line-based reader: containerd's own files are plain tables and key = value lines.

export const CONTAINERD_CONFIG = '/etc/containerd/config.toml';

export interface ContainerdSettings {
  /** the file exists (when not, containerd runs on its built-in defaults) */
  exists: boolean;
  /** config schema: 1 (no version line), 2 (containerd 1.x), 3 (containerd 2.x) */
  version: number;
  /** SystemdCgroup under the runc options; undefined = not set (containerd's default: false) */
  systemdCgroup: boolean | undefined;
  /** disabled_plugins names the CRI plugin */
  criDisabled: boolean;
  /** sandbox_image (v2) / pinned_images.sandbox (v3), when set */
  sandboxImage: string | undefined;
  /** restrict_oom_score_adj in the CRI plugin, when set */
  restrictOomScoreAdj: boolean | undefined;
}

/** Where each setting lives, per schema version: table path (unquoted parts) and key. */
interface Place {
  table: string[];
  key: string;
}

function places(version: number): { systemdCgroup: Place; sandbox: Place; restrictOom: Place } {
  if (version >= 3) {
    return {
      systemdCgroup: { table: ['plugins', 'io.containerd.cri.v1.runtime', 'containerd', 'runtimes', 'runc', 'options'], key: 'SystemdCgroup' },
      sandbox: { table: ['plugins', 'io.containerd.cri.v1.images', 'pinned_images'], key: 'sandbox' },
      restrictOom: { table: ['plugins', 'io.containerd.cri.v1.runtime'], key: 'restrict_oom_score_adj' },
    };
  }
  const cri = version === 2 ? ['plugins', 'io.containerd.grpc.v1.cri'] : ['plugins', 'cri'];
  return {
    systemdCgroup: { table: [...cri, 'containerd', 'runtimes', 'runc', 'options'], key: 'SystemdCgroup' },
    sandbox: { table: cri, key: 'sandbox_image' },
    restrictOom: { table: cri, key: 'restrict_oom_score_adj' },
  };
}

/** Split a dotted TOML key into its parts, honouring "..." and '...' quoting. */
export function splitDotted(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quote: string | undefined;
  for (const ch of s.trim()) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '.') {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  parts.push(cur.trim());
  return parts;
}

interface Line {
  text: string;
  /** the table this line belongs to ([] = top level) */
  table: string[];
  header?: boolean;
  key?: string;
  value?: string;
}

function stripComment(s: string): string {
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') return s.slice(0, i);
  }
  return s;
}

function parseLines(text: string): Line[] {
  let table: string[] = [];
  return text.split('\n').map((raw) => {
    const s = stripComment(raw).trim();
    const h = /^\[\[?([^\]]+)\]\]?$/.exec(s);
    if (h) {
      table = splitDotted(h[1]!);
      return { text: raw, table, header: true };
    }
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(s);
    if (kv) return { text: raw, table, key: kv[1]!.replace(/^["']|["']$/g, ''), value: kv[2]!.trim() };
    return { text: raw, table };
  });
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function scalar(v: string | undefined): string | boolean | undefined {
  if (v === undefined) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  const q = /^"(.*)"$|^'(.*)'$/.exec(v);
  return q ? (q[1] ?? q[2] ?? '') : v;
}

function lookup(lines: Line[], place: Place): string | undefined {
  return lines.find((l) => l.key === place.key && same(l.table, place.table))?.value;
}

function listValue(v: string | undefined): string[] {
  if (!v) return [];
  return [...v.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2] ?? '');
}

const CRI_NAMES = new Set(['cri', 'io.containerd.grpc.v1.cri']);

/** What a config.toml says; `undefined` text means the file does not exist. */
export function parseContainerdConfig(text: string | undefined): ContainerdSettings {
  if (text === undefined) {
    return { exists: false, version: 2, systemdCgroup: undefined, criDisabled: false, sandboxImage: undefined, restrictOomScoreAdj: undefined };
  }
  const lines = parseLines(text);
  const top = (key: string) => lines.find((l) => l.key === key && l.table.length === 0)?.value;
  const version = Number(scalar(top('version')) ?? 1) || 1;
  const p = places(version);
  const sc = scalar(lookup(lines, p.systemdCgroup));
  const sandbox = scalar(lookup(lines, p.sandbox));
  const oom = scalar(lookup(lines, p.restrictOom));
  return {
    exists: true,
    version,
    systemdCgroup: typeof sc === 'boolean' ? sc : undefined,
    criDisabled: listValue(top('disabled_plugins')).some((n) => CRI_NAMES.has(n)),
    sandboxImage: typeof sandbox === 'string' ? sandbox : undefined,
    restrictOomScoreAdj: typeof oom === 'boolean' ? oom : undefined,
  };
}

/** The cgroup driver containerd gives runc containers: SystemdCgroup unset means cgroupfs. */
export function containerdCgroupDriver(s: ContainerdSettings): 'systemd' | 'cgroupfs' {
  return s.systemdCgroup === true ? 'systemd' : 'cgroupfs';
}

function quoteTable(parts: string[]): string {
  return parts.map((p) => (/^[A-Za-z0-9_-]+$/.test(p) ? p : `"${p}"`)).join('.');
}

function setIn(text: string, place: Place, raw: string): string {
  const lines = parseLines(text);
  const out = lines.map((l) => l.text);
  const at = lines.findIndex((l) => l.key === place.key && same(l.table, place.table));
  if (at >= 0) {
    const indent = /^\s*/.exec(lines[at]!.text)![0];
    out[at] = `${indent}${place.key} = ${raw}`;
    return out.join('\n');
  }
  const header = lines.findIndex((l) => l.header && same(l.table, place.table));
  if (header >= 0) {
    const indent = /^\s*/.exec(lines[header]!.text)![0];
    out.splice(header + 1, 0, `${indent}  ${place.key} = ${raw}`);
    return out.join('\n');
  }
  const body = text.endsWith('\n') || text === '' ? text : `${text}\n`;
  return `${body}\n[${quoteTable(place.table)}]\n  ${place.key} = ${raw}\n`;
}

/** The edits --fix may make; each returns the new file text (unchanged when nothing to do). */
export const containerdEdits = {
  setSystemdCgroup(text: string, on: boolean): string {
    return setIn(text, places(parseContainerdConfig(text).version).systemdCgroup, String(on));
  },
  setSandboxImage(text: string, image: string): string {
    return setIn(text, places(parseContainerdConfig(text).version).sandbox, `"${image}"`);
  },
  setRestrictOomScoreAdj(text: string, on: boolean): string {
    return setIn(text, places(parseContainerdConfig(text).version).restrictOom, String(on));
  },
  enableCri(text: string): string {
    const lines = parseLines(text);
    const at = lines.findIndex((l) => l.key === 'disabled_plugins' && l.table.length === 0);
    if (at < 0) return text;
    const kept = listValue(lines[at]!.value).filter((n) => !CRI_NAMES.has(n));
    const out = lines.map((l) => l.text);
    out[at] = `disabled_plugins = [${kept.map((n) => `"${n}"`).join(', ')}]`;
    return out.join('\n');
  },
  /** a new file for a node that has none: schema 2, which containerd 1.6+ and 2.x both read */
  fresh(): string {
    return 'version = 2\n';
  },
};
