// A one-shot signal between the lanes of a schedule: one phase opens it (or fails it, with its
// error), phases in other lanes wait for it. Runs of a single phase have no gates and no waits.

/** What a phase waiting on a gate gets when the gate's opener failed: a consequence, not the cause. */
export class GateFailedError extends Error {
  constructor(
    readonly gate: string,
    override readonly cause: unknown,
  ) {
    super(`${gate}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export class Gate {
  readonly opened: Promise<void>;
  private settle!: { open: () => void; fail: (e: unknown) => void };
  private done = false;

  constructor(readonly what: string) {
    this.opened = new Promise<void>((open, fail) => (this.settle = { open, fail }));
    // a gate nobody waits on must not turn its failure into an unhandled rejection
    this.opened.catch(() => undefined);
  }

  open(): void {
    if (!this.done) (this.done = true), this.settle.open();
  }

  fail(e: unknown): void {
    if (!this.done) (this.done = true), this.settle.fail(new GateFailedError(this.what, e));
  }
}
