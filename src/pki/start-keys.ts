// The earliest start of key generation in an init: every key the certs and kubeconfig phases of
// this run will need (kubelet.conf's client key, then the certs' in their sub-phases' order, then
// sa, then the controller-manager's and scheduler's kubeconfig keys, then admin's and
// super-admin's), started on the thread pool so they are made while earlier phases (preflight)
// wait on the node. The phases later take them from the same pool (the run's state map), and
// generate any key that was not started here themselves.

import type { InitConfig } from '../config/types.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import { prefetchKubeconfigKeys } from '../kubeconfig/ensure.js';
import { KUBECONFIG_SPECS } from '../kubeconfig/specs.js';
import { keyPoolOf } from './key-pool.js';
import { prefetchCertKeys } from './prefetch.js';

export interface KeyStartDeps {
  cfg: InitConfig;
  paths: Pick<Paths, 'pki' | 'pkiDir' | 'kubeconfig'>;
  host: Host;
  /** the run's state map (InitContext.state): the key pool lives there */
  state: Map<string, unknown>;
}

export interface KeyStartPhases {
  /** the certs phase will run (default true) */
  certs?: boolean;
  /** the kubeconfig phase will run (default true) */
  kubeconfig?: boolean;
}

/**
 * Start generating the keys of the phases that will run, and resolve once they are queued (a
 * few file lookups; the keys themselves go on in the background). Never rejects: a problem
 * with the files is for the phases to report.
 */
export async function startKeyGeneration(deps: KeyStartDeps, phases: KeyStartPhases = {}, opts: { concurrency?: number } = {}): Promise<void> {
  const keys = keyPoolOf(deps.state, opts.concurrency);
  const pki = { ...deps, keys };
  try {
    // kubelet.conf's key first: a whole init writes kubelet.conf right after the CA and starts the
    // kubelet on it while the other certificates are made (initSchedule)
    const first = KUBECONFIG_SPECS.filter((s) => s.name === 'kubelet');
    if (phases.kubeconfig !== false) await prefetchKubeconfigKeys(pki, first, phases.certs !== false);
    if (phases.certs !== false) await prefetchCertKeys(pki);
    // the components' kubeconfigs before admin's and super-admin's: their manifests follow them
    // (initSchedule), while the admin kubeconfigs are first used once the API server answers
    const rest = KUBECONFIG_SPECS.filter((s) => !first.includes(s));
    const components = rest.filter((s) => s.name === 'controller-manager' || s.name === 'scheduler');
    if (phases.kubeconfig !== false) await prefetchKubeconfigKeys(pki, [...components, ...rest.filter((s) => !components.includes(s))], phases.certs !== false);
  } catch {
    // the phases look at the same files and say what is wrong
  }
}

/** When the run stops before the phases that take the keys (a failed preflight): drop the keys not yet started, so the process does not wait for them. */
export function stopKeyGeneration(state: Map<string, unknown>): void {
  keyPoolOf(state).dropPrefetched();
}
