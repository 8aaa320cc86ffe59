// reset/preflight: ask before anything changes (unless --force or --dry-run), then the one
// check kubeadm makes here: reset runs as root.

import { PreflightError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import type { ResetContext } from './context.js';

const CHECK = 'IsPrivilegedUser';

export const preflightPhase: Phase<ResetContext> = {
  name: 'preflight',
  short: 'Run reset pre-flight checks',
  long: 'Run pre-flight checks for mini-kubeadm reset: ask for confirmation (unless --force or --dry-run), then check that it runs as root.',
  flags: ['dry-run', 'rootfs', 'force', 'ignore-preflight-errors'],
  async run(ctx) {
    await ctx.confirm();
    ctx.report.info('[preflight] Running pre-flight checks');
    const uid = process.getuid?.();
    if (uid === undefined || uid === 0) return;
    // the same reading of --ignore-preflight-errors as init's preflight (names, any case, or all)
    const { ignoredChecks, isIgnored } = await import('../../preflight/ignore.js');
    const message = `[${CHECK}]: user is not running as root (uid ${uid})`;
    if (isIgnored(ignoredChecks([], ctx.flags['ignore-preflight-errors']), CHECK)) return ctx.report.warn(`${message} (ignored)`);
    throw new PreflightError(`preflight check failed: ${message}`, `run reset as root (sudo), or pass --ignore-preflight-errors=${CHECK} to go on anyway`);
  },
};
