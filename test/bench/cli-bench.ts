// `npm run bench`: cold-start and phase timings of the CLI as a user meets it (spawned
// processes, median of N), beside `node -e 0` measured in the same rounds, and what `--help`
// loads. Rounds interleave the cases, so a build or test run of someone else on this 2-core
// machine slows every case alike; the load average before and after says how noisy it was.
// Targets: --help < 150 ms and <= 1.3x node -e 0, `phase certs all` < 1.5 s, `phase
// kubeconfig all` well under it (< 1 s).
//
//   npm run bench                       this build, 7 rounds
//   npm run bench -- --runs 11          more rounds
//   npm run bench -- --bin OTHER/bin/mini-kubeadm   also time another build (e.g. before a change)
//   npm run bench -- --only help        only the cases whose name matches (and node -e 0)
//   npm run bench -- --kubeadm PATH     the reference kubeadm for its rows (default: the lab's
//                                       build of kubeadm 1.37.2, when test:compat made it)
//
// `phase certs all` and `phase kubeconfig all` also run as the reference kubeadm's `init phase
// ...` (with --kubernetes-version, so it does not look for the release on the internet), in the
// same rounds: the figures issue 15 asks for side by side.
// Each CLI case runs as bin/mini-kubeadm (the package) and as dist/sea/mini-kubeadm (the single
// executable, when `npm run build` made it), each row named after what ran.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const args = parseArgs({ options: { runs: { type: 'string', default: '7' }, bin: { type: 'string', multiple: true, default: [] }, only: { type: 'string' }, kubeadm: { type: 'string' } } }).values;
const KUBEADM_VERSION = 'v1.37.2';
const labCache = process.env.LAB_CACHE ?? path.join(homedir(), '.cache/mini-kubeadm-lab');
const kubeadmBin = args.kubeadm ?? path.join(labCache, `kubeadm-compat@${KUBEADM_VERSION}/kubeadm`);
if (args.kubeadm !== undefined && !existsSync(kubeadmBin)) throw new Error(`--kubeadm ${kubeadmBin}: no such file`);
const N = Number(args.runs);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const thisBin = path.join(repo, 'bin/mini-kubeadm');
const seaFile = path.join(repo, 'dist/sea/mini-kubeadm');
/** how each build under test is started: a launcher run by this node, or the executable itself */
const launchers: { label: string; cmd: string[] }[] = [
  { label: '', cmd: [process.execPath, thisBin] },
  ...(existsSync(seaFile) ? [{ label: ` [${path.relative(repo, seaFile)}]`, cmd: [seaFile] }] : []),
  ...args.bin.map((b) => ({ label: ` [${path.relative(process.cwd(), path.resolve(b))}]`, cmd: [process.execPath, path.resolve(b)] })),
];
const nodeItself = { label: '', cmd: [process.execPath] };
const scratch = mkdtempSync(path.join(tmpdir(), 'mk-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

interface Case {
  name: string;
  /** the command line, after the launcher's (mk) */
  argv: (mk: string[], dir: string) => string[];
  /** untimed preparation in the run's fresh directory */
  prepare?: (mk: string[], dir: string) => void;
  /** ms, on the median */
  target?: number;
  /** a case of the CLI (timed once per build) rather than of node itself */
  perBin: boolean;
  /** the same work done by the reference kubeadm: its command line and untimed preparation */
  kubeadm?: { argv: (kb: string[], dir: string) => string[]; prepare?: (kb: string[], dir: string) => void };
}

const NODE_FLAGS = ['--apiserver-advertise-address', '10.0.0.10', '--node-name', 'bench'];

/** CPU time (user + sys, ms) of this process's finished children, from /proc (10 ms ticks); wall time lies on a busy machine */
function childCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) * 10; // cutime, cstime (fields 16, 17)
}

function run(argv: string[]): { ms: number; cpu: number; ok: boolean; err: string } {
  const c0 = childCpuMs();
  const t0 = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: repo, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { ms: performance.now() - t0, cpu: childCpuMs() - c0, ok: r.status === 0, err: (r.stderr || r.stdout).trim().split('\n').at(-1) ?? '' };
}

