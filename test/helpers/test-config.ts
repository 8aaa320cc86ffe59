// A complete InitConfig for tests that build one directly (no flags, no file).

import { defaultInitConfig } from '../../src/config/defaults.js';
import type { InitConfig, RunOptions } from '../../src/config/types.js';

export function testConfig(over: (cfg: InitConfig) => void = () => {}): InitConfig {
  const cfg = defaultInitConfig({ name: 'node-a', advertiseAddress: '172.31.0.2' });
  cfg.networking.podSubnet = '10.244.0.0/16';
  over(cfg);
  return cfg;
}

export function testRunOptions(over: Partial<RunOptions> = {}): RunOptions {
  return { dryRun: false, rootfs: '/', kubeconfigDir: '/etc/kubernetes', startedAt: new Date(), verbose: false, ...over };
}
