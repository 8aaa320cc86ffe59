// Values written the way kubeadm's Go serializer writes them: durations ("8760h0m0s") and
// YAML with sorted keys (sigs.k8s.io/yaml sorts map keys).

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
