// Flags and --config merged into one defaulted, validated InitConfig.
// STUB: defaults only; the core issue's config work replaces this file.

import type { FlagValues } from './flags.js';
import type { InitConfig, RunOptions } from './types.js';
import type { Host } from '../host/host.js';
import { NotImplementedError } from '../errors.js';

export interface LoadInput {
  flags: FlagValues;
  /** reads --config (under --rootfs, as kubeadm's chroot would) */
  host: Host;
  /** the directory relative paths in flags are taken from */
  cwd: string;
  env: NodeJS.ProcessEnv;
  startedAt: Date;
}

export async function loadInitConfig(_input: LoadInput): Promise<{ cfg: InitConfig; opts: RunOptions }> {
  throw new NotImplementedError('configuration loading');
}
