// What init's phases get: the configuration, the run options, the node's paths, the host
// seam, the reporter, and a lazily made API client. Each phase picks only what it reads.

import type { InitConfig, RunOptions } from '../config/types.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import type { KubeClient } from '../kube/client.js';
import type { Reporter } from '../report/reporter.js';
import type { FlagValues } from '../config/flags.js';
import type { Gate } from '../workflow/gate.js';

/** what wait-control-plane tells the phases that overlap it in a whole init */
export interface InitGates {
  /** the API server answers: the add-ons and cluster objects can go in */
  apiServer: Gate;
  /** kubelet.conf is written (kubeconfig/kubelet): kubelet-start can start the kubelet on it */
  kubeletConf: Gate;
  /**
   * the kubelet has started the static pods' containers, or kubelet-start stopped looking (its
   * cap, a kubelet it did not start): the keys first used after the API server answers start then
   */
  staticPods: Gate;
}

export interface InitContext {
  cfg: InitConfig;
  opts: RunOptions;
  paths: Paths;
  host: Host;
  report: Reporter;
  /** the flags as given, for the few phases that act on a switch (--upload-certs, --skip-token-print) */
  flags: FlagValues;
  /** an API client over admin.conf; made on first call, after the kubeconfig phase wrote it */
  kube(): Promise<KubeClient>;
  /** values one phase leaves for a later one in the same run (e.g. the token to print) */
  state: Map<string, unknown>;
  /** a whole `init` run by initSchedule (not one phase, not --dry-run) */
  wholeInit?: boolean;
  /** in a whole init: whether it runs this phase (path as in --skip-phases; skips taken into account) */
  runsPhase?: (path: string) => boolean;
  /** in a whole init that runs wait-control-plane: the signals it gives the phases beside it */
  gates?: InitGates;
  /** in a whole init: aborted once any lane has failed, so soft waits in the others end at once */
  stopping?: AbortSignal;
}
