// What reset's phases get: no cluster configuration is needed (reset must work on a broken
// node), only where things are, the host seam, the reporter, the switches reset reads, and
// the two lists every step adds to: what went, and what was left behind.

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
  /** --cri-socket; undefined means: detect the runtime's socket on the node */
  criSocket: string | undefined;
  /** --force: no question */
  force: boolean;
  /** --cleanup-tmp-dir */
  cleanupTmpDir: boolean;
  /** Ask y/N once before the first change (throws on no); does nothing with --force, --dry-run or after a yes. */
  confirm(): Promise<void>;
  /**
   * directories remove-etcd-member leaves to cleanup-node, which empties them once the kubelet is
   * stopped and the pods are removed; undefined when cleanup-node does not run in this reset
   */
  dirsToClean?: string[];
  /** what the steps removed (under --dry-run: would remove), in order */
  removed: { step: string; what: string }[];
  /** leftovers a step could not remove, reported together at the end */
  failures: { step: string; what: string; error: string }[];
}
