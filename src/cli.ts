// The command tree, and nothing else: init (and `phase` for short), join, reset, token, certs, config, status, version, completion.
// Phase commands come from the phase catalog (names, texts, flags: no phase code); every action
// loads its code on demand and does nothing before that import() (src/front.ts relies on it),
// and given argv only the branch it names gets subcommands, so that `--help` stays fast.

import { Command, Option } from 'commander';
import type { FlagValues } from './config/flags.js';
import { initCatalog, joinCatalog, resetCatalog } from './phases/catalog.js';
import { addFlags, bindPhaseAlias, bindWorkflow, expandFor, flagValues, type WorkflowSpec } from './workflow/commands.js';
import type { InitContext } from './phases/context.js';
import type { ResetContext } from './phases/reset/context.js';
import type { JoinContext } from './phases/join/context.js';
import type { Io } from './io.js';
import { RENEWAL_TARGETS } from './pki/renewals.js';

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
    extraFlags: ['skip-phases', 'kubeconfig-dir', 'skip-token-print', 'skip-certificate-key-print', 'upload-certs', 'certificate-key', 'token', 'token-ttl', 'patches', 'fix', 'cni', 'profile'],
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
  if (expand(config.name())) {
    config.addCommand(print);
    config.addCommand(imagesCommand(io, expand));
  }
  program.addCommand(config);

  program.addCommand(tokenCommand(io, expand));
  program.addCommand(certsCommand(io, expand));

  program.addCommand(statusCommand(io));

  program.addCommand(
    addFlags(new Command('version').description('Print the version of mini-kubeadm'), []).action(async (_o, c: Command) =>
      (await import('./commands/version.js')).printVersion(io, flagValues(c) as FlagValues),
    ),
  );
  program.addCommand(completionCommand(io));
  inheritSettings(program, program);
  return program;
}

const COMPLETION_LONG = `Output shell completion code for the specified shell (bash or zsh).
The shell code must be evaluated to provide interactive completion of mini-kubeadm
commands, phases and flags (it is written from this command tree, as --help is).

  bash:  source <(mini-kubeadm completion bash)
  zsh:   source <(mini-kubeadm completion zsh)    (after compinit)`;

/** `completion bash|zsh` (kubeadm's `completion`): the script walks the whole tree, built here without argv */
function completionCommand(io: Io): Command {
  return addFlags(new Command('completion').summary('Output shell completion code for the specified shell (bash or zsh)').description(COMPLETION_LONG).argument('[shell]', 'bash or zsh'), [], {
    output: false,
  }).action(async (shell: string | undefined) => {
    const [{ completionModel }, { printCompletion }] = await Promise.all([import('./workflow/completion-model.js'), import('./commands/completion.js')]);
    printCompletion(io, shell, completionModel(buildCli(io)));
  });
}

const TOKEN_LONG = `This command manages bootstrap tokens. It is optional and needed only for
advanced use cases.

In short, bootstrap tokens are used for establishing bidirectional trust
between a client and a server. A bootstrap token can be used when a client (for
example a node that is about to join the cluster) needs to trust the server it
is talking to. Then a bootstrap token with the "signing" usage can be used.
bootstrap tokens can also function as a way to allow short-lived
authentication to the API Server (the token serves as a way for the API Server
to trust the client), for example for doing the TLS Bootstrap.

What is a bootstrap token more exactly?
 - It is a Secret in the kube-system namespace of type
   "bootstrap.kubernetes.io/token".
 - A bootstrap token must be of the form "[a-z0-9]{6}.[a-z0-9]{16}". The former
   part is the public token ID, while the latter is the Token Secret and it
   must be kept private at all circumstances!
 - The name of the Secret must be named "bootstrap-token-(token-id)".

You can read more about bootstrap tokens here:
  https://kubernetes.io/docs/admin/bootstrap-tokens/`;

/** kubeadm's persistent flags of `token`, on the group and on each subcommand */
const TOKEN_FLAGS = ['kubeconfig', 'dry-run', 'rootfs'] as const;

