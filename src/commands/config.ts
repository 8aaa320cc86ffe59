// `config print init-defaults`: kubeadm's default InitConfiguration + ClusterConfiguration,
// with its placeholder values, in the API version kubeadm of the target minor writes, so that
// the output is a starting point that `init --config` reads back.

import type { FlagValues } from '../config/flags.js';
import { defaultInitConfig } from '../config/defaults.js';
import { resolveKubernetesVersion } from '../config/kubernetes-version.js';
import { UserError } from '../errors.js';
import { configApiRow } from '../config/versions.js';
import type { Io } from '../io.js';

/** kubeadm's placeholders: not real values, but ones that pass validation */
export const PLACEHOLDER = { token: 'abcdef.0123456789abcdef', advertiseAddress: '1.2.3.4', nodeName: 'node' } as const;

export async function initDefaultsYaml(flags: FlagValues): Promise<string> {
  const given = typeof flags['kubernetes-version'] === 'string' ? flags['kubernetes-version'] : undefined;
  const resolved = resolveKubernetesVersion(given, '--kubernetes-version');
  if (!resolved.ok) throw new UserError(resolved.problem.code, resolved.problem.message, resolved.problem.hint);
  const row = configApiRow(resolved.version.minor);
  const cfg = defaultInitConfig({ name: PLACEHOLDER.nodeName, advertiseAddress: PLACEHOLDER.advertiseAddress });
  cfg.bootstrapTokens[0]!.token = PLACEHOLDER.token;
  cfg.kubernetesVersion = resolved.version;
  const { encodeClusterConfiguration, encodeInitConfiguration, toKubeadmYaml } = await import('../config/kubeadm-encode.js');
  // kubeadm prints its version without the leading v here (version.String())
  return toKubeadmYaml([
    encodeInitConfiguration(cfg, row.writes),
    encodeClusterConfiguration(cfg, row.writes, { kubernetesVersion: resolved.version.text.replace(/^v/, '') }),
  ]);
}

export async function printInitDefaults(io: Io, flags: FlagValues): Promise<void> {
  io.stdout.write(await initDefaultsYaml(flags));
}
