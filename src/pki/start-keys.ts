// The earliest start of key generation in an init: every key the certs and kubeconfig phases of
// this run will need (kubelet.conf's client key, then the certs' in their sub-phases' order, then
// sa, then the controller-manager's and scheduler's kubeconfig keys, then admin's and
// super-admin's), started on the thread pool so they are made while earlier phases (preflight)
// wait on the node. The phases later take them from the same pool (the run's state map), and
// generate any key that was not started here themselves.

import type { InitConfig } from '../config/types.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import { kubeconfigKeyIds } from '../kubeconfig/ensure.js';
import { KUBECONFIG_SPECS } from '../kubeconfig/specs.js';
import { issuing } from './ensure.js';
import { keyPoolOf } from './key-pool.js';
import { certKeyIds } from './prefetch.js';

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

export interface KeyStartOptions {
  /** keys made at once until raised (KeyPool.setConcurrency) */
  concurrency?: number;
  /**
   * the order the run takes the keys in (cert names, "kubeconfig/NAME"; a whole init's
   * initKeyOrder); without it: kubelet.conf's, the certs' in their sub-phases' order, the
   * controller-manager's and scheduler's, then admin's and super-admin's
   */
  order?: readonly string[];
  /** these keys start only once `until` resolves (the ones first used after the static pods start) */
  later?: { ids: readonly string[]; until: Promise<unknown> };
}

/**
 * Start generating the keys of the phases that will run, and resolve once they are queued (a
 * few file lookups; the keys themselves go on in the background). Never rejects: a problem
 * with the files is for the phases to report.
 */
export async function startKeyGeneration(deps: KeyStartDeps, phases: KeyStartPhases = {}, opts: KeyStartOptions = {}): Promise<void> {
  const keys = keyPoolOf(deps.state, opts.concurrency);
  const pki = { ...deps, keys };
  try {
    // kubelet.conf's key first: a whole init writes kubelet.conf right after the CA and starts the
    // kubelet on it while the other certificates are made (initSchedule); the components'
    // kubeconfigs before admin's and super-admin's (first used once the API server answers)
    const first = KUBECONFIG_SPECS.filter((s) => s.name === 'kubelet');
    const rest = KUBECONFIG_SPECS.filter((s) => !first.includes(s));
    const components = rest.filter((s) => s.name === 'controller-manager' || s.name === 'scheduler');
    const caComing = phases.certs !== false;
    const [kubelet, certs, others] = await Promise.all([
      phases.kubeconfig !== false ? kubeconfigKeyIds(pki, first, caComing) : [],
      phases.certs !== false ? certKeyIds(pki) : [],
      phases.kubeconfig !== false ? kubeconfigKeyIds(pki, [...components, ...rest.filter((s) => !components.includes(s))], caComing) : [],
    ]);
    let ids = [...kubelet, ...certs, ...others];
    if (opts.order) {
      const at = (id: string) => (opts.order!.includes(id) ? opts.order!.indexOf(id) : opts.order!.length);
      ids = ids.map((id, i) => ({ id, i })).sort((a, b) => at(a.id) - at(b.id) || a.i - b.i).map((x) => x.id);
    }
    const later = opts.later;
    const alg = deps.cfg.encryptionAlgorithm;
    keys.prefetch(later ? ids.filter((id) => !later.ids.includes(id)) : ids, alg);
    if (later) keys.prefetch(ids.filter((id) => later.ids.includes(id)), alg, later.until);
    // certificates will be made: the builder (node-forge) loads now, while preflight waits on
    // the node, not after it, when the CA is the next thing the kubelet's start waits for
    if (keys.hasPrefetched) void issuing().catch(() => undefined);
  } catch {
    // the phases look at the same files and say what is wrong
  }
}

/** When the run stops before the phases that take the keys (a failed preflight): drop the keys not yet started, so the process does not wait for them. */
export function stopKeyGeneration(state: Map<string, unknown>): void {
  keyPoolOf(state).dropPrefetched();
}
