// A RealHost rooted in a fresh temp directory (--rootfs), removed when the test ends.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { RealHost } from '../../src/host/real-host.js';

export function tmpDir(t: TestContext | undefined, prefix = 'mk-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  t?.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** host.resolve('/etc/kubernetes/pki/ca.crt') gives the real file for openssl and kubectl */
export function tmpHost(t: TestContext | undefined): RealHost {
  return new RealHost(tmpDir(t, 'mk-root-'));
}
