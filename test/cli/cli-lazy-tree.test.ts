// The command tree main() builds for an argv (subcommands only under the commands argv names)
// must read exactly as the full tree: every command's help, `help NAME`, and the error for an
// unknown subcommand or option, compared for every command path there is.

import assert from 'node:assert/strict';
import test from 'node:test';
import { buildCli } from '../../src/cli.js';
import { renderError } from '../../src/main.js';
import { captureIo, runCli, type CliResult } from '../helpers/run-cli.js';


/** what the full tree (buildCli without argv) prints for argv */
async function fullTree(argv: string[]): Promise<CliResult> {
  const c = captureIo();
  let code = 0;
  try {
    await buildCli(c.io).parseAsync(argv, { from: 'user' });
  } catch (e) {
    code = renderError(e, c.io, false);
  }
  return { code, stdout: c.out(), stderr: c.err() };
}

function commandPaths(): string[][] {
  const paths: string[][] = [];
  const walk = (cmd: ReturnType<typeof buildCli>, p: string[]) => {
    paths.push(p);
    for (const sub of cmd.commands) walk(sub, [...p, sub.name()]);
  };
  walk(buildCli(captureIo().io), []);
  return paths;
}

const paths = commandPaths();

const kinds: { name: string; argv: (path: string[]) => string[] | undefined }[] = [
  { name: '--help', argv: (p) => [...p, '--help'] },
  { name: 'help NAME', argv: (p) => (p.length ? [...p.slice(0, -1), 'help', p.at(-1)!] : undefined) },
  { name: 'an unknown subcommand', argv: (p) => [...p, 'no-such-command'] },
  { name: 'an unknown option', argv: (p) => [...p, '--no-such-flag'] },
];

test('the full tree has the commands the lazy build must match', () => {
  assert.ok(paths.length > 50, `only ${paths.length} command paths`);
  assert.ok(paths.some((p) => p.join(' ') === 'init phase certs all'));
  assert.ok(paths.some((p) => p.join(' ') === 'config print init-defaults'));
});

for (const kind of kinds) {
  test(`every command path: ${kind.name} reads as with the full tree`, async () => {
    let compared = 0;
    for (const p of paths) {
      const argv = kind.argv(p);
      if (!argv) continue;
      const want = await fullTree(argv);
      const got = await runCli(argv);
      assert.deepEqual(got, want, `mini-kubeadm ${argv.join(' ')}`);
      compared++;
    }
    assert.ok(compared >= paths.length - 1);
  });
}
