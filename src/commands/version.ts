// `version`: mini-kubeadm's own version and the Kubernetes version it deploys by default.

import pkg from '../../package.json' with { type: 'json' };
import type { FlagValues } from '../config/flags.js';
import { DEFAULT_KUBERNETES_VERSION } from '../config/versions.js';
import type { Io } from '../io.js';

export async function printVersion(io: Io, flags: FlagValues): Promise<void> {
  const info = { miniKubeadmVersion: pkg.version, defaultKubernetesVersion: DEFAULT_KUBERNETES_VERSION, node: process.version };
  io.stdout.write(flags.output === 'json' ? `${JSON.stringify(info)}\n` : `mini-kubeadm version: ${info.miniKubeadmVersion} (deploys Kubernetes ${info.defaultKubernetesVersion} by default; running on Node.js ${info.node})\n`);
}
