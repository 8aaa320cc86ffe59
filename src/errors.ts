// Errors that carry who is at fault, what went wrong in the user's terms, and how to fix it;
// only main.ts renders them and turns them into an exit code.

export type Fault = 'user' | 'environment' | 'internal';

export interface MkErrorOptions {
  code: string;
  hint?: string;
  exitCode?: number;
  fault?: Fault;
  cause?: unknown;
}

export class MkError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: number;
  readonly fault: Fault;

  constructor(message: string, opts: MkErrorOptions) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code;
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? 1;
    this.fault = opts.fault ?? 'user';
  }
}

/** Bad input: a flag, a config field, a file the user pointed at. Exit 1, nothing written. */
export class UserError extends MkError {
  constructor(code: string, message: string, hint?: string) {
    super(message, { code, hint, exitCode: 1, fault: 'user' });
  }
}

/** The node is not as it must be (a file that conflicts, a service that is down). Exit 1. */
export class HostError extends MkError {
  constructor(code: string, message: string, hint?: string, cause?: unknown) {
    super(message, { code, hint, exitCode: 1, fault: 'environment', cause });
  }
}

/** One or more preflight checks failed: exit 2, as kubeadm does. */
export class PreflightError extends MkError {
  constructor(message: string, hint?: string) {
    super(message, { code: 'PREFLIGHT_FAILED', hint, exitCode: 2, fault: 'environment' });
  }
}

/** A registered phase whose implementation has not landed yet: never a silent success. */
export class NotImplementedError extends MkError {
  constructor(what: string) {
    super(`${what} is not implemented yet`, {
      code: 'NOT_IMPLEMENTED',
      hint: 'skip it with --skip-phases, or run a release that has it',
      exitCode: 1,
      fault: 'internal',
    });
  }
}

/** A wait that ran out; the hint is the diagnosis of what is actually wrong. */
export class TimeoutError extends MkError {
  constructor(what: string, hint: string) {
    super(`timed out waiting for ${what}`, { code: 'TIMEOUT', hint, exitCode: 1, fault: 'environment' });
  }
}
