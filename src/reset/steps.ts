// Reset as a table of best-effort steps: each names what it removes, each runs even after an
// earlier one failed, and what it could not remove is kept as a leftover for the summary.

export interface StepLog {
  /** something this step removed (under --dry-run: would remove) */
  removed(what: string): void;
  /** something this step could not remove, and why */
  left(what: string, error: string): void;
  /** what the step found or decided, for the person watching */
  note(message: string): void;
  warn(message: string): void;
}

export interface ResetStep<E> {
  name: string;
  /** what it removes, in the user's terms: the leftover named when it fails as a whole */
  removes: string;
  run(env: E, log: StepLog): Promise<void>;
}

/** Walk the steps in order; a step that throws leaves what it removes behind, the next still runs. */
export async function runSteps<E>(steps: readonly ResetStep<E>[], env: E, logFor: (step: ResetStep<E>) => StepLog): Promise<void> {
  for (const step of steps) {
    const log = logFor(step);
    try {
      await step.run(env, log);
    } catch (e) {
      log.left(step.removes, e instanceof Error ? e.message : String(e));
    }
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
