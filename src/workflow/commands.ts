// Binds a phase tree to commander: `NAME` runs every phase, `NAME phase P [CHILD]` runs one
// subtree, each parent gets `all`, each command gets exactly the flags its phases read, and
// NAME's help lists the phases as kubeadm's does. Subcommands are made only under the commands
// argv names (see Expand): the whole tree is ~100 commands and ~1000 options, most of a
// `--help`'s time.

import { Command, Option } from 'commander';
import { allFlags, flagSpec, type FlagValues } from '../config/flags.js';
import type { Phase } from './phase.js';
import { findPhase, flagsOf, placePhases } from './runner.js';

export interface WorkflowSpec<C> {
  name: string;
  short: string;
  long?: string;
  phases: readonly Phase<C>[];
  /** flags of the whole command beyond those its phases read (e.g. skip-phases) */
  extraFlags: readonly string[];
  /**
   * an optional positional argument of the command and of each phase command (join's
   * `[api-server-endpoint]`); its value reaches run() as flags[name] (name without brackets)
   */
  argument?: { name: string; description: string };
  /** target undefined = every phase; otherwise a slash path ("certs", "certs/ca") */
  run(target: string | undefined, flags: FlagValues): Promise<void>;
}

/**
 * Whether a command gets its subcommands. commander only descends into a subcommand whose name
 * is an argv word, and a parent's help shows of its children only what they have without
 * subcommands (name, [options], arguments, description), so a command argv does not name is
 * made whole but childless, and every help and error reads as with the full tree.
 */
export type Expand = (name: string) => boolean;

/** subcommands under the commands argv names; every one without argv (the full tree) */
export function expandFor(argv?: readonly string[]): Expand {
  if (!argv) return () => true;
  const words = new Set(argv);
  return (name) => words.has(name);
}

/** Flags every command understands, on top of its own. */
export const GLOBAL_OPTIONS = (): Option[] => [
  new Option('-o, --output <format>', 'output format: text or json').choices(['text', 'json']),
  new Option('-v, --verbose', 'show stack traces and command output on errors'),
];

/**
 * The named flags from the table, then the global options; `output` replaces the global
 * -o/--output (a command whose -o takes other formats, or false for one that prints no report).
 */
export function addFlags(cmd: Command, names: readonly string[], opts: { output?: Option | false } = {}): Command {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    const f = flagSpec(name);
    const opt = new Option(f.value ? `--${f.name} ${f.value}` : `--${f.name}`, f.description + (f.own ? ' (mini-kubeadm)' : ''));
    if (f.defaultText) opt.default(undefined, f.defaultText);
    if (f.repeatable) opt.argParser((v: string, previous: string | undefined) => (previous === undefined ? v : `${previous},${v}`));
    cmd.addOption(opt);
  }
  for (const g of GLOBAL_OPTIONS()) {
    if (g.long === '--output' && opts.output !== undefined) {
      if (opts.output) cmd.addOption(opts.output);
    } else cmd.addOption(g);
  }
  return cmd;
}

