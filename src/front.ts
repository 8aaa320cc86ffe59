// The launcher's fast path for help and usage errors: the command tree alone, bundled by
// scripts/bundle.mjs as one CommonJS file (dist/bundle/front.cjs) with the phase catalog as data,
// so `mini-kubeadm --help` starts neither the ESM loader nor any phase or domain module.
// It finishes only what commander answers by itself (help, usage errors); argv that reaches
// an action is handed back untouched to main() (the ESM bundle), which parses it again.

import { CommanderError } from 'commander';
import { buildCli } from './cli.js';
import type { Io } from './io.js';
import { processIo, renderError } from './main.js';

/** Thrown before any action runs: this argv is main()'s. */
class RunsACommand extends Error {}

/**
 * The exit code when commander answered argv itself (help, an unknown option or command), or
 * undefined when argv runs a command: then nothing has been printed and main(argv) must run it.
 */
export async function front(argv: readonly string[], io?: Io): Promise<number | undefined> {
  const streams = io ?? processIo();
  const cli = buildCli(streams, argv).hook('preAction', () => {
    throw new RunsACommand();
  });
  try {
    await cli.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof RunsACommand) return undefined;
    if (e instanceof CommanderError) return renderError(e, streams, false);
    throw e;
  }
}
