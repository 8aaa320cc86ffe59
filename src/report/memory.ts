// The reporter tests use: it keeps every event, in order, for assertions.

import type { PhaseRef, Reporter, ResultKind } from './reporter.js';

export type MemoryEvent =
  | { type: 'phaseStart'; path: string }
  | { type: 'phaseEnd'; path: string; ok: boolean; durationMs: number; skipped?: string }
  | { type: 'info' | 'warn' | 'print'; message: string }
  | { type: 'result'; kind: ResultKind; message: string };

export class MemoryReporter implements Reporter {
  readonly events: MemoryEvent[] = [];
  phaseStart(p: PhaseRef): void {
    this.events.push({ type: 'phaseStart', path: p.path });
  }
  phaseEnd(p: PhaseRef, o: { ok: boolean; durationMs: number; skipped?: string }): void {
    this.events.push({ type: 'phaseEnd', path: p.path, ...o });
  }
  info(message: string): void {
    this.events.push({ type: 'info', message });
  }
  warn(message: string): void {
    this.events.push({ type: 'warn', message });
  }
  result(kind: ResultKind, message: string): void {
    this.events.push({ type: 'result', kind, message });
  }
  print(message: string): void {
    this.events.push({ type: 'print', message });
  }
  close(): void {}
  /** the phases that ran, in order */
  ran(): string[] {
    return this.events.filter((e) => e.type === 'phaseEnd' && !e.skipped).map((e) => (e as { path: string }).path);
  }
}
