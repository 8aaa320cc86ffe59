// What shell completion needs of the command tree, read off the commander tree that cli.ts
// builds from the phase catalog and the flags table (the same tree as every --help): for each
// command path, its subcommands and its flags. commands/completion.ts turns it into a script.

import type { Command, Option } from 'commander';

export interface CompletionWord {
  name: string;
  /** the first line of its help text */
  description: string;
}

export interface CompletionFlag extends CompletionWord {
  /** the next word is its value */
  takesValue: boolean;
  /** the values it accepts, when it names them */
  choices?: readonly string[];
}

export interface CompletionNode {
  /** the command words after mini-kubeadm ([] for the program itself) */
  path: readonly string[];
  commands: readonly CompletionWord[];
  flags: readonly CompletionFlag[];
}

const firstLine = (s: string) => s.split('\n')[0]!.trim();
const hidden = (c: Command) => (c as unknown as { _hidden?: boolean })._hidden === true;

/** every flag spelling of an option (-o and --output), with commander's own --help/-h */
function flagsOf(cmd: Command): CompletionFlag[] {
  const options: readonly Option[] = cmd.options;
  const out: CompletionFlag[] = [];
  for (const o of options) {
    if (o.hidden) continue;
    const takesValue = o.required || o.optional;
    for (const name of [o.long, o.short]) {
      if (!name) continue;
      const flag: CompletionFlag = { name, description: firstLine(o.description), takesValue };
      if (o.argChoices) flag.choices = [...o.argChoices];
      out.push(flag);
    }
  }
  out.push({ name: '--help', description: 'display help for command', takesValue: false }, { name: '-h', description: 'display help for command', takesValue: false });
  return out;
}

/** the whole tree (build it without argv: every command expanded), parents before children */
export function completionModel(program: Command): CompletionNode[] {
  const nodes: CompletionNode[] = [];
  const walk = (cmd: Command, path: readonly string[]) => {
    const subs = cmd.commands.filter((c) => !hidden(c));
    nodes.push({ path, commands: subs.map((c) => ({ name: c.name(), description: firstLine(c.summary() || c.description()) })), flags: flagsOf(cmd) });
    for (const c of subs) walk(c, [...path, c.name()]);
  };
  walk(program, []);
  return nodes;
}
