// The kubelet-start phase of init: write the kubelet's files (config.yaml, kubeadm-flags.env,
// instance-config.yaml 1.34+) and (re)start the kubelet, which then runs the static pods.

import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const kubeletStartPhase: Phase<InitContext> = {
  name: 'kubelet-start',
  short: 'Write kubelet settings and (re)start the kubelet',
  long: 'Write a file with KubeletConfiguration and an environment file with node specific kubelet settings, and then (re)start kubelet.',
  flags: ['config', 'dry-run', 'rootfs', 'cri-socket', 'node-name', 'image-repository', 'patches', 'ignore-preflight-errors', 'profile'],
  run: async (ctx: Ctx) => {
    let watching = false;
    try {
      watching = await startKubelet(ctx);
    } finally {
      // the keys held back for after the static pods' start must not wait for a kubelet this phase did not start
      if (!watching) ctx.gates?.staticPods.open();
    }
  },
};

type Ctx = Pick<InitContext, 'cfg' | 'paths' | 'host' | 'report' | 'flags' | 'gates' | 'runsPhase' | 'state' | 'stopping'>;

/** the phase's work; true when it started the kubelet in a whole init and watches for the static pods' start (ctx.gates.staticPods) */
async function startKubelet(ctx: Ctx): Promise<boolean> {
  const [k, { ignoredChecks }] = await Promise.all([import('../../kubelet/kubelet-files.js'), import('../../preflight/ignore.js')]);
  const { host, paths, report } = ctx;

  // the same ignore list preflight used: an ignored Swap check means "let the kubelet run with swap"
  const ignored = ignoredChecks(ctx.cfg.nodeRegistration.ignorePreflightErrors, ctx.flags['ignore-preflight-errors']);
  // a whole init runs this beside the certificates and starts the kubelet once kubelet.conf is
  // there; systemd's reload of the unit files, the first half of kubeadm's restart, starts at
  // once, beside the stop and the writes: it reads unit files only, none of which this phase
  // writes (kubeadm-flags.env and config.yaml are read when the kubelet starts)
  const early = ctx.gates !== undefined && ctx.runsPhase?.('kubeconfig/kubelet') === true && !host.dryRun;
  const reloaded = early ? k.reloadUnits(host) : undefined;
  reloaded?.catch(() => undefined); // awaited below, after the writes
  // kubeadm stops the kubelet first so it never reads a half-written configuration; what the
  // files will say is worked out meanwhile (nothing is written before the stop returns)
  const [, prepared] = await Promise.all([k.stopKubelet(host), k.prepareKubeletFiles(host, ctx.cfg, { ignored })]);
  const written = await k.writeKubeletFiles(host, ctx.cfg, paths, { ignored, prepared });
  const mode = (f: string) => (f === paths.kubeletConfigFile ? written.configMode : 0o644).toString(8).padStart(4, '0');
  for (const f of written.files) report.result('file', `wrote ${f} (${mode(f)})`);
  const profile = (await import('../../profiles/profiles.js')).profileNamed(ctx.cfg.profile);
  if (profile) for (const f of await (await import('../../profiles/write.js')).tightenFiles(host, profile)) report.result('file', `--profile ${profile.name}: ${f}`);
  for (const f of written.removed) report.result('file', `removed ${f}, the standalone-mode config of an earlier mini-kubeadm's init that stopped before the API server answered`);
  for (const w of written.warnings) report.warn(w);

  const d = written.decisions;
  if (d.cgroupDriver.reason) report.info(`kubelet cgroupDriver: ${d.cgroupDriver.value}, ${d.cgroupDriver.reason}`);
  if (d.failSwapOn) report.info(`set failSwapOn: false in ${paths.kubeletConfigFile}: ${d.failSwapOn.reason}`);
  if (d.failCgroupV1) report.info(`set failCgroupV1: false in ${paths.kubeletConfigFile} (kubeadm does not): ${d.failCgroupV1.reason}`);

  if (ctx.gates && reloaded) {
    report.info(`waiting for ${paths.kubeconfig('kubelet')} (kubeconfig/kubelet, made right after the CA) before starting the kubelet`);
    await Promise.all([ctx.gates.kubeletConf.opened, reloaded]);
  }
  const outcome = await k.restartKubelet(host, paths, reloaded);
  if (reloaded) {
    // the kubelet's process is started: the keys the control plane's manifests wait for (12
    // before kube-apiserver's, 13 before the last) now use every core (src/commands/init.ts kept one free)
    const { keyPoolOf, keyConcurrency } = await import('../../pki/key-pool.js');
    keyPoolOf(ctx.state).setConcurrency(keyConcurrency());
  }
  if (outcome.kind === 'restarted' && host.dryRun) {
    report.info('would restart the kubelet (systemctl daemon-reload, systemctl restart kubelet)');
  } else if (outcome.kind === 'restarted') {
    report.info(`started the kubelet (systemctl daemon-reload, systemctl restart kubelet); it runs the static pods in ${paths.manifestsDir} as their manifests appear`);
  } else if (outcome.kind === 'no-systemctl') {
    report.warn(`no systemctl on this node: the kubelet must be started by hand with: ${outcome.how}`);
  } else {
    report.warn(`unable to start the kubelet service (${outcome.output}); please ensure the kubelet is reloaded and running, e.g. by hand with: ${outcome.how}`);
  }
  if (!(outcome.kind === 'restarted' && reloaded && ctx.gates)) return false;
  // the static pods this init writes: the gate opens once the kubelet started their containers,
  // or after STATIC_PODS_CAP_MS (a slow node, another log layout: the keys then start anyway)
  const gate = ctx.gates.staticPods;
  const components = [
    ...(ctx.cfg.etcd.local && ctx.runsPhase?.('etcd') ? ['etcd'] : []),
    ...(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const).filter((c) => ctx.runsPhase?.(`control-plane/${c.replace('kube-', '')}`)),
  ];
  const { staticPodsStarted } = await import('../../kubelet/static-pods-started.js');
  void staticPodsStarted(host, { components, nodeName: ctx.cfg.nodeRegistration.name, podLogsDir: podLogsDir(ctx.cfg), capMs: STATIC_PODS_CAP_MS, signal: ctx.stopping }).finally(() => gate.open());
  return true;
}

/** how long after the kubelet's start the keys held back for after the static pods' start wait at most */
export const STATIC_PODS_CAP_MS = 5000;

function podLogsDir(cfg: InitContext['cfg']): string | undefined {
  const dir = (cfg.kubeletConfiguration as { podLogsDir?: unknown } | undefined)?.podLogsDir;
  return typeof dir === 'string' && dir.startsWith('/') ? dir : undefined;
}
