// Per-phase seconds from init outputs stamped by stamp.mjs, the same rule for both tools:
// a phase is the first word in brackets of a line ("[certs/ca] ..." counts for "certs"); it
// starts at its first line and ends when the line after its last line appears. kubeadm's
// phases run one after the other, so that is the next phase's start; mini-kubeadm's end with
// "[phase] done in ..." lines. Prints one row per phase: the median over the runs of each tool
// (runs where a tool printed nothing for that phase are left out; "-" when none printed it).
//   node phase-times.mjs TOOL=FILE[,FILE...] ...
import { readFileSync } from 'node:fs';

function spans(text) {
  const lines = text.split('\n').filter((l) => l.trim() !== '').map((l) => {
    const m = /^\s*([\d.]+) (.*)$/.exec(l);
    return m ? { t: Number(m[1]), text: m[2] } : undefined;
  }).filter(Boolean);
  const first = new Map();
  const lastIdx = new Map();
  lines.forEach((l, i) => {
    const m = /^\[([a-z][a-z-]*)(?:\/[^\]]*)?\]/.exec(l.text);
    if (!m) return;
    if (!first.has(m[1])) first.set(m[1], l.t);
    lastIdx.set(m[1], i);
  });
  const out = new Map();
  for (const [phase, start] of first) {
    const i = lastIdx.get(phase);
    const end = (lines[i + 1] ?? lines[i]).t;
    out.set(phase, end - start);
  }
  return out;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const tools = process.argv.slice(2).map((a) => {
  const [tool, files] = a.split('=');
  return { tool, runs: (files ?? '').split(',').filter(Boolean).map((f) => spans(readFileSync(f, 'utf8'))) };
});
const phases = [];
for (const { runs } of tools) for (const r of runs) for (const p of r.keys()) if (!phases.includes(p)) phases.push(p);
console.log(['phase'.padEnd(22), ...tools.map((t) => `${t.tool}[s]`.padStart(16))].join(' '));
for (const p of phases) {
  const cells = tools.map(({ runs }) => {
    const m = median(runs.map((r) => r.get(p)).filter((x) => x !== undefined));
    return (m === undefined ? '-' : m.toFixed(1)).padStart(16);
  });
  console.log([p.padEnd(22), ...cells].join(' '));
}
