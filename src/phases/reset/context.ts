// What reset's phases get: no cluster configuration is needed (reset must work on a broken
// node), only where things are, the host seam and the reporter.

import type { FlagValues } from '../../config/flags.js';
import type { RunOptions } from '../../config/types.js';
import type { Host } from '../../host/host.js';
import type { Paths } from '../../host/paths.js';
import type { Reporter } from '../../report/reporter.js';

export interface ResetContext {
  opts: RunOptions;
  paths: Paths;
  host: Host;
  report: Reporter;
  flags: FlagValues;
  criSocket: string;
  /** leftovers a step could not remove, reported together at the end */
  failures: { step: string; what: string; error: string }[];
}
