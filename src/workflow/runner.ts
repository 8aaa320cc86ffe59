// The runner: slash paths, run order, --skip-phases, `all`, per-phase timing. It knows
// nothing of certificates or kubelets; tests drive it with toy trees.

import { MkError, UserError } from '../errors.js';
import type { Reporter } from '../report/reporter.js';
import type { Phase, PlacedPhase } from './phase.js';
import { GateFailedError } from './gate.js';

/** Every phase in run order (a parent before its children), with its slash path. */
export function placePhases<C>(tree: readonly Phase<C>[]): PlacedPhase<C>[] {
  const out: PlacedPhase<C>[] = [];
  const walk = (phases: readonly Phase<C>[], parent: PlacedPhase<C> | undefined, depth: number) => {
    for (const phase of phases) {
      const placed: PlacedPhase<C> = { phase, path: parent ? `${parent.path}/${phase.name}` : phase.name, depth, parent };
      out.push(placed);
      if (phase.children) walk(phase.children, placed, depth + 1);
    }
  };
  walk(tree, undefined, 0);
  return out;
}

/** The names a user may give: every path, and PARENT/all for parents that have `all`. */
export function validPhaseNames<C>(tree: readonly Phase<C>[]): string[] {
  const names: string[] = [];
  for (const p of placePhases(tree)) {
    names.push(p.path);
    if (p.phase.children?.length && !p.phase.noAll) names.push(`${p.path}/all`);
  }
  return names;
}

function normalise(name: string): string {
  return name.trim().replace(/^\/+|\/+$/g, '').replace(/\/all$/, '');
}

/** Find a phase by slash path ("certs/ca", "certs/all", "certs"); a user error lists the valid names. */
export function findPhase<C>(tree: readonly Phase<C>[], name: string, flagName = 'phase'): PlacedPhase<C> {
  const wanted = normalise(name);
  const found = placePhases(tree).find((p) => p.path === wanted);
  if (!found || (name.endsWith('/all') && (!found.phase.children?.length || found.phase.noAll))) {
    throw new UserError(
      'UNKNOWN_PHASE',
      `unknown ${flagName} "${name}"`,
      `valid phases are: ${validPhaseNames(tree).join(', ')}`,
    );
  }
  return found;
}

/**
 * The phases to run, in order: the subtree under `target` (everything when undefined),
 * less every subtree named in `skip`.
 */
export function selectPhases<C>(tree: readonly Phase<C>[], target: string | undefined, skip: readonly string[]): PlacedPhase<C>[] {
  const skipped = skip.filter((s) => s.trim() !== '').map((s) => findPhase(tree, s, 'phase in --skip-phases').path);
  const root = target === undefined ? undefined : findPhase(tree, target).path;
  const inside = (path: string, top: string) => path === top || path.startsWith(`${top}/`);
  return placePhases(tree).filter((p) => (root === undefined || inside(p.path, root)) && !skipped.some((s) => inside(p.path, s)));
}

export interface PhaseTiming {
  path: string;
  durationMs: number;
  skipped?: string;
}

/** Thrown when a phase fails: says which phase, keeps the cause for main.ts to render. */
export class PhaseFailedError extends MkError {
  constructor(
    readonly phasePath: string,
    readonly inner: unknown,
  ) {
    const e = inner instanceof MkError ? inner : undefined;
    super(`phase ${phasePath}: ${inner instanceof Error ? inner.message : String(inner)}`, {
      code: e?.code ?? 'PHASE_FAILED',
      hint: e?.hint,
      exitCode: e?.exitCode ?? 1,
      fault: e?.fault ?? 'internal',
      cause: inner,
    });
  }
}

/**
 * Run the selected phases in order. A parent's end is reported after its last child so its
 * duration covers them. The first failure stops the run; so does `stop` (another lane of a
 * schedule failed): no further phase starts, and the open parents end as not done.
 */
export async function runPhases<C>(
  ctx: C,
  selected: readonly PlacedPhase<C>[],
  report: Reporter,
  now: () => number = () => performance.now(),
  stop?: AbortSignal,
): Promise<PhaseTiming[]> {
  const timings: PhaseTiming[] = [];
  const open: { placed: PlacedPhase<C>; start: number }[] = [];
  // parents whose children a schedule split: they end after the last of them, wherever it runs
  const deferred: { placed: PlacedPhase<C>; start: number }[] = [];
  const selectedPaths = new Set(selected.map((p) => p.path));
  const ref = (p: PlacedPhase<C>) => ({ path: p.path, short: p.phase.short });
  const childrenAfter = (path: string, i: number) => selected.slice(i).some((p) => p.path.startsWith(`${path}/`));
  const end = (o: { placed: PlacedPhase<C>; start: number }) => {
    const durationMs = now() - o.start;
    timings.push({ path: o.placed.path, durationMs });
    report.phaseEnd(ref(o.placed), { ok: true, durationMs });
  };

  /** close the open parents at `depth` or deeper; `next` is the index of the phase about to run */
  const closeUntil = (depth: number, next: number) => {
    while (open.length && open[open.length - 1]!.placed.depth >= depth) {
      const o = open.pop()!;
      if (childrenAfter(o.placed.path, next)) deferred.push(o);
      else end(o);
    }
    for (const d of [...deferred]) {
      const inside = (p: PlacedPhase<C>) => p.path.startsWith(`${d.placed.path}/`);
      if (!childrenAfter(d.placed.path, next) && !open.some((o) => inside(o.placed))) {
        deferred.splice(deferred.indexOf(d), 1);
        end(d);
      }
    }
  };

  const endOpenAsFailed = () => {
    for (const o of [...open.reverse(), ...deferred.reverse()]) report.phaseEnd(ref(o.placed), { ok: false, durationMs: now() - o.start });
  };
  for (const [i, placed] of selected.entries()) {
    closeUntil(placed.depth, i);
    if (stop?.aborted) {
      endOpenAsFailed();
      return timings;
    }
    if (placed.parent && skippedAncestor(placed, ctx)) continue;
    const reason = placed.phase.skipReason?.(ctx);
    const hasSelectedChildren = placed.phase.children?.some((c) => selectedPaths.has(`${placed.path}/${c.name}`));
    if (reason !== undefined) {
      report.phaseStart(ref(placed));
      report.phaseEnd(ref(placed), { ok: true, durationMs: 0, skipped: reason });
      timings.push({ path: placed.path, durationMs: 0, skipped: reason });
      // its children are skipped with it
      continue;
    }
    const start = now();
    report.phaseStart(ref(placed));
    try {
      await placed.phase.run?.(ctx);
    } catch (e) {
      const durationMs = now() - start;
      report.phaseEnd(ref(placed), { ok: false, durationMs });
      endOpenAsFailed();
      throw e instanceof PhaseFailedError ? e : new PhaseFailedError(placed.path, e);
    }
    if (hasSelectedChildren) open.push({ placed, start });
    else {
      const durationMs = now() - start;
      timings.push({ path: placed.path, durationMs });
      report.phaseEnd(ref(placed), { ok: true, durationMs });
    }
  }
  closeUntil(0, selected.length);
  return timings;
}