/** `token create|list|delete|generate` (kubeadm's `token`); without a subcommand commander prints the help and exits 1, as kubeadm errs */
function tokenCommand(io: Io, expand: (name: string) => boolean): Command {
  const token = addFlags(new Command('token').description(TOKEN_LONG).summary('Manage bootstrap tokens'), TOKEN_FLAGS, { output: false }).enablePositionalOptions();
  // kubeadm's SubCmdRun: the help, and exit 1 (commander alone would exit 0); a word that names no subcommand is a usage error
  token.action(async (_o, c: Command) => {
    const { UserError } = await import('./errors.js');
    c.outputHelp({ error: true });
    throw new UserError('MISSING_SUBCOMMAND', 'missing subcommand; "token" is not meant to be run on its own', 'run one of: mini-kubeadm token create|list|delete|generate');
  });
  if (!expand(token.name())) return token;
  const run = async () => import('./commands/token.js');

  const create = addFlags(
    new Command('create')
      .summary('Create bootstrap tokens on the server')
      .description(
        'This command will create a bootstrap token for you.\nYou can specify the usages for this token, the "time to live" and an optional human friendly description.\n\n' +
          'The [token] is the actual token to write.\nThis should be a securely generated random token of the form "[a-z0-9]{6}.[a-z0-9]{16}".\nIf no [token] is given, mini-kubeadm will generate a random token instead.',
      )
      .argument('[token]'),
    ['config', 'print-join-command', 'certificate-key', 'ttl', 'usages', 'groups', 'description', ...TOKEN_FLAGS],
    { output: false },
  );
  const key = create.options.find((o) => o.long === '--certificate-key');
  if (key) key.description = "When used together with '--print-join-command', print the full 'mini-kubeadm join' flag needed to join the cluster as a control-plane. To create a new certificate key you must use 'mini-kubeadm init phase upload-certs --upload-certs'.";
  create.action(async (arg: string | undefined, _o, c: Command) => (await run()).runTokenCreate(io, arg, flagValues(c)));

  const list = addFlags(new Command('list').description('This command will list all bootstrap tokens for you.').summary('List bootstrap tokens on the server'), TOKEN_FLAGS, { output: OUTPUT_FORMATS() });
  list.action(async (_o, c: Command) => (await run()).runTokenList(io, flagValues(c)));

  const del = addFlags(
    new Command('delete')
      .summary('Delete bootstrap tokens on the server')
      .description('This command will delete a list of bootstrap tokens for you.\n\nThe [token-value] is the full Token of the form "[a-z0-9]{6}.[a-z0-9]{16}" or the\nToken ID of the form "[a-z0-9]{6}" to delete.')
      .argument('[token-value...]'),
    TOKEN_FLAGS,
    { output: false },
  );
  del.action(async (args: string[], _o, c: Command) => (await run()).runTokenDelete(io, args, flagValues(c)));

  const generate = addFlags(
    new Command('generate')
      .summary('Generate and print a bootstrap token, but do not create it on the server')
      .description(
        'This command will print out a randomly-generated bootstrap token that can be used with\nthe "init" and "join" commands.\n\n' +
          'You don\'t have to use this command in order to generate a token. You can do so\nyourself as long as it is in the format "[a-z0-9]{6}.[a-z0-9]{16}". This\ncommand is provided for convenience to generate tokens in the given format.\n\n' +
          'You can also use "mini-kubeadm init" without specifying a token and it will\ngenerate and print one for you.',
      ),
    [],
    { output: false },
  );
  generate.action(async () => (await run()).runTokenGenerate(io));

  for (const sub of [create, list, del, generate]) token.addCommand(sub);
  return token;
}

const OUTPUT_FORMATS = () => new Option('-o, --output <format>', 'Output format. One of: text|json|yaml.').choices(['text', 'json', 'yaml']).default('text');

/** `config images list|pull` (kubeadm's), for the version and registry of the flags or --config */
function imagesCommand(io: Io, expand: (name: string) => boolean): Command {
  const images = new Command('images').description('Interact with container images used by mini-kubeadm');
  if (!expand(images.name())) return images;
  const run = async () => import('./commands/config-images.js');
  const list = addFlags(
    new Command('list').summary('Print a list of images mini-kubeadm will use').description('Print a list of images mini-kubeadm will use. The configuration file is used in case any images or image repositories are customized'),
    ['config', 'kubernetes-version', 'image-repository', 'rootfs'],
    { output: OUTPUT_FORMATS() },
  ).action(async (_o, c: Command) => (await run()).runImagesList(io, flagValues(c)));
  const pull = addFlags(
    new Command('pull').summary('Pull images used by mini-kubeadm').description('Pull images used by mini-kubeadm, through the CRI socket (crictl)'),
    ['config', 'kubernetes-version', 'image-repository', 'cri-socket', 'rootfs'],
    { output: false },
  ).action(async (_o, c: Command) => (await run()).runImagesPull(io, flagValues(c)));
  images.addCommand(list);
  images.addCommand(pull);
  return images;
}