const ecdsaConfig = (d: string) =>
  [
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'kind: InitConfiguration',
    'localAPIEndpoint: {advertiseAddress: 10.0.0.10}',
    'nodeRegistration: {name: bench}',
    '---',
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'kind: ClusterConfiguration',
    `certificatesDir: ${d}/pki`,
    'encryptionAlgorithm: ECDSA-P256',
    '',
  ].join('\n');

const certsAll = (mk: string[], d: string) => [...mk, 'phase', 'certs', 'all', '--cert-dir', `${d}/pki`, ...NODE_FLAGS];
const KUBEADM_FLAGS = [...NODE_FLAGS, '--kubernetes-version', KUBEADM_VERSION];

const CASES: Case[] = [
  { name: 'node -e 0', argv: (node) => [...node, '-e', '0'], perBin: false },
  { name: 'mini-kubeadm --help', argv: (mk) => [...mk, '--help'], target: 150, perBin: true },
  { name: 'mini-kubeadm init --help', argv: (mk) => [...mk, 'init', '--help'], perBin: true },
  {
    name: 'phase certs all',
    argv: certsAll,
    target: 1500,
    perBin: true,
    // kubeadm's certs phases take no --node-name (the hostname goes into the SANs instead: the same work)
    kubeadm: { argv: (kb, d) => [...kb, 'init', 'phase', 'certs', 'all', '--cert-dir', `${d}/pki`, '--apiserver-advertise-address', '10.0.0.10', '--kubernetes-version', KUBEADM_VERSION] },
  },
  {
    // ECDSA-P256 keys (config file only): what is left when RSA key generation is not the cost
    name: 'phase certs all (ECDSA-P256)',
    prepare: (_mk, d) => writeFileSync(`${d}/kubeadm.yaml`, ecdsaConfig(d)),
    argv: (mk, d) => [...mk, 'phase', 'certs', 'all', '--config', `${d}/kubeadm.yaml`],
    perBin: true,
  },
  { name: 'phase certs all (reuse)', prepare: (mk, d) => void run(certsAll(mk, d)), argv: certsAll, perBin: true },
  {
    name: 'phase kubeconfig all',
    prepare: (mk, d) => void run([...mk, 'phase', 'certs', 'ca', '--cert-dir', `${d}/pki`]),
    argv: (mk, d) => [...mk, 'phase', 'kubeconfig', 'all', '--cert-dir', `${d}/pki`, '--kubeconfig-dir', d, ...NODE_FLAGS],
    target: 1000,
    perBin: true,
    kubeadm: {
      prepare: (kb, d) => void run([...kb, 'init', 'phase', 'certs', 'ca', '--cert-dir', `${d}/pki`, '--kubernetes-version', KUBEADM_VERSION]),
      argv: (kb, d) => [...kb, 'init', 'phase', 'kubeconfig', 'all', '--cert-dir', `${d}/pki`, '--kubeconfig-dir', d, ...KUBEADM_FLAGS],
    },
  },
];

interface Row {
  label: string;
  c: Case;
  mk: string[];
  /** the reference kubeadm's row of the case */
  kubeadm: boolean;
  times: number[];
  cpus: number[];
  failure: string;
}

const only = args.only === undefined ? undefined : new RegExp(args.only);
const withKubeadm = existsSync(kubeadmBin);
const rows: Row[] = CASES.filter((c) => !only || !c.perBin || only.test(c.name)).flatMap((c) => [
  ...(c.perBin ? launchers : [nodeItself]).map((l) => ({ label: `${c.name}${l.label}`, c, mk: l.cmd, kubeadm: false, times: [], cpus: [], failure: '' })),
  ...(c.kubeadm && withKubeadm ? [{ label: `${c.name} [kubeadm ${KUBEADM_VERSION}]`, c, mk: [kubeadmBin], kubeadm: true, times: [], cpus: [], failure: '' }] : []),
]);

