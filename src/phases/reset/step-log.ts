// Where a reset step's findings go: removals and leftovers into the context's lists (for the
// closing summary) and, as they happen, to the reporter.

import type { ResetStep, StepLog } from '../../reset/steps.js';
import type { ResetContext } from './context.js';

export function stepLogs<E>(ctx: Pick<ResetContext, 'report' | 'removed' | 'failures' | 'host'>, phase: string): (step: ResetStep<E>) => StepLog {
  return (step) => {
    const where = `${phase}/${step.name}`;
    return {
      removed(what) {
        ctx.removed.push({ step: where, what });
        ctx.report.result(what.startsWith('/') || what.startsWith('contents of /') ? 'file' : 'note', `${ctx.host.dryRun ? 'would remove' : 'removed'} ${what}`);
      },
      left(what, error) {
        ctx.failures.push({ step: where, what, error });
        ctx.report.warn(`left behind: ${what}: ${error}`);
      },
      note: (m) => ctx.report.info(m),
      warn: (m) => ctx.report.warn(m),
    };
  };
}
