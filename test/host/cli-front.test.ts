// bin/mini-kubeadm answers help and usage errors from dist/bundle/front.cjs (the command tree
// alone, the phase catalog as data, CommonJS) and hands every other argv to the ESM bundle:
// for every command path, what the front answers must read exactly as dist/src's main() does,
// and what it does not answer it must leave untouched (nothing printed).

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildCli } from '../../src/cli.js';
import type { Io } from '../../src/io.js';
import { captureIo, runCli, type CliResult } from '../helpers/run-cli.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { front } = createRequire(import.meta.url)(path.join(repo, 'dist/bundle/front.cjs')) as { front: (argv: string[], io?: Io) => Promise<number | undefined> };


/** what the front bundle does with argv: its answer, or 'main' when it hands argv on */
async function viaFront(argv: string[]): Promise<CliResult | 'main'> {
  const c = captureIo();
  const code = await front(argv, c.io);
  if (code === undefined) {
    assert.equal(c.out() + c.err(), '', `front printed before handing on: ${argv.join(' ')}`);
    return 'main';
  }
  return { code, stdout: c.out(), stderr: c.err() };
}

const paths: string[][] = [];
const walk = (cmd: ReturnType<typeof buildCli>, p: string[]) => {
  paths.push(p);
  for (const sub of cmd.commands) walk(sub, [...p, sub.name()]);
};
walk(buildCli(captureIo().io), []);

const answered: { name: string; argv: (p: string[]) => string[] | undefined }[] = [
  { name: '--help', argv: (p) => [...p, '--help'] },
  { name: '-h', argv: (p) => [...p, '-h'] },
  { name: 'help NAME', argv: (p) => (p.length ? [...p.slice(0, -1), 'help', p.at(-1)!] : ['help']) },
  { name: 'an unknown subcommand', argv: (p) => [...p, 'no-such-command'] },
  { name: 'an unknown option', argv: (p) => [...p, '--no-such-flag'] },
];

test('the tree has every command path the front must answer for', () => {
  assert.ok(paths.length > 50, `only ${paths.length} command paths`);
  assert.ok(paths.some((p) => p.join(' ') === 'reset phase cleanup-node'));
  for (const p of ['token create', 'token list', 'token delete', 'token generate', 'certs certificate-key', 'certs check-expiration', 'certs renew', 'config images list', 'config images pull', 'completion', 'status']) assert.ok(paths.some((q) => q.join(' ') === p), p);
});

for (const kind of answered) {
  test(`front bundle, every command path: ${kind.name} reads as main() prints it`, async () => {
    for (const p of paths) {
      const argv = kind.argv(p);
      if (!argv) continue;
      const got = await viaFront(argv);
      // an unknown word after a command that takes an argument is that argument: main's to run
      if (got === 'main') continue;
      assert.deepEqual(got, await runCli(argv), `mini-kubeadm ${argv.join(' ')}`);
    }
  });
}

test('front bundle: --help and its kind are answered, never handed on', async () => {
  for (const p of paths) for (const argv of [[...p, '--help'], [...p, '-h']]) assert.notEqual(await viaFront(argv), 'main', argv.join(' '));
});

test('front bundle, every command path as it stands: runs nothing, answers only usage errors', async () => {
  let handedOn = 0;
  for (const p of paths) {
    const got = await viaFront(p);
    if (got === 'main') handedOn++;
    // a command with subcommands and no action of its own: its help, on stderr (safe to run)
    else assert.deepEqual(got, await runCli(p), `mini-kubeadm ${p.join(' ')}`);
  }
  assert.ok(handedOn > 50, `only ${handedOn} command paths handed on to main()`);
});
