// Stand-ins for the node's tools (systemctl, crictl, journalctl, sysctl ...) where the real one
// would act on this machine or needs a running cluster: shell scripts in a temp bin put first on
// PATH for one test, each call recorded in a log.
//
// Why not a real crictl against a real containerd for the crictl answers: a containerd needs its
// own root, state and socket, a snapshotter that works in this container, runc, and images that
// crash on purpose, more than fits a unit-speed test; the lab runs the real pair, and
// test:component-faults (test/e2e/component-faults.sh) covers the crash loop with them: a
// component with an unknown flag keeps exiting, init's error names it and shows its log line.

import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { tmpDir } from './tmp-host.js';

/** a tool's script, or its body after a line that records the call */
export type StandIn = string | { body: string };

export interface StandInBin {
  bin: string;
  /** every recorded call, "tool arg ..." */
  calls: () => string[];
  /** put PATH back now (it is put back when the test ends anyway) */
  restore: () => void;
}

/**
 * PATH for the rest of the test: the stand-ins first, then `rest`: 'system' (/usr/bin:/bin, for
 * sh's own tools), 'inherit' (the PATH as it was), or 'none' (nothing else is found: a missing
 * tool stays missing).
 */
export function standInTools(t: Pick<TestContext, 'after'>, tools: Record<string, StandIn>, rest: 'system' | 'inherit' | 'none' = 'system'): StandInBin {
  const bin = tmpDir(t as TestContext, 'mk-bin-');
  const log = path.join(bin, 'calls.log');
  for (const [name, tool] of Object.entries(tools)) {
    const text = typeof tool === 'string' ? tool : `#!/bin/sh\necho "${name} $*" >> ${log}\n${tool.body}\n`;
    writeFileSync(path.join(bin, name), text);
    chmodSync(path.join(bin, name), 0o755);
  }
  const old = process.env.PATH;
  process.env.PATH = rest === 'none' ? bin : `${bin}:${rest === 'system' ? '/usr/bin:/bin' : old}`;
  let restored = false;
  const restore = () => {
    if (!restored) process.env.PATH = old;
    restored = true;
  };
  t.after(restore);
  return { bin, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []), restore };
}

/** a tool that records its call and succeeds */
export const RECORDS: StandIn = { body: 'exit 0' };
