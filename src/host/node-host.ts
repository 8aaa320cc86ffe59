// The Host a command acts through, from its flags: the real node (under --rootfs), wrapped
// in the recording dry-run host for --dry-run.

import path from 'node:path';
import type { FlagValues } from '../config/flags.js';
import type { Io } from '../io.js';
import type { Host } from './host.js';
import { RealHost } from './real-host.js';
import { DryRunHost } from './dry-run-host.js';

/** commands a dry run may still really execute, because they only look */
const READ_ONLY = new Set(['systemctl is-active', 'systemctl is-enabled', 'crictl ps', 'crictl info', 'crictl images', 'crictl version']);

export async function nodeHost(flags: FlagValues, io: Io): Promise<Host> {
  const rootfs = typeof flags.rootfs === 'string' ? path.resolve(io.cwd, flags.rootfs) : '/';
  const real = new RealHost(rootfs);
  if (flags['dry-run'] !== true) return real;
  return new DryRunHost(real, (cmd, args) => READ_ONLY.has(`${cmd} ${args[0] ?? ''}`));
}
