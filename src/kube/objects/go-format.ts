// Values written the way kubeadm's Go code writes them: durations ("8760h0m0s", and apimachinery's
// short "364d"), YAML with sorted keys (sigs.k8s.io/yaml sorts map keys), JSON as encoding/json
// indents it, and text tables as text/tabwriter pads them (token list, certs check-expiration).

import yaml from 'js-yaml';

/** Go's time.Duration.String() for a whole number of milliseconds */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  const sText = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`;
  const text = h > 0 ? `${h}h${m}m${sText}` : m > 0 ? `${m}m${sText}` : ms < 1000 ? `${Math.abs(ms)}ms` : sText;
  return neg ? `-${text}` : text;
}

/** YAML as sigs.k8s.io/yaml would write this value: keys sorted, no line folding */
export function goYaml(value: unknown): string {
  return yaml.dump(value, { sortKeys: true, noArrayIndent: true, lineWidth: -1, noRefs: true, quotingType: '"' });
}

/** apimachinery's duration.ShortHumanDuration */
export function shortHumanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${Math.trunc(hours / 24)}d`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)}y`;
}

/** Go's length of a string for %-Ns and tabwriter: runes, not UTF-16 units */
const runes = (s: string) => [...s].length;
/** Go's fmt %-Ns */
export const padRight = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - runes(s)));

/**
 * Go's text/tabwriter with kubeadm's settings (minwidth 10, padding 3, pad ' ', no flags) over
 * lines with the same number of cells: every cell but the last is padded to its column's
 * width, the widest cell plus the padding, at least minwidth.
 */
export function tabwrite(lines: readonly (readonly string[])[], minwidth = 10, padding = 3): string {
  const columns = Math.max(0, ...lines.map((l) => l.length - 1));
  const widths = Array.from({ length: columns }, (_, j) => Math.max(minwidth, ...lines.map((l) => (j < l.length - 1 ? runes(l[j]!) + padding : 0))));
  return lines.map((l) => l.map((c, j) => (j < l.length - 1 ? padRight(c, widths[j]!) : c)).join('') + '\n').join('');
}

/** Go's json.MarshalIndent(v, "", "    "): as JSON.stringify, with Go's HTML-safe escapes */
export function goJson(value: unknown): string {
  const escapes: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };
  return JSON.stringify(value, null, 4).replace(/[<>&\u2028\u2029]/g, (c) => escapes[c]!);
}