const loadBefore = loadavg()[0]!;
const started = performance.now();
for (let i = 0; i < N; i++) {
  for (const row of rows) {
    const dir = mkdtempSync(path.join(scratch, 'run-'));
    const how = row.kubeadm ? row.c.kubeadm! : row.c;
    how.prepare?.(row.mk, dir);
    const r = run(how.argv(row.mk, dir));
    if (!r.ok) row.failure ||= r.err;
    row.times.push(r.ms);
    row.cpus.push(r.cpu);
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const table = rows.map((r) => {
  const m = median(r.times);
  const verdict = r.failure ? `FAILED: ${r.failure}` : r.c.target === undefined || r.kubeadm ? '' : m <= r.c.target ? `ok (< ${r.c.target} ms)` : `SLOW (target ${r.c.target} ms)`;
  return [r.label, m.toFixed(0), Math.min(...r.times).toFixed(0), Math.max(...r.times).toFixed(0), median(r.cpus).toFixed(0), verdict];
});
const head = ['command', 'median ms', 'min', 'max', 'cpu ms', ''];
const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((x, i) => (i === 0 || i === 5 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ').trimEnd();
console.log(
  `mini-kubeadm CLI bench: median of ${N} interleaved rounds (${((performance.now() - started) / 1000).toFixed(0)} s), node ${process.version}, ` +
    `${(await import('node:os')).cpus().length} cores, load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`,
);
console.log(line(head));
for (const r of table) console.log(line(r));

if (!withKubeadm) console.log(`(no reference kubeadm at ${kubeadmBin}: bash test/compat/build-kubeadm.sh ${KUBEADM_VERSION}, or --kubeadm PATH)`);
for (const k of rows.filter((r) => r.kubeadm && !r.failure)) {
  const ours = rows.find((r) => r.c === k.c && !r.kubeadm && r.mk[0] === process.execPath && r.mk[1] === thisBin)!;
  if (ours.failure) continue;
  console.log(`${k.c.name}: mini-kubeadm / kubeadm ${KUBEADM_VERSION} = ${(median(ours.times) / median(k.times)).toFixed(2)}x wall, ${(median(ours.cpus) / Math.max(median(k.cpus), 10)).toFixed(2)}x cpu (medians)`);
}

const nodeRow = rows.find((r) => !r.c.perBin)!;
for (const r of rows.filter((x) => x.c.name === 'mini-kubeadm --help')) {
  // per round, so both sides of each ratio ran under the same load
  const wall = median(r.times.map((t, i) => t / nodeRow.times[i]!));
  const cpu = median(r.cpus.map((t, i) => t / Math.max(nodeRow.cpus[i]!, 10)));
  const ok = wall <= 1.3 ? 'ok' : 'SLOW';
  console.log(`${r.label} / node -e 0 = ${wall.toFixed(2)}x wall, ${cpu.toFixed(2)}x cpu (median of per-round ratios; target <= 1.3x: ${ok})`);
}

// what --help loads: a resolve hook logs every ES module, and at exit the CommonJS ones
const hook = path.join(scratch, 'hook.mjs');
writeFileSync(hook, "export async function resolve(s, c, next) { const r = await next(s, c); if (!r.url.startsWith('node:')) process.stderr.write('LOADED ' + r.url + '\\n'); return r; }\n");
const reg = path.join(scratch, 'register.mjs');
writeFileSync(reg, `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hook).href)});\n`);
const cjs = path.join(scratch, 'cjs.cjs');
writeFileSync(cjs, "process.on('exit', () => { for (const f of Object.keys(require.cache)) process.stderr.write('LOADED ' + require('node:url').pathToFileURL(f).href + '\\n'); });\n");
const traced = spawnSync(process.execPath, ['--import', pathToFileURL(reg).href, '--require', cjs, thisBin, '--help'], { encoding: 'utf8' });
const loaded = [...new Set(traced.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(7)))];
const ours = loaded.filter((u) => u.includes('/dist/'));
const bytes = ours.reduce((n, u) => n + statSync(fileURLToPath(u)).size, 0);
const packages = [...new Set(loaded.map((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1]).filter((p): p is string => !!p))];
console.log(`--help loads ${ours.length} files of dist/ (${(bytes / 1024).toFixed(0)} KiB) and these packages from node_modules: ${packages.join(', ') || '(none)'}`);
