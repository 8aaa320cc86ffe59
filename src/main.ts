// The process boundary: argv in, exit code out. Renders every error for people (what is
// wrong, how to fix it) and keeps stacks for bugs and --verbose.

import { CommanderError } from 'commander';
import { buildCli } from './cli.js';
import { MkError } from './errors.js';
import type { Io } from './io.js';

export async function main(argv: string[], io?: Io): Promise<number> {
  const streams: Io = io ?? processIo();
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  try {
    await buildCli(streams, argv).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    return renderError(e, streams, verbose);
  } finally {
    if (!io) process.exitCode ??= 0;
  }
}

/** The process's streams, each made on first use: a stream costs a few ms, and `--help` needs only stdout. */
export function processIo(): Io {
  return {
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

export function renderError(e: unknown, io: Io, verbose: boolean): number {
  if (e instanceof CommanderError) {
    // commander has already printed its message (help, version, unknown option ...)
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version') return 0;
    return 1;
  }
  if (e instanceof MkError) {
    io.stderr.write(`error: ${e.message}\n`);
    if (e.hint) io.stderr.write(`hint: ${e.hint}\n`);
    if (e.fault === 'internal' && e.code !== 'NOT_IMPLEMENTED') io.stderr.write('This is a bug in mini-kubeadm; please report it with the output of --verbose.\n');
    if (verbose && e.stack) io.stderr.write(`${e.stack}\n${causeChain(e)}`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.stderr.write(`error: ${err.message}\n`);
  io.stderr.write('This is a bug in mini-kubeadm (an unexpected error); please report it with this output.\n');
  io.stderr.write(`${err.stack ?? ''}\n`);
  return 1;
}

function causeChain(e: Error): string {
  let out = '';
  for (let c = e.cause; c instanceof Error; c = c.cause) out += `caused by: ${c.stack ?? c.message}\n`;
  return out;
}
