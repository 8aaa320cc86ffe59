// `completion bash|zsh`: the scripts run in the real shells. bash completes a command line the
// way its completion would (COMP_WORDS, COMP_CWORD, then the function; COMPREPLY is the
// answer); zsh checks the syntax, then runs the function with zsh's completion builtins
// replaced by ones that print what they were given. What they must offer comes from the
// phase catalog and the flags table, as the help does.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { initCatalog, joinCatalog, resetCatalog } from '../../src/phases/catalog.js';
import { runCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mk-completion-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function script(shell: string): Promise<string> {
  const r = await runCli(['completion', shell]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const file = path.join(dir, `mini-kubeadm.${shell}`);
  writeFileSync(file, r.stdout);
  return file;
}

/** what bash offers at the last word of `line` (split on spaces; a trailing space is an empty word) */
function bashOffers(file: string, line: string): string[] {
  const words = line.split(' ');
  const r = spawnSync('bash', ['--norc', '-c', 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _mini_kubeadm; printf "%s\\n" "${COMPREPLY[@]}"', 'bash', file, ...words], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  return r.stdout.split('\n').filter(Boolean);
}

/** what zsh's function hands to _describe / compadd / _files at the last word of `line` */
function zshOffers(file: string, line: string): string[] {
  const words = line.split(' ');
  const stubs = 'compdef() { :; }; _describe() { print -l -- "${(@)${(P)${@[-1]}}%%:*}"; }; compadd() { print -l -- "${(@P)${@[-1]}}"; }; _files() { print -- "(files)"; }';
  const r = spawnSync('zsh', ['-f', '-c', `${stubs}; source "$1"; shift; words=("$@"); CURRENT=$#; PREFIX=\${words[-1]}; _mini_kubeadm`, 'zsh', file, ...words], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  // _describe filters by the word's prefix; the stub does not
  const prefix = words.at(-1)!;
  return r.stdout.split('\n').filter((w) => w && w.startsWith(prefix));
}

const names = (phases: typeof initCatalog) => phases.filter((p) => !p.hidden).map((p) => p.name);
const childrenOf = (phases: typeof initCatalog, name: string) => {
  const p = phases.find((x) => x.name === name)!;
  return [...(p.noAll ? [] : ['all']), ...names(p.children!)];
};

const cases: { line: string; want: (got: string[]) => void }[] = [
  { line: 'mini-kubeadm ', want: (got) => assert.deepEqual(got, ['init', 'phase', 'join', 'reset', 'config', 'token', 'certs', 'status', 'version', 'completion']) },
  { line: 'mini-kubeadm to', want: (got) => assert.deepEqual(got, ['token']) },
  { line: 'mini-kubeadm init phase ', want: (got) => assert.deepEqual(got, names(initCatalog)) },
  { line: 'mini-kubeadm phase ', want: (got) => assert.deepEqual(got, names(initCatalog)) },
  { line: 'mini-kubeadm init phase certs ', want: (got) => assert.deepEqual(got, childrenOf(initCatalog, 'certs')) },
  { line: 'mini-kubeadm join phase ', want: (got) => assert.deepEqual(got, names(joinCatalog)) },
  { line: 'mini-kubeadm join phase control-plane-join ', want: (got) => assert.deepEqual(got, childrenOf(joinCatalog, 'control-plane-join')) },
  { line: 'mini-kubeadm reset phase ', want: (got) => assert.deepEqual(got, names(resetCatalog)) },
  { line: 'mini-kubeadm init --', want: (got) => ['--pod-network-cidr', '--config', '--skip-phases', '--dry-run', '--help'].forEach((f) => assert.ok(got.includes(f), f)) },
  { line: 'mini-kubeadm init --pod', want: (got) => assert.deepEqual(got, ['--pod-network-cidr']) },
  { line: 'mini-kubeadm join --', want: (got) => ['--discovery-token-ca-cert-hash', '--token', '--control-plane', '--certificate-key'].forEach((f) => assert.ok(got.includes(f), f)) },
  // a phase command has its phase's flags, not init's union
  { line: 'mini-kubeadm init phase certs ca --', want: (got) => assert.ok(got.includes('--cert-dir') && !got.includes('--pod-network-cidr'), got.join(' ')) },
  // a flag's value is skipped: the word after it is not taken for a command
  { line: 'mini-kubeadm init --config phase ', want: (got) => assert.deepEqual(got, ['phase']) },
  { line: 'mini-kubeadm --help i', want: (got) => assert.deepEqual(got, ['init']) },
  { line: 'mini-kubeadm token list -o ', want: (got) => assert.deepEqual(got, ['text', 'json', 'yaml']) },
  { line: 'mini-kubeadm init --cni ', want: (got) => assert.ok(!got.includes('phase'), got.join(' ')) },
];

test('completion bash: commands, phases, nested sub-phases, flags and flag values', async () => {
  const file = await script('bash');
  for (const c of cases) c.want(bashOffers(file, c.line));
  // a value without named choices: nothing offered, so bash falls back to file names (-o default)
  assert.deepEqual(bashOffers(file, 'mini-kubeadm init --config '), []);
  assert.match(spawnSync('bash', ['--norc', '-c', 'source "$1"; complete -p mini-kubeadm', 'bash', file], { encoding: 'utf8' }).stdout, /-o default -F _mini_kubeadm mini-kubeadm/);
});

test('completion zsh: valid syntax (zsh -n), and the same answers as bash', async () => {
  const file = await script('zsh');
  const r = spawnSync('zsh', ['-n', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  for (const c of cases) c.want(zshOffers(file, c.line));
  assert.deepEqual(zshOffers(file, 'mini-kubeadm init --config '), ['(files)']);
});

test('completion: an unknown or missing shell is an error naming the shells, exit 2, nothing printed', async () => {
  for (const argv of [['completion', 'fish'], ['completion']]) {
    const r = await runCli(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: (unsupported shell "fish"|no shell given): mini-kubeadm writes completion for bash and zsh\nhint: run: source <\(mini-kubeadm completion bash\|zsh\)\n$/);
  }
});