function skippedAncestor<C>(placed: PlacedPhase<C>, ctx: C): boolean {
  for (let p = placed.parent; p; p = p.parent) if (p.phase.skipReason?.(ctx) !== undefined) return true;
  return false;
}

/** The union of flag names a tree's phases read, in first-seen order. */
export function flagsOf<C>(tree: readonly Phase<C>[]): string[] {
  const seen = new Set<string>();
  for (const p of placePhases(tree)) for (const f of p.phase.flags ?? []) seen.add(f);
  return [...seen];
}

/**
 * The order of a whole run when it is not the tree's: stages run one after another; the lanes
 * of a stage run at the same time, each its entries in order. An entry is a phase path: a
 * phase with its children, or one child ("control-plane/apiserver"), whose parent then starts
 * just before it, whose other children run where the parent's own entry comes later, and
 * whose end is reported after the last of them.
 */
export type Schedule = readonly (readonly (readonly string[])[])[];

const insidePath = (path: string, top: string) => path === top || path.startsWith(`${top}/`);

/** What is wrong with a schedule for a tree: a phase left out, an entry that is no phase, a phase named twice. */
export function scheduleProblems<C>(tree: readonly Phase<C>[], schedule: Schedule): string[] {
  const entries = schedule.flat(2);
  const paths = placePhases(tree).map((p) => p.path);
  const problems = tree.filter((p) => !entries.some((e) => insidePath(e, p.name))).map((p) => `phase ${p.name} is not in the schedule`);
  for (const e of new Set(entries)) {
    if (!paths.includes(e)) problems.push(`the schedule names an unknown phase ${e}`);
    if (entries.filter((m) => m === e).length > 1) problems.push(`the schedule names phase ${e} twice`);
  }
  return problems;
}

/**
 * Run the selected phases by a schedule: each phase still reports its start and end (and a
 * parent its children), only the order and overlap change. A failure in one lane lets the
 * phases running in the other lanes of its stage finish (nothing is left half-done behind the
 * error), starts no further phase, and is the run's error (the first one, if several fail).
 */
export async function runScheduled<C>(
  ctx: C,
  selected: readonly PlacedPhase<C>[],
  schedule: Schedule,
  report: Reporter,
  now: () => number = () => performance.now(),
  /** called as soon as a lane fails, while the other lanes of its stage go on (a run fails its gates here, so no lane waits forever on one that will not open) */
  onLaneFailed: (e: unknown) => void = () => {},
): Promise<PhaseTiming[]> {
  const taken = new Set<string>();
  const take = (entry: string): PlacedPhase<C>[] => {
    const out = selected.filter((p) => !taken.has(p.path) && (insidePath(p.path, entry) || insidePath(entry, p.path)));
    for (const p of out) taken.add(p.path);
    return out;
  };
  const stages = schedule.map((stage) => stage.map((lane) => lane.flatMap(take)));
  const unscheduled = selected.filter((p) => !taken.has(p.path)).map((p) => p.path);
  if (unscheduled.length) throw new Error(`bug: phases ${unscheduled.join(', ')} are not in the schedule`);
  const timings: PhaseTiming[] = [];
  const stop = new AbortController();
  const failures: unknown[] = [];
  const failed = (e: unknown) => {
    failures.push(e);
    stop.abort(e);
    onLaneFailed(e);
    return Promise.reject(e);
  };
  for (const stage of stages) {
    const lanes = stage.filter((l) => l.length > 0);
    const results = await Promise.allSettled(lanes.map((lane) => runPhases(ctx, lane, report, now, stop.signal).catch(failed)));
    for (const r of results) if (r.status === 'fulfilled') timings.push(...r.value);
    // a phase that failed only because the gate it waited on failed is not the cause
    const consequence = (e: unknown) => e instanceof PhaseFailedError && e.inner instanceof GateFailedError;
    if (failures.length) throw failures.find((e) => !consequence(e)) ?? failures[0];
  }
  return timings;
}
