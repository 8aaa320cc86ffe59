// The command tree, and nothing else: init (and `phase` for short), join, reset, config, version.
// Phase commands come from the phase catalog (names, texts, flags: no phase code); every action
// loads its code on demand and does nothing before that import() (src/front.ts relies on it),
// and given argv only the branch it names gets subcommands, so that `--help` stays fast.

import { Command } from 'commander';
import type { FlagValues } from './config/flags.js';
import { initCatalog, joinCatalog, resetCatalog } from './phases/catalog.js';
import { addFlags, bindPhaseAlias, bindWorkflow, expandFor, flagValues, type WorkflowSpec } from './workflow/commands.js';
import type { InitContext } from './phases/context.js';
import type { ResetContext } from './phases/reset/context.js';
import type { JoinContext } from './phases/join/context.js';
import type { Io } from './io.js';

/** The tree for `argv` (its help and errors read as the full tree's); without argv, all of it. */
export function buildCli(io: Io, argv?: readonly string[]): Command {
  const expand = expandFor(argv);
  const program = new Command('mini-kubeadm')
    .description('mini-kubeadm: easily bootstrap a secure Kubernetes control plane, and see how it is done')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    // a flag belongs to the command it follows (see bindWorkflow), so each level stops at its subcommand
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const init: WorkflowSpec<InitContext> = {
    name: 'init',
    short: 'Run this command in order to set up the Kubernetes control plane',
    phases: initCatalog,
    extraFlags: ['skip-phases', 'kubeconfig-dir', 'skip-token-print', 'skip-certificate-key-print', 'upload-certs', 'certificate-key', 'token', 'token-ttl', 'patches', 'fix', 'cni'],
    run: async (target, flags) => (await import('./commands/init.js')).runInit(io, target, flags),
  };
  bindWorkflow(program, init, expand);
  bindPhaseAlias(program, init, expand);

  const join: WorkflowSpec<JoinContext> = {
    name: 'join',
    short: 'Run this on any machine you wish to join an existing cluster',
    phases: joinCatalog,
    extraFlags: ['skip-phases', 'ignore-preflight-errors', 'fix'],
    argument: { name: 'api-server-endpoint', description: 'the API server of the cluster to join, HOST:PORT (token discovery)' },
    run: async (target, flags) => (await import('./commands/join.js')).runJoin(io, target, flags),
  };
  bindWorkflow(program, join, expand);

  const reset: WorkflowSpec<ResetContext> = {
    name: 'reset',
    short: 'Performs a best effort revert of changes made to this host by \'mini-kubeadm init\' or \'mini-kubeadm join\'',
    phases: resetCatalog,
    extraFlags: ['skip-phases', 'force', 'cleanup-tmp-dir', 'ignore-preflight-errors', 'kubeconfig-dir'],
    run: async (target, flags) => (await import('./commands/reset.js')).runReset(io, target, flags),
  };
  bindWorkflow(program, reset, expand);

  const config = new Command('config').description('Manage configuration for a kubeadm cluster');
  const print = new Command('print').description('Print configuration');
  if (expand(print.name())) {
    print.addCommand(
      addFlags(new Command('init-defaults').description('Print default init configuration, that can be used for \'mini-kubeadm init\''), ['kubernetes-version']).action(
        async (_o, c: Command) => (await import('./commands/config.js')).printInitDefaults(io, flagValues(c)),
      ),
    );
  }
  if (expand(config.name())) config.addCommand(print);
  program.addCommand(config);

  program.addCommand(
    addFlags(new Command('version').description('Print the version of mini-kubeadm'), []).action(async (_o, c: Command) =>
      (await import('./commands/version.js')).printVersion(io, flagValues(c) as FlagValues),
    ),
  );
  inheritSettings(program, program);
  return program;
}

/**
 * commander copies the program's settings only into commands made with .command(), not into
 * those added with addCommand: without this, `reset phase X --help` wrote to process.stdout
 * and called process.exit (no exitOverride), ending the test process.
 */
function inheritSettings(from: Command, cmd: Command): void {
  for (const sub of cmd.commands) {
    sub.copyInheritedSettings(from);
    inheritSettings(from, sub);
  }
}
