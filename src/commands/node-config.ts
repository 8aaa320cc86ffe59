// The configuration a day-two command on a node works from (`certs`, `config images`): --config,
// or kubeadm's defaults with the flags on top, loaded and validated as init loads it, with no
// CRI socket detection (the default socket unless one is given) and the node's name and address
// only when they can be found (these commands do not use them); warnings go to stderr.

import type { FlagValues } from '../config/flags.js';
import type { InitConfig } from '../config/types.js';
import { loadInitConfig } from '../config/load.js';
import type { Host } from '../host/host.js';
import { nodeHost } from '../host/node-host.js';
import { nodePaths, type Paths } from '../host/paths.js';
import type { Io } from '../io.js';

export interface NodeConfig {
  host: Host;
  cfg: InitConfig;
  paths: Paths;
}

export async function loadNodeConfig(io: Io, flags: FlagValues, opts: { detectCriSocket?: boolean } = {}): Promise<NodeConfig> {
  const host = await nodeHost(flags, io);
  const loaded = await loadInitConfig({ flags, host, cwd: io.cwd, env: io.env, startedAt: new Date(), skipCriDetect: !opts.detectCriSocket, nodeIdentityOptional: true });
  for (const w of loaded.warnings) io.stderr.write(`warning: ${w}\n`);
  const paths = nodePaths({ certificatesDir: loaded.cfg.certificatesDir, kubeconfigDir: loaded.opts.kubeconfigDir, etcdDataDir: loaded.cfg.etcd.local?.dataDir });
  return { host, cfg: loaded.cfg, paths };
}