// one line per paragraph: commander wraps them to the terminal
const RENEW_LONG = [
  'Renew a certificate, or all of them, with the CA in the local PKI.',
  'Renewals run unconditionally, regardless of certificate expiration date; the subject, SANs and key usages are taken from the existing certificate and its key is kept (--new-key makes a new one).',
  'Names: NAMES.',
  'Beyond kubeadm: the static pods that read a renewed file (kube-apiserver, kube-controller-manager, kube-scheduler, etcd) are restarted by the kubelet (an annotation in their manifests changes), and the command waits until they answer again.',
].join('\n\n');

const STATUS_LONG = `Show the cluster as the bootstrap made it, live:
 - which pods are static (files in the kubelet's manifests folder, run by the
   kubelet, seen in the API as mirror pods) and which are dynamic (made by
   controllers through the API, stored in etcd); who manages each, where its
   definition lives, when it was made, ready, restarts, age and node;
 - each manifest file with the mirror pod it produced, or the kubelet's reason
   why it produced none;
 - the bootstrap's order, read from the objects' timestamps.

Run it as root on a control-plane node (it reads /etc/kubernetes/manifests and
uses /etc/kubernetes/admin.conf), or from anywhere with --kubeconfig.
It changes nothing.`;

/** `status` (mini-kubeadm's own): the seed's summary table, live */
function statusCommand(io: Io): Command {
  return addFlags(new Command('status').summary('Show which pods are static and which dynamic, the manifests behind them, and the bootstrap order').description(STATUS_LONG), ['kubeconfig', 'rootfs'], { output: OUTPUT_FORMATS() }).action(
    async (_o, c: Command) => (await import('./commands/status.js')).runStatus(io, flagValues(c)),
  );
}

/** `certs certificate-key|check-expiration|renew` (kubeadm's `certs`; the certificates themselves are `init phase certs`) */
function certsCommand(io: Io, expand: (name: string) => boolean): Command {
  const certs = new Command('certs').description('Commands related to handling kubernetes certificates');
  if (!expand(certs.name())) return certs;
  certs.addCommand(
    addFlags(
      new Command('certificate-key')
        .summary('Generate certificate keys')
        .description(
          'This command will print out a secure randomly-generated certificate key that can be used with\nthe "init" command.\n\n' +
            'You can also use "mini-kubeadm init --upload-certs" without specifying a certificate key and it will\ngenerate and print one for you.',
        ),
      [],
      { output: false },
    ).action(async () => (await import('./commands/certs.js')).printCertificateKey(io)),
  );
  certs.addCommand(
    addFlags(
      new Command('check-expiration').summary('Check certificates expiration for a Kubernetes cluster').description('Checks expiration for the certificates in the local PKI managed by mini-kubeadm.'),
      ['config', 'cert-dir', 'kubeconfig-dir', 'rootfs'],
      { output: OUTPUT_FORMATS() },
    ).action(async (_o, c: Command) => (await import('./commands/certs-expiration.js')).runCheckExpiration(io, flagValues(c))),
  );
  certs.addCommand(
    addFlags(
      new Command('renew')
        .summary('Renew certificates for a Kubernetes cluster')
        .description(RENEW_LONG.replace('NAMES', ['all', ...RENEWAL_TARGETS.map((t) => t.name)].join(', ')))
        .argument('[name]', 'a certificate name, or all'),
      ['config', 'cert-dir', 'kubeconfig-dir', 'new-key', 'rootfs'],
      { output: false },
    ).action(async (name: string | undefined, _o, c: Command) => (await import('./commands/certs-renew.js')).runCertsRenew(io, name, flagValues(c))),
  );
  return certs;
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
