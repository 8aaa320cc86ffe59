// The node side of `status`: each file in the kubelet's manifests folder with the mirror pod it
// produced, and for a file that produced none the kubelet's own reason (its log, or the events of
// the pod it would have made). The kubelet names a static pod NAME-NODE in the file's namespace
// ("default" when it names none) and skips hidden files; it reads every other regular file.

import yaml from 'js-yaml';
import type { KubeObject } from '../client.js';
import { isMirrorPod } from './pod-origins.js';

/** one entry of the folder, as read through the Host */
export interface ManifestEntry {
  file: string;
  path: string;
  isDirectory: boolean;
  /** its text; undefined when it could not be read (readError says why) */
  text?: string;
  readError?: string;
}

export interface ManifestRow {
  file: string;
  path: string;
  /** the pod the file defines, NAMESPACE/NAME as written */
  pod?: string;
  /** the mirror pod it produced, NAMESPACE/NAME-NODE */
  mirror?: string;
  images: string[];
  /** why it produced no mirror pod */
  reason?: string;
  /** where the reason comes from */
  reasonFrom?: 'kubelet log' | 'events' | 'the file' | 'the kubelet\'s rules';
}

interface Defined {
  namespace: string;
  name: string;
  images: string[];
}

/** what the file defines, or why it defines no pod (our reading; the kubelet's own comes first) */
function definedPod(text: string): Defined | string {
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (e) {
    return `not YAML or JSON: ${(e as Error).message.split('\n')[0]}`;
  }
  const d = doc as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown }; spec?: { containers?: Array<{ image?: unknown }> } } | null;
  if (!d || typeof d !== 'object') return 'it holds no object';
  if (d.kind !== 'Pod') return `its kind is ${JSON.stringify(d.kind ?? null)}, not Pod`;
  if (typeof d.metadata?.name !== 'string' || d.metadata.name === '') return 'its Pod has no metadata.name';
  const namespace = typeof d.metadata.namespace === 'string' && d.metadata.namespace !== '' ? d.metadata.namespace : 'default';
  return { namespace, name: d.metadata.name, images: (d.spec?.containers ?? []).map((c) => String(c.image ?? '')) };
}

/** the mirror pod name the kubelet gives a static pod on this node */
export const mirrorName = (pod: string, node: string) => `${pod}-${node.toLowerCase()}`;

/** klog's structured line, shortened to its message and error: "Could not process manifest file: ..." */
export function kubeletLine(line: string): string {
  const m = /\]\s+"((?:[^"\\]|\\.)*)"(.*)$/.exec(line);
  if (!m) return line.trim().slice(0, 400);
  const err = /\berr="((?:[^"\\]|\\.)*)"/.exec(m[2]!);
  const unq = (s: string) => s.replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  return (err ? `${unq(m[1]!)}: ${unq(err[1]!)}` : unq(m[1]!)).slice(0, 400);
}

/** the last kubelet log line about this file or this pod, shortened */
function fromLog(log: string | undefined, path: string, pod: string | undefined): string | undefined {
  if (!log) return undefined;
  const lines = log.split('\n').filter((l) => l.includes(path) || (pod !== undefined && l.includes(`pod="${pod}"`)));
  const last = lines.at(-1);
  return last ? kubeletLine(last) : undefined;
}

/** the newest event's reason and message, "Failed: ..." */
function fromEvents(events: readonly KubeObject[] | undefined): string | undefined {
  const e = [...(events ?? [])].sort((a, b) => String(a.lastTimestamp ?? a.metadata.creationTimestamp).localeCompare(String(b.lastTimestamp ?? b.metadata.creationTimestamp))).at(-1);
  return e ? `${String(e.reason ?? '')}: ${String(e.message ?? '')}`.trim() : undefined;
}

export interface NodeSideInput {
  entries: readonly ManifestEntry[];
  node: string;
  pods: readonly KubeObject[];
  /** the kubelet's recent log (journalctl -u kubelet), when there is one to read */
  kubeletLog?: string;
  /** events of the pods that files should have produced, by NAMESPACE/NAME */
  events?: ReadonlyMap<string, readonly KubeObject[]>;
}

/** the pods each file should produce on `node`, NAMESPACE/NAME, for the events to ask about */
export function expectedMirrors(entries: readonly ManifestEntry[], node: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries) {
    if (e.text === undefined) continue;
    const d = definedPod(e.text);
    if (typeof d !== 'string') out.set(e.file, `${d.namespace}/${mirrorName(d.name, node)}`);
  }
  return out;
}

export function manifestRows(input: NodeSideInput): ManifestRow[] {
  const mirrors = new Set(input.pods.filter(isMirrorPod).map((p) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`));
  return input.entries.map((e): ManifestRow => {
    const base = { file: e.file, path: e.path, images: [] as string[] };
    if (e.file.startsWith('.')) return { ...base, reason: 'a hidden file: the kubelet skips names that begin with "."', reasonFrom: "the kubelet's rules" };
    if (e.isDirectory) return { ...base, reason: 'a directory: the kubelet does not look into folders of the manifests folder', reasonFrom: "the kubelet's rules" };
    if (e.text === undefined) return { ...base, reason: `it cannot be read: ${e.readError ?? 'unknown error'}`, reasonFrom: 'the file' };
    const d = definedPod(e.text);
    const logged = fromLog(input.kubeletLog, e.path, typeof d === 'string' ? undefined : `${d.namespace}/${mirrorName(d.name, input.node)}`);
    if (typeof d === 'string') return logged ? { ...base, reason: logged, reasonFrom: 'kubelet log' } : { ...base, reason: d, reasonFrom: 'the file' };
    const mirror = `${d.namespace}/${mirrorName(d.name, input.node)}`;
    const row = { ...base, pod: `${d.namespace}/${d.name}`, images: d.images };
    if (mirrors.has(mirror)) return { ...row, mirror };
    const evented = fromEvents(input.events?.get(mirror));
    if (logged) return { ...row, reason: logged, reasonFrom: 'kubelet log' };
    if (evented) return { ...row, reason: evented, reasonFrom: 'events' };
    return { ...row, reason: `no mirror pod ${mirror} yet, and the kubelet has said nothing about the file: it reads the folder every 20 s (fileCheckFrequency); is it running?`, reasonFrom: "the kubelet's rules" };
  });
}

/** the file a mirror pod came from, when it is this node's */
export function manifestFileOf(rows: readonly ManifestRow[]): (pod: KubeObject) => string | undefined {
  const byMirror = new Map(rows.filter((r) => r.mirror).map((r) => [r.mirror!, r.path]));
  return (pod) => byMirror.get(`${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`);
}
