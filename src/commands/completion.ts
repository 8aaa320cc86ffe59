// `completion bash|zsh`: a completion script for the shell, written from the command tree's
// model (workflow/completion-model.ts: every command path, its subcommands and flags), so a new
// phase, command or flag completes without touching this file. kubeadm has `completion` too.
//
// Both scripts hold one table, a `case` on the command path typed so far, and one function
// that walks the words before the cursor: a word that names a subcommand of the current path
// goes down a level, a flag that takes a value skips that value, anything else (an argument)
// is passed over. At the cursor: a value's choices (or file names), flags after "-", else
// the subcommands.

import { MkError } from '../errors.js';
import type { Io } from '../io.js';
import type { CompletionFlag, CompletionNode, CompletionWord } from '../workflow/completion-model.js';

/** a shell single-quoted word */
const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
const names = (ws: readonly CompletionWord[]) => ws.map((w) => w.name).join(' ');
const valued = (fs: readonly CompletionFlag[]) => names(fs.filter((f) => f.takesValue));
/** the case label of a command path (the words joined by single spaces) */
const label = (n: CompletionNode) => q(n.path.join(' '));

/** how one shell spells the two lookups: what a command path sets, and what a flag's values set */
interface LookupSyntax {
  words: string;
  node: (n: CompletionNode) => string;
  noNode: string;
  choices: (values: readonly string[]) => string;
  noChoices: string;
}

/** the table both scripts hold: a command path's words, and the values of a flag that names them */
function lookups(nodes: readonly CompletionNode[], s: LookupSyntax): string {
  const choiceRows = nodes.flatMap((n) => n.flags.filter((f) => f.choices).map((f) => `    ${q(`${n.path.join(' ')}|${f.name}`)}) ${s.choices(f.choices!)} ;;`));
  return `# ${s.words} of a command path
_mini_kubeadm_node() {
  case "$1" in
${nodes.map((n) => `    ${label(n)}) ${s.node(n)} ;;`).join('\n')}
    *) ${s.noNode} ;;
  esac
}

# the values a flag of a command path accepts, when it names them
_mini_kubeadm_choices() {
  case "$1|$2" in
${choiceRows.join('\n')}
    *) ${s.noChoices} ;;
  esac
}`;
}

function bash(nodes: readonly CompletionNode[]): string {
  return `# bash completion for mini-kubeadm (made by \`mini-kubeadm completion bash\`)
# Load it in this shell:   source <(mini-kubeadm completion bash)
# or for every shell:      mini-kubeadm completion bash > /etc/bash_completion.d/mini-kubeadm

${lookups(nodes, {
  words: 'the subcommands, flags and flags with a value',
  node: (n) => `_mk_cmds=${q(names(n.commands))}; _mk_flags=${q(names(n.flags))}; _mk_valued=${q(valued(n.flags))}`,
  noNode: "_mk_cmds=''; _mk_flags=''; _mk_valued=''",
  choices: (c) => `echo ${q(c.join(' '))}`,
  noChoices: ':',
})}

_mini_kubeadm() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmdpath='' pending='' w i
  local _mk_cmds _mk_flags _mk_valued
  _mini_kubeadm_node ''
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    if [[ -n $pending ]]; then pending=''; continue; fi
    if [[ $w == -* ]]; then
      [[ $w != *=* && " $_mk_valued " == *" $w "* ]] && pending=$w
    elif [[ " $_mk_cmds " == *" $w "* ]]; then
      cmdpath+="\${cmdpath:+ }$w"
      _mini_kubeadm_node "$cmdpath"
    fi
  done
  COMPREPLY=()
  if [[ -n $pending ]]; then
    # a flag's value: its choices, else bash's default (file names)
    COMPREPLY=($(compgen -W "$(_mini_kubeadm_choices "$cmdpath" "$pending")" -- "$cur"))
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$_mk_flags" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$_mk_cmds" -- "$cur"))
  fi
}
complete -o default -F _mini_kubeadm mini-kubeadm
`;
}

/** zsh's _describe entries, NAME:DESCRIPTION (a colon in the name escaped) */
const described = (ws: readonly CompletionWord[]) => `(${ws.map((w) => q(`${w.name.replaceAll(':', '\\:')}:${w.description}`)).join(' ')})`;

function zsh(nodes: readonly CompletionNode[]): string {
  return `#compdef mini-kubeadm
# zsh completion for mini-kubeadm (made by \`mini-kubeadm completion zsh\`)
# Load it in this shell (after compinit):   source <(mini-kubeadm completion zsh)
# or put it on $fpath as _mini-kubeadm

${lookups(nodes, {
  words: 'the subcommands and flags (NAME:DESCRIPTION) and the flags with a value',
  node: (n) => `cmds=${described(n.commands)}; flags=${described(n.flags)}; valued=(${valued(n.flags)})`,
  noNode: 'cmds=(); flags=(); valued=()',
  choices: (c) => `choices=(${c.map(q).join(' ')})`,
  noChoices: 'choices=()',
})}

_mini_kubeadm() {
  local cmdpath='' pending='' w i
  local -a cmds flags valued choices
  _mini_kubeadm_node ''
  for ((i = 2; i < CURRENT; i++)); do
    w=\${words[i]}
    if [[ -n $pending ]]; then pending=''; continue; fi
    if [[ $w == -* ]]; then
      # (Ie): the index of the exact word, 0 when absent
      [[ $w != *=* && \${valued[(Ie)$w]} != 0 ]] && pending=$w
    elif [[ \${\${cmds%%:*}[(Ie)$w]} != 0 ]]; then
      cmdpath+="\${cmdpath:+ }$w"
      _mini_kubeadm_node "$cmdpath"
    fi
  done
  if [[ -n $pending ]]; then
    _mini_kubeadm_choices "$cmdpath" "$pending"
    if (( $#choices )); then compadd -a choices; else _files; fi
  elif [[ $PREFIX == -* ]]; then
    _describe -t flags 'flag' flags
  else
    _describe -t commands 'command' cmds
  fi
}

compdef _mini_kubeadm mini-kubeadm
`;
}

/** the scripts by shell name; a shell is a row here */
const SHELLS: Record<string, (nodes: readonly CompletionNode[]) => string> = { bash, zsh };

export function printCompletion(io: Io, shell: string | undefined, nodes: readonly CompletionNode[]): void {
  const write = shell === undefined ? undefined : SHELLS[shell];
  if (!write) {
    const what = shell === undefined ? 'no shell given' : `unsupported shell "${shell}"`;
    throw new MkError(`${what}: mini-kubeadm writes completion for ${Object.keys(SHELLS).join(' and ')}`, {
      code: 'UNKNOWN_SHELL',
      hint: `run: source <(mini-kubeadm completion ${Object.keys(SHELLS).join('|')})`,
      exitCode: 2,
    });
  }
  io.stdout.write(write(nodes));
}
