// The kubelet-start phase of init: write the kubelet's files (config.yaml, kubeadm-flags.env,
// instance-config.yaml 1.34+) and (re)start the kubelet, which then runs the static pods.

import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const kubeletStartPhase: Phase<InitContext> = {
  name: 'kubelet-start',
  short: 'Write kubelet settings and (re)start the kubelet',
  long: 'Write a file with KubeletConfiguration and an environment file with node specific kubelet settings, and then (re)start kubelet.',
  flags: ['config', 'dry-run', 'rootfs', 'cri-socket', 'node-name', 'image-repository', 'patches', 'ignore-preflight-errors', 'profile'],
  run: async (ctx: Pick<InitContext, 'cfg' | 'paths' | 'host' | 'report' | 'flags' | 'gates' | 'runsPhase' | 'state'>) => {
    const [k, { ignoredChecks }] = await Promise.all([import('../../kubelet/kubelet-files.js'), import('../../preflight/ignore.js')]);
    const { host, paths, report } = ctx;

    // the same ignore list preflight used: an ignored Swap check means "let the kubelet run with swap"
    const ignored = ignoredChecks(ctx.cfg.nodeRegistration.ignorePreflightErrors, ctx.flags['ignore-preflight-errors']);
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

    // a whole init runs this beside the certificates: the kubelet starts once kubelet.conf is there
    // (systemd's reload of the unit files, the first half of the restart, meanwhile)
    let reloaded: ReturnType<typeof k.reloadUnits> | undefined;
    if (ctx.gates && ctx.runsPhase?.('kubeconfig/kubelet') && !host.dryRun) {
      reloaded = k.reloadUnits(host);
      report.info(`waiting for ${paths.kubeconfig('kubelet')} (kubeconfig/kubelet, made right after the CA) before starting the kubelet`);
      await Promise.all([ctx.gates.kubeletConf.opened, reloaded]);
    }
    const outcome = await k.restartKubelet(host, paths, reloaded);
    if (reloaded) {
      // the kubelet's process is started: the keys the control plane's manifests wait for (11
      // RSA keys before kube-apiserver's) now use every core (src/commands/init.ts kept one free)
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
  },
};
