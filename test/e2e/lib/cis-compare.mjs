// test:cis's judge: kube-bench's JSON of each run side by side (PASS/FAIL/WARN per target), then
// the two rules: mini-kubeadm's default fails no check kubeadm's default passes (per check id),
// and `--profile cis` leaves no automated (scored) check unpassed that the not-applicable list
// (id, tab, reason) does not name.
//   node cis-compare.mjs RUN_DIR NOT_APPLICABLE.tsv
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const [runDir, naFile] = process.argv.slice(2);
const RUNS = [
  ['kubeadm-default', 'kubeadm default'],
  ['mini-kubeadm-default', 'mini-kubeadm default'],
  ['mini-kubeadm-cis', 'mini-kubeadm --profile cis'],
];
const TARGETS = ['master', 'etcd', 'controlplane', 'node'];

/** every result of a run: id -> { status, scored, target, desc } */
function results(name) {
  const file = path.join(runDir, `${name}.json`);
  if (!existsSync(file)) return undefined;
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const out = new Map();
  for (const control of doc.Controls ?? []) {
    for (const section of control.tests ?? []) {
      for (const r of section.results ?? []) out.set(r.test_number, { status: r.status, scored: r.scored, target: control.node_type, desc: r.test_desc });
    }
  }
  return out;
}

const runs = RUNS.map(([name, label]) => ({ name, label, res: results(name) })).filter((r) => r.res);
const count = (res, target, status) => [...res.values()].filter((r) => r.target === target && r.status === status).length;
const cell = (res, target) => `${count(res, target, 'PASS')}/${count(res, target, 'FAIL')}/${count(res, target, 'WARN')}`;

console.log(`\nkube-bench ${process.env.KUBE_BENCH_VERSION ?? ''} ${process.env.CIS_BENCHMARK ?? ''}: pass/fail/warn per target`);
const widths = [14, ...runs.map((r) => Math.max(r.label.length, 9))];
const row = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
console.log(row(['target', ...runs.map((r) => r.label)]));
for (const t of TARGETS) console.log(row([t, ...runs.map((r) => cell(r.res, t))]));

let failed = false;
const kubeadm = runs.find((r) => r.name === 'kubeadm-default');
const mine = runs.find((r) => r.name === 'mini-kubeadm-default');
if (kubeadm && mine) {
  const worse = [...kubeadm.res].filter(([id, r]) => r.status === 'PASS' && mine.res.get(id)?.status !== 'PASS');
  for (const [id, r] of worse) console.log(`FAIL  ${id} passes with kubeadm's default and is ${mine.res.get(id)?.status ?? 'missing'} with mini-kubeadm's: ${r.desc}`);
  if (worse.length === 0) console.log("PASS  mini-kubeadm's default fails no check that kubeadm's default passes");
  failed ||= worse.length > 0;
}
const profile = runs.find((r) => r.name === 'mini-kubeadm-cis');
if (profile) {
  const na = new Map(readFileSync(naFile, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).map((l) => {
    const [id, ...reason] = l.split('\t');
    return [id.trim(), reason.join(' ').trim()];
  }));
  const open = [...profile.res].filter(([, r]) => r.scored && r.status !== 'PASS');
  for (const [id, r] of open) {
    if (na.has(id)) console.log(`n/a   ${id} ${r.status}: ${na.get(id)}`);
    else console.log(`FAIL  ${id} (automated) is ${r.status} with --profile cis and not on the not-applicable list: ${r.desc}`);
  }
  for (const id of na.keys()) if (profile.res.get(id)?.status === 'PASS') console.log(`info  ${id} is on the not-applicable list but passes now: take it off`);
  const unlisted = open.filter(([id]) => !na.has(id));
  if (unlisted.length === 0) console.log('PASS  --profile cis: every automated check passes or is on the not-applicable list');
  failed ||= unlisted.length > 0;
}
process.exit(failed ? 1 : 0);
