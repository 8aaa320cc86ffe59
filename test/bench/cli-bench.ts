// `npm run bench`: cold-start and phase timings of the CLI as a user meets it (spawned
// processes, median of 7), beside `node -e 0`, and which modules `--help` loads.
// Targets: --help < 150 ms (ideally <= 1.3x node -e 0), `phase certs all` < 1.5 s.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const N = 7;
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(repo, 'bin/mini-kubeadm');
const scratch = mkdtempSync(path.join(tmpdir(), 'mk-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

interface Case {
  name: string;
  argv: (dir: string) => string[];
  /** untimed preparation in the run's fresh directory */
  prepare?: (dir: string) => void;
  target?: number;
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
  const r = spawnSync(process.execPath, argv, { cwd: repo, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { ms: performance.now() - t0, cpu: childCpuMs() - c0, ok: r.status === 0, err: (r.stderr || r.stdout).trim().split('\n')[0] ?? '' };
}

const CASES: Case[] = [
  { name: 'node -e 0', argv: () => ['-e', '0'] },
  { name: 'mini-kubeadm --help', argv: () => [bin, '--help'], target: 150 },
  { name: 'mini-kubeadm init --help', argv: () => [bin, 'init', '--help'] },
  { name: 'phase certs all', argv: (d) => [bin, 'phase', 'certs', 'all', '--cert-dir', `${d}/pki`, ...NODE_FLAGS], target: 1500 },
  {
    // the same with ECDSA-P256 keys (config file only): what is left when RSA key generation is not the cost
    name: 'phase certs all (ECDSA-P256)',
    prepare: (d) =>
      writeFileSync(
        `${d}/kubeadm.yaml`,
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
        ].join('\n'),
      ),
    argv: (d) => [bin, 'phase', 'certs', 'all', '--config', `${d}/kubeadm.yaml`],
  },
  {
    name: 'phase certs all (reuse)',
    prepare: (d) => void run([bin, 'phase', 'certs', 'all', '--cert-dir', `${d}/pki`, ...NODE_FLAGS]),
    argv: (d) => [bin, 'phase', 'certs', 'all', '--cert-dir', `${d}/pki`, ...NODE_FLAGS],
  },
  {
    name: 'phase kubeconfig all',
    prepare: (d) => void run([bin, 'phase', 'certs', 'ca', '--cert-dir', `${d}/pki`]),
    argv: (d) => [bin, 'phase', 'kubeconfig', 'all', '--cert-dir', `${d}/pki`, '--kubeconfig-dir', d, ...NODE_FLAGS],
  },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: string[][] = [];
const medians = new Map<string, number>();
for (const c of CASES) {
  const times: number[] = [];
  const cpus: number[] = [];
  let failure = '';
  for (let i = 0; i < N; i++) {
    const dir = mkdtempSync(path.join(scratch, 'run-'));
    c.prepare?.(dir);
    const r = run(c.argv(dir));
    if (!r.ok) failure ||= r.err;
    times.push(r.ms);
    cpus.push(r.cpu);
  }
  const m = median(times);
  medians.set(c.name, m);
  const verdict = failure ? `FAILED: ${failure}` : c.target === undefined ? '' : m <= c.target ? `ok (< ${c.target} ms)` : `SLOW (target ${c.target} ms)`;
  rows.push([c.name, m.toFixed(0), Math.min(...times).toFixed(0), Math.max(...times).toFixed(0), median(cpus).toFixed(0), verdict]);
}

const head = ['command', 'median ms', 'min', 'max', 'cpu ms', ''];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((x, i) => (i === 0 || i === 5 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ').trimEnd();
console.log(`mini-kubeadm CLI bench: median of ${N} spawned runs, node ${process.version}, load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`);
console.log(line(head));
for (const r of rows) console.log(line(r));
const ratio = medians.get('mini-kubeadm --help')! / medians.get('node -e 0')!;
console.log(`--help / node -e 0 = ${ratio.toFixed(2)}x (ideal <= 1.3x)`);

// what --help loads: a resolve hook logs every module
const hook = path.join(scratch, 'hook.mjs');
writeFileSync(hook, "export async function resolve(s, c, next) { const r = await next(s, c); if (!r.url.startsWith('node:')) process.stderr.write('LOADED ' + r.url + '\\n'); return r; }\n");
const reg = path.join(scratch, 'register.mjs');
writeFileSync(reg, `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hook).href)});\n`);
const traced = spawnSync(process.execPath, ['--import', pathToFileURL(reg).href, bin, '--help'], { encoding: 'utf8' });
const loaded = [...new Set(traced.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(7)))];
const ours = loaded.filter((u) => u.includes('/dist/src/')).length;
const packages = [...new Set(loaded.map((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1]).filter((p): p is string => !!p))];
console.log(`--help loads ${ours} of our modules and these packages: ${packages.join(', ') || '(none)'}`);