/** commander's parsed options, back under their kebab-case flag names */
export function flagValues(cmd: Command): FlagValues {
  // a parent phase command declares the same flags and commander gives them to it: take both
  const opts = cmd.optsWithGlobals() as Record<string, string | boolean | undefined>;
  const out: FlagValues = {};
  for (const f of allFlags()) {
    const key = camel(f.name);
    if (opts[key] !== undefined) out[f.name] = opts[key];
  }
  if (opts.output !== undefined) out.output = opts.output;
  if (opts.verbose !== undefined) out.verbose = opts.verbose;
  return out;
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function withArgument<C>(cmd: Command, spec: WorkflowSpec<C>): Command {
  return spec.argument ? cmd.argument(`[${spec.argument.name}]`, spec.argument.description) : cmd;
}

/** commander's action arguments ([arg], opts, command) as the flag values run() takes */
function argumentValues<C>(spec: WorkflowSpec<C>, a: unknown[]): FlagValues {
  const flags = flagValues(a[a.length - 1] as Command);
  if (spec.argument && typeof a[0] === 'string') flags[spec.argument.name] = a[0];
  return flags;
}

/** kubeadm's phase table for --help */
export function phaseTable<C>(phases: readonly Phase<C>[], commandName: string): string {
  const rows = placePhases(phases).filter((p) => !p.phase.hidden && !(p.parent?.phase.hidden));
  const label = (p: (typeof rows)[number]) => (p.depth === 0 ? p.phase.name : `${'  '.repeat(p.depth)}/${p.phase.name}`);
  const width = Math.max(...rows.map((r) => label(r).length)) + 2;
  const lines = rows.map((r) => `${label(r).padEnd(width)}${r.phase.short}`);
  return `\nThe "${commandName}" command executes the following phases:\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n`;
}

export function bindWorkflow<C>(program: Command, spec: WorkflowSpec<C>, expand: Expand = () => true): Command {
  // positional: a flag after `phase X` belongs to X; otherwise the parent (which has the union of
  // the flags) takes it, and `reset phase cleanup-node --rootfs D` would act on / instead of D
  const top = addFlags(new Command(spec.name).description(spec.long ?? spec.short), [...flagsOf(spec.phases), ...spec.extraFlags]).enablePositionalOptions();
  top.addHelpText('after', () => phaseTable(spec.phases, spec.name));
  withArgument(top, spec).action(async (...a: unknown[]) => spec.run(undefined, argumentValues(spec, a)));

  if (expand(spec.name)) top.addCommand(phaseGroup(`Use this command to invoke single phase of the "${spec.name}" workflow`, spec, expand));
  program.addCommand(top);
  return top;
}

/** `phase` with one command per top-level phase; an unknown name is a user error listing the valid ones */
function phaseGroup<C>(description: string, spec: WorkflowSpec<C>, expand: Expand): Command {
  const group = new Command('phase').description(description).argument('[phase]').enablePositionalOptions();
  group.action(async (name: string | undefined) => {
    if (name === undefined) {
      group.outputHelp();
      return;
    }
    findPhase(spec.phases, name); // throws the helpful error
  });
  if (expand(group.name())) for (const phase of spec.phases) group.addCommand(phaseCommand(phase, phase.name, spec, expand));
  return group;
}

/** `phase ...` at the top level: the same phase commands as `init phase ...` */
export function bindPhaseAlias<C>(program: Command, spec: WorkflowSpec<C>, expand: Expand = () => true): void {
  program.addCommand(phaseGroup(`Run a single phase of "${spec.name}" (short for "${spec.name} phase")`, spec, expand));
}

/** a sub-phase that names no flags of its own takes its parent's (kubeadm's sub-phases have them too) */
function phaseCommand<C>(phase: Phase<C>, path: string, spec: WorkflowSpec<C>, expand: Expand, inherited: readonly string[] = []): Command {
  const desc = phase.long ?? phase.short;
  const own = flagsOf([phase]);
  const flags = own.length > 0 ? own : inherited;
  const cmd = addFlags(new Command(phase.name).description(desc), flags).enablePositionalOptions();
  if (phase.hidden) (cmd as unknown as { _hidden: boolean })._hidden = true;
  if (phase.example) cmd.addHelpText('after', `\nExamples:\n${phase.example}\n`);
  withArgument(cmd, spec).action(async (...a: unknown[]) => spec.run(path, argumentValues(spec, a)));
  if (phase.children?.length && expand(phase.name)) {
    if (!phase.noAll) {
      const all = addFlags(new Command('all').description(`Run all ${phase.name} phases`), flagsOf([phase]));
      withArgument(all, spec).action(async (...a: unknown[]) => spec.run(path, argumentValues(spec, a)));
      cmd.addCommand(all);
    }
    for (const child of phase.children) cmd.addCommand(phaseCommand(child, `${path}/${child.name}`, spec, expand, flags));
  }
  return cmd;
}
