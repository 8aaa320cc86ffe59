// `token create|list|delete|generate`: kubeadm's bootstrap-token management, against the cluster
// of the kubeconfig kubeadm would pick (--kubeconfig, $KUBECONFIG, ~/.kube/config, admin.conf).
// Every argument is checked before the cluster is touched; --dry-run prints the writes instead.

import type { FlagValues } from '../config/flags.js';
import { GO_TOKEN_ID_PATTERN, GO_TOKEN_PATTERN, BOOTSTRAP_TOKEN_ID_PATTERN, BOOTSTRAP_TOKEN_PATTERN } from '../config/token.js';
import type { BootstrapToken } from '../config/types.js';
import { HostError, UserError } from '../errors.js';
import type { Host } from '../host/host.js';
import { nodeHost } from '../host/node-host.js';
import type { Io } from '../io.js';
import type { KubeClient, KubeObject, ObjectRef } from '../kube/client.js';

const str = (flags: FlagValues, k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
/** timeouts.kubernetesAPICall when no --config gives one (kubeadm's default, 1 m) */
const defaultCallTimeoutMs = async () => (await import('../config/defaults.js')).defaultInitConfig({ name: '', advertiseAddress: '' }).timeouts.kubernetesAPICallMs;
const secretRef = (id: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Secret', namespace: 'kube-system', name: `bootstrap-token-${id}` });

/** the kubeconfig kubeadm would use; it must exist, even for --dry-run (kubeadm loads it then too) */
async function kubeconfigPath(io: Io, flags: FlagValues, host: Host): Promise<string> {
  return (await import('../kube/connect.js')).existingKubeconfig(str(flags, 'kubeconfig'), io, host, str(flags, 'rootfs'));
}

async function realClient(host: Host, path: string, callTimeoutMs: number): Promise<KubeClient> {
  return (await import('../kube/connect.js')).kubeconfigFileClientOf(host, path, callTimeoutMs);
}

/** kubeadm's dry-run client's lines for a write it did not send */
function dryRunLines(io: Io, recorded: { verb: string; object: KubeObject | ObjectRef }[], yaml: (o: unknown) => string): void {
  for (const r of recorded) {
    io.stdout.write(`[dryrun] Would perform action ${r.verb.toUpperCase()} on resource "secrets" in API group "core/v1"\n`);
    if ('metadata' in r.object) io.stdout.write(`[dryrun] Attached object:\n${yaml(r.object)}\n`);
    else io.stdout.write(`[dryrun] Resource name ${JSON.stringify(r.object.name)}, namespace ${JSON.stringify(r.object.namespace ?? '')}\n`);
  }
}

/** the one-line join command for `token`, from the kubeconfig's cluster and CA (kubeadm's getJoinCommand) */
async function joinCommandFor(host: Host, path: string, token: string, certificateKey: string): Promise<string> {
  const [{ kubeconfigCluster }, { caCertHashes, oneLineJoinCommand }] = await Promise.all([import('../kube/objects/cluster-info.js'), import('../kube/objects/join.js')]);
  const cluster = kubeconfigCluster((await host.readText(path)) ?? '', path);
  if (!cluster) throw new HostError('KUBECONFIG_INVALID', `failed to get join command: ${path} names no cluster with a server (neither an unnamed cluster nor the current context's)`, 'point --kubeconfig at an admin kubeconfig of the cluster, e.g. /etc/kubernetes/admin.conf');
  let ca: Buffer | undefined;
  if (cluster.caData) ca = Buffer.from(cluster.caData, 'base64');
  else if (cluster.caFile) {
    ca = await host.readFile(cluster.caFile);
    if (!ca) throw new HostError('CA_MISSING', `failed to get join command: the CA file ${cluster.caFile} that ${path} names cannot be read`, 'restore the file, or embed the CA as certificate-authority-data');
  } else throw new HostError('CA_MISSING', `failed to get join command: no CA certificates found in kubeconfig ${path}`, 'a joining node pins the cluster CA: use a kubeconfig with certificate-authority-data or certificate-authority');
  const caHashes = caCertHashes(ca, `the CA of ${path}`);
  return oneLineJoinCommand({ program: 'mini-kubeadm', server: cluster.server, token, caHashes, controlPlane: certificateKey !== '', certificateKey });
}

export async function runTokenCreate(io: Io, tokenArg: string | undefined, flags: FlagValues): Promise<void> {
  const certificateKey = str(flags, 'certificate-key') ?? '';
  const printJoin = flags['print-join-command'] === true;
  const configPath = str(flags, 'config');
  // kubeadm finds this only after the token is made; here it changes nothing
  if (certificateKey && !printJoin) throw new UserError('CERTIFICATE_KEY_WITHOUT_JOIN', 'cannot use --certificate-key without --print-join-command', 'add --print-join-command to print the control-plane join command, or drop --certificate-key');
  if (configPath !== undefined && tokenArg !== undefined) {
    throw new UserError('CONFIG_MIXED_WITH_TOKEN', `can not mix '--config' with the [token] argument "${tokenArg}"`, 'set it as bootstrapTokens[0].token in the config file, or drop --config');
  }
  const host = await nodeHost(flags, io);

  let tokens: BootstrapToken[];
  let callTimeoutMs = await defaultCallTimeoutMs();
  if (configPath !== undefined) {
    const { loadInitConfig } = await import('../config/load.js');
    const { cfg, warnings } = await loadInitConfig({ flags, host, cwd: io.cwd, env: io.env, startedAt: new Date(), skipCriDetect: true });
    for (const w of warnings) io.stderr.write(`warning: ${w}\n`);
    tokens = cfg.bootstrapTokens;
    callTimeoutMs = cfg.timeouts.kubernetesAPICallMs;
  } else {
    const { tokenFromFlags } = await import('../config/token-options.js');
    tokens = [tokenFromFlags({ token: tokenArg, ttl: str(flags, 'ttl'), usages: str(flags, 'usages'), groups: str(flags, 'groups'), description: str(flags, 'description') })];
  }
  if (certificateKey) (await import('../kube/objects/kubeadm-certs.js')).parseCertificateKey(certificateKey);

  const path = await kubeconfigPath(io, flags, host);
  // the join command is made before the token, so a kubeconfig without a usable CA changes nothing
  const joinLine = printJoin ? await joinCommandFor(host, path, tokens[0]!.token, certificateKey) : undefined;

  const [{ tokenSecret, parseToken }, { DryRunKubeClient }, { goYaml }] = await Promise.all([
    import('../kube/objects/bootstrap-token.js'),
    import('../kube/dry-run-client.js'),
    import('../kube/objects/go-format.js'),
  ]);
  const client = host.dryRun ? new DryRunKubeClient(path, '') : await realClient(host, path, callTimeoutMs);
  // every token is looked for before any is made: an existing one stops the run with nothing changed
  for (const t of tokens) {
    const { id } = parseToken(t.token);
    if (await client.get(secretRef(id))) {
      throw new UserError('TOKEN_EXISTS', `a token with id "${id}" already exists`, `delete it first ("mini-kubeadm token delete ${id}"), or leave [token] out to get a new random one`);
    }
  }
  const now = new Date();
  for (const t of tokens) await client.apply(tokenSecret(t, now));
  if (client instanceof DryRunKubeClient) dryRunLines(io, client.recorded.map((r) => ({ ...r, verb: 'create' })), goYaml);
  io.stdout.write(`${joinLine ?? tokens[0]!.token}\n`);
}

/** the cluster's minor (GET /version), for the output API version; the default version's when it cannot be read */
async function clusterMinor(client: KubeClient): Promise<number> {
  const [{ parseKubeVersion }, { DEFAULT_KUBERNETES_VERSION }] = await Promise.all([import('../config/defaults.js'), import('../config/versions.js')]);
  try {
    const v = parseKubeVersion(String((JSON.parse(await client.raw('/version')) as { gitVersion?: unknown }).gitVersion ?? ''));
    if (v) return v.minor;
  } catch {
    // an API server that hides /version: the default version decides
  }
  return parseKubeVersion(DEFAULT_KUBERNETES_VERSION)!.minor;
}

export async function runTokenList(io: Io, flags: FlagValues): Promise<void> {
  const output = str(flags, 'output') ?? 'text';
  const host = await nodeHost(flags, io);
  const path = await kubeconfigPath(io, flags, host);
  // a list only reads: kubeadm's dry-run client also sends reads to the real cluster
  const client = await realClient(host, path, await defaultCallTimeoutMs());
  const secrets = await client.list({ apiVersion: 'v1', kind: 'Secret', namespace: 'kube-system' }, { fieldSelector: 'type=bootstrap.kubernetes.io/token' });
  const m = await import('../kube/objects/token-list.js');
  const tokens: import('../kube/objects/token-list.js').ListedToken[] = [];
  for (const s of secrets) {
    try {
      tokens.push(m.tokenFromSecret(s));
    } catch (e) {
      if (!(e instanceof m.TokenSecretProblem)) throw e;
      io.stderr.write(`${e.message}\n`);
    }
  }
  if (output === 'text') {
    io.stdout.write(m.tokenTable(tokens, Date.now()));
    return;
  }
  const { tokenOutputApiVersion } = await import('../config/versions.js');
  const apiVersion = tokenOutputApiVersion(await clusterMinor(client));
  io.stdout.write(output === 'json' ? m.tokenListJson(tokens, apiVersion) : m.tokenListYaml(tokens, apiVersion));
}

export async function runTokenDelete(io: Io, args: readonly string[], flags: FlagValues): Promise<void> {
  const forms = `${JSON.stringify(GO_TOKEN_PATTERN)} or ${JSON.stringify(GO_TOKEN_ID_PATTERN)}`;
  if (args.length === 0) throw new UserError('TOKEN_MISSING', `missing argument; 'token delete' is missing token of form ${forms}`, 'name the tokens to delete by ID (abcdef) or whole (abcdef.0123456789abcdef); "mini-kubeadm token list" shows them');
  // every argument is checked before the first deletion
  const ids = args.map((a) => {
    if (BOOTSTRAP_TOKEN_ID_PATTERN.test(a)) return a;
    const m = BOOTSTRAP_TOKEN_PATTERN.exec(a);
    if (!m) throw new UserError('TOKEN_INVALID', `given token didn't match pattern ${forms}`, `"${a}" is neither a token ID (6 characters of [a-z0-9]) nor a whole token; "mini-kubeadm token list" shows them`);
    return m[1]!;
  });
  const host = await nodeHost(flags, io);
  const path = await kubeconfigPath(io, flags, host);
  const { DryRunKubeClient } = await import('../kube/dry-run-client.js');
  const client = host.dryRun ? new DryRunKubeClient(path, '') : await realClient(host, path, await defaultCallTimeoutMs());
  for (const id of ids) {
    const ref = secretRef(id);
    if ((await client.delete(ref)) === 'absent') {
      throw new HostError('TOKEN_NOT_FOUND', `failed to delete bootstrap token "${id}": secrets "${ref.name}" not found`, '"mini-kubeadm token list" shows the tokens there are');
    }
    if (client instanceof DryRunKubeClient) dryRunLines(io, client.recorded.splice(0), () => '');
    io.stdout.write(`bootstrap token "${id}" deleted\n`);
  }
}

export async function runTokenGenerate(io: Io): Promise<void> {
  const { generateBootstrapToken } = await import('../config/token.js');
  io.stdout.write(`${generateBootstrapToken()}\n`);
}
