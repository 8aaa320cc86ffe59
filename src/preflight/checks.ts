// The preflight check table: kubeadm's checks (same names, so --ignore-preflight-errors takes
// the same words) plus mini-kubeadm's own containerd checks. Each row says how it runs, what a
// failure means (error or warning), how to fix it, and, where it is safe, how --fix fixes it.

import type { InitConfig } from '../config/types.js';
import { MAX_SUPPORTED_MINOR, nodeFacts, type NodeMinorFacts } from '../config/versions.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import * as cri from '../host/cri.js';
import * as systemd from '../host/systemd.js';
import { CONTAINERD_CONFIG, containerdCgroupDriver } from '../kubelet/containerd-config.js';
import { pauseImage } from '../kubelet/flags-env.js';
import { isContainerdSocket, type NodeDecisions, type NodeObservations } from '../kubelet/node-decisions.js';
import { differingTunables, KERNEL_TUNABLES_FILE, KUBELET_KERNEL_TUNABLES, procSysPath, sysctlLine } from '../kubelet/kernel-tunables.js';
import type { MachineProbe } from './probe.js';
import type { FixName } from './fixes.js';
import type { EarlierInit } from './earlier-init.js';
import type { TemplateName } from '../manifests/render.js';
import { controlPlaneImages, criImageRuntime, ensureImages, getImagesHint, IMAGE_ACTION, missingImagesMessage } from './image-pull.js';

/** note: not a problem, what preflight found and init carries on with (an earlier init of this cluster) */
export type Severity = 'error' | 'warning' | 'note';

export interface Finding {
  severity: Severity;
  message: string;
}

export interface PreflightEnv {
  host: Host;
  cfg: InitConfig;
  paths: Paths;
  facts: NodeMinorFacts;
  machine: MachineProbe;
  seen: NodeObservations;
  decisions: NodeDecisions;
  /** what an earlier init of this same cluster left (a re-run carries on with it) */
  earlier: EarlierInit;
}

export interface PreflightCheck {
  /** kubeadm's check name (what --ignore-preflight-errors takes) */
  name: string;
  /** how to fix a failure, in words; always present */
  fix: (env: PreflightEnv) => string;
  /** false for checks whose failure cannot be made a warning */
  ignorable: boolean;
  /** the safe host fix --fix applies, if any */
  autoFix?: FixName;
  /** --fix also acts on this check's warnings (not only on its errors) */
  fixWarnings?: boolean;
  /**
   * reads env.seen or env.decisions (what `kubelet --version` and containerd's config say), so
   * it runs once they are known; every other check starts at once, beside `kubelet --version`
   */
  needsNode?: boolean;
  /**
   * runs after every other check, and only when none of them failed (kubeadm pulls images only
   * on a node that passed the rest: no gigabytes for a node that cannot run them)
   */
  afterOthers?: boolean;
  /** said before an afterOthers check starts (it may take a while) */
  announce?: (env: PreflightEnv) => string;
  /**
   * an afterOthers check's cheap first look, started beside the other checks (with no node
   * answers): findings it gives are the check's result once the others passed, and run is not
   * called; undefined means run decides (ImagePull: all images there in one crictl call)
   */
  lookAhead?: (env: PreflightEnv) => Promise<Finding[] | undefined>;
  /** [] = passed */
  run: (env: PreflightEnv) => Promise<Finding[]>;
}

const err = (message: string): Finding[] => [{ severity: 'error', message }];
const warn = (message: string): Finding[] => [{ severity: 'warning', message }];
const ok: Finding[] = [];
const note = (message: string): Finding[] => [{ severity: 'note', message }];
const dashed = (p: string) => p.replace(/\//g, '-');

/** who holds a port when an earlier init of this cluster runs: a component or the kubelet */
type PortOwner = TemplateName | 'kubelet';
const heldByEarlierInit = (e: PreflightEnv, owner: PortOwner) =>
  owner === 'kubelet' ? e.earlier.kubeletOfThisCluster : e.earlier.sameManifests.has(owner);

function portCheck(name: string, port: (e: PreflightEnv) => number, address: (e: PreflightEnv) => string, owner: PortOwner): PreflightCheck {
  return {
    name,
    ignorable: true,
    fix: (e) => `stop what listens on port ${port(e)} (ss -ltnp 'sport = :${port(e)}'), e.g. a previous cluster: mini-kubeadm reset`,
    run: async (e) => {
      const p = port(e);
      const a = address(e);
      const why = await e.machine.tryListen(p, a);
      if (why === undefined) return ok;
      if (why === 'EADDRINUSE' && heldByEarlierInit(e, owner)) {
        return note(`port ${p} is in use by its ${owner}`);
      }
      if (why === 'EADDRINUSE') return err(`Port ${p} is in use`);
      if (why === 'EADDRNOTAVAIL') return err(`cannot listen on ${a}:${p}: ${a} is not an address of this host`);
      return err(`cannot listen on ${a || '*'}:${p}: ${why}`);
    },
  };
}

const extraArg = (args: { name: string; value: string }[], name: string) => args.filter((a) => a.name === name).pop()?.value ?? '';

function fileAvailable(path: (e: PreflightEnv) => string, name: string): PreflightCheck {
  return {
    name,
    ignorable: true,
    fix: (e) => `${path(e)} is left from an earlier init: run "mini-kubeadm reset" (or remove the file) first`,
    run: async (e) => ((await e.host.exists(path(e))) ? err(`${path(e)} already exists`) : ok),
  };
}

/** kubeadm's FileAvailable check of a manifest; the identical manifest of an earlier init of this cluster is kept */
function manifestAvailable(c: TemplateName): PreflightCheck {
  const plain = fileAvailable((e) => e.paths.manifest(c), `FileAvailable-${dashed(`/etc/kubernetes/manifests/${c}.yaml`)}`);
  return {
    ...plain,
    run: async (e) =>
      e.earlier.sameManifests.has(c)
        ? note(`kept ${e.paths.manifest(c)} (identical to what this init writes)`)
        : plain.run(e),
  };
}

function fileContent(path: string, name: string, severity: (e: PreflightEnv) => Severity, fix: string, autoFix: FixName): PreflightCheck {
  return {
    name,
    ignorable: true,
    autoFix,
    fixWarnings: true,
    fix: () => fix,
    run: async (e) => {
      const text = await e.host.readText(path);
      if (text === undefined) return [{ severity: severity(e), message: `${path} does not exist` }];
      return text.startsWith('1') ? ok : [{ severity: severity(e), message: `${path} contents are not set to 1` }];
    },
  };
}

const MANIFESTS: TemplateName[] = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'];
const REQUIRED_CGROUPS_V1 = ['cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'pids'];
// devices and freezer are implicit on cgroup v2 (not listed in cgroup.controllers)
const REQUIRED_CGROUPS_V2 = ['cpu', 'cpuset', 'memory', 'pids'];

function versionAtLeast(have: string, want: string): boolean {
  const a = have.split(/[.-]/).map(Number);
  const b = want.split('.').map(Number);
  for (let i = 0; i < b.length; i++) {
    if ((a[i] ?? 0) !== b[i]) return (a[i] ?? 0) > b[i]!;
  }
  return true;
}

async function systemVerification(e: PreflightEnv): Promise<Finding[]> {
  const out: Finding[] = [];
  const release = (await e.host.readText('/proc/sys/kernel/osrelease'))?.trim();
  if (release) {
    if (!versionAtLeast(release, e.facts.kernelMinimum)) out.push(...err(`kernel release ${release} is older than ${e.facts.kernelMinimum}, the oldest Kubernetes 1.${e.cfg.kubernetesVersion.minor} supports`));
    else if (e.facts.kernelRecommended && !e.facts.kernelRecommended.some((v) => release === v || release.startsWith(`${v}.`))) {
      out.push(...warn(`kernel release ${release} is not one of the recommended LTS lines (${e.facts.kernelRecommended.map((v) => (v.includes('.') ? v : `${v}.x`)).join(', ')})`));
    }
  }
  if (e.seen.cgroupV2) {
    const have = ((await e.host.readText('/sys/fs/cgroup/cgroup.controllers')) ?? '').split(/\s+/);
    const missing = REQUIRED_CGROUPS_V2.filter((c) => !have.includes(c));
    if (missing.length) out.push(...err(`missing required cgroups: ${missing.join(' ')}`));
  } else {
    const table = (await e.host.readText('/proc/cgroups')) ?? '';
    const enabled = table.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/)).filter((f) => f.length >= 4 && f[3] !== '0').map((f) => f[0]!);
    const missing = table ? REQUIRED_CGROUPS_V1.filter((c) => !enabled.includes(c)) : [];
    if (missing.length) out.push(...err(`missing required cgroups: ${missing.join(' ')}`));
    const userFails = e.cfg.kubeletConfiguration?.failCgroupV1 === true;
    if (nodeFacts(e.decisions.kubeletMinor).kubeletFailsOnCgroupV1) {
      if (userFails) out.push(...err(`this host uses cgroup v1 and your KubeletConfiguration sets failCgroupV1: true, so kubelet 1.${e.decisions.kubeletMinor} will refuse to start`));
      else out.push(...warn(`this host uses cgroup v1, deprecated in Kubernetes; kubelet 1.${e.decisions.kubeletMinor} refuses it unless failCgroupV1 is false, which mini-kubeadm sets in /var/lib/kubelet/config.yaml (kubeadm would fail here instead)`));
    } else if (e.facts.cgroupV1Reported) {
      out.push(...warn('cgroups v1 support is deprecated and will be removed in a future release; please migrate to cgroups v2'));
    }
  }
  return out;
}

/** Every check for `init` on this node, in kubeadm's order; mini-kubeadm's own last. */
export function initChecks(cfg: InitConfig): PreflightCheck[] {
  const facts = nodeFacts(cfg.kubernetesVersion.minor);
  const containerd = isContainerdSocket(cfg.nodeRegistration.criSocket);
  const checks: PreflightCheck[] = [
    {
      name: 'NumCPU',
      ignorable: true,
      fix: () => 'give the machine at least 2 CPUs',
      run: async (e) => (e.machine.cpus() < 2 ? err(`the number of available CPUs ${e.machine.cpus()} is less than the required 2`) : ok),
    },
    {
      name: 'Mem',
      ignorable: true,
      fix: () => 'give the machine at least 1700 MB of memory',
      run: async (e) => (e.machine.memoryMB() < 1700 ? err(`the system RAM (${e.machine.memoryMB()} MB) is less than the minimum 1700 MB`) : ok),
    },
    {
      name: 'KubernetesVersion',
      ignorable: true,
      fix: () => `choose a version up to 1.${MAX_SUPPORTED_MINOR} with --kubernetes-version`,
      run: async (e) => (e.cfg.kubernetesVersion.minor > MAX_SUPPORTED_MINOR ? warn(`Kubernetes version is greater than mini-kubeadm supports (1.${MAX_SUPPORTED_MINOR}): ${e.cfg.kubernetesVersion.text}`) : ok),
    },
    {
      name: 'Firewalld',
      ignorable: true,
      fix: (e) => `open ports ${e.cfg.localAPIEndpoint.bindPort} and 10250 (firewall-cmd --permanent --add-port=${e.cfg.localAPIEndpoint.bindPort}/tcp --add-port=10250/tcp; firewall-cmd --reload)`,
      run: async (e) => ((await systemd.isActive(e.host, 'firewalld')) ? warn(`firewalld is active, please ensure ports [${e.cfg.localAPIEndpoint.bindPort} 10250] are open or your cluster may not function correctly`) : ok),
    },
    portCheck(`Port-${cfg.localAPIEndpoint.bindPort}`, (e) => e.cfg.localAPIEndpoint.bindPort, (e) => extraArg(e.cfg.apiServer.extraArgs, 'bind-address'), 'kube-apiserver'),
    portCheck('Port-10259', () => 10259, (e) => extraArg(e.cfg.scheduler.extraArgs, 'bind-address'), 'kube-scheduler'),
    portCheck('Port-10257', () => 10257, (e) => extraArg(e.cfg.controllerManager.extraArgs, 'bind-address'), 'kube-controller-manager'),
    ...MANIFESTS.map((c) => manifestAvailable(c)),
    {
      name: 'CRI',
      ignorable: true,
      fix: (e) => `start the container runtime (systemctl start containerd) and check --cri-socket (${e.cfg.nodeRegistration.criSocket})`,
      run: async (e) => {
        const socket = e.cfg.nodeRegistration.criSocket;
        if (await e.host.which('crictl')) {
          const r = await cri.runtimeAnswers(e.host, socket);
          return r.ok ? ok : err(`could not connect to the container runtime at ${socket}: ${r.detail}`);
        }
        const file = socket.replace(/^unix:\/\//, '');
        return (await e.host.exists(file)) ? ok : err(`the container runtime socket ${file} does not exist`);
      },
    },
    {
      name: 'Swap',
      needsNode: true,
      ignorable: true,
      autoFix: 'swapoff',
      fix: () => 'turn swap off (swapoff -a, and remove swap from /etc/fstab), or ignore this check (--ignore-preflight-errors=Swap): mini-kubeadm then sets failSwapOn: false so the kubelet runs with swap',
      run: async (e) => {
        if (!e.seen.swapOn) return ok;
        if (e.cfg.kubeletConfiguration?.failSwapOn === false) return warn('swap is on; your KubeletConfiguration sets failSwapOn: false, so the kubelet tolerates it');
        return err('swap is on, and the kubelet refuses to start with swap unless failSwapOn is false');
      },
    },
    ...facts.executables.map(
      (x): PreflightCheck => ({
        name: `FileExisting-${x.name}`,
        ignorable: true,
        fix: () => `install ${x.name} (on Debian/Ubuntu: apt-get install ${{ losetup: 'mount', mount: 'mount', cp: 'coreutils', touch: 'coreutils', ip: 'iproute2', tc: 'iproute2', nsenter: 'util-linux' }[x.name] ?? x.name})`,
        run: async (e) => ((await e.host.which(x.name)) ? ok : [{ severity: x.mandatory ? 'error' : 'warning', message: `${x.name} not found in system path` }]),
      }),
    ),
    {
      name: 'SystemVerification',
      needsNode: true,
      ignorable: true,
      fix: () => 'use a supported kernel with the cpu, cpuset, memory and pids cgroup controllers (cgroup v2 preferred)',
      run: systemVerification,
    },
    {
      name: 'Hostname',
      ignorable: true,
      fix: (e) => `use a lower-case DNS name as node name (--node-name), and make it resolve (e.g. a line "${e.cfg.localAPIEndpoint.advertiseAddress} ${e.cfg.nodeRegistration.name}" in /etc/hosts)`,
      run: async (e) => {
        const name = e.cfg.nodeRegistration.name;
        const out: Finding[] = [];
        if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) out.push(...warn(`invalid node name format "${name}": it must be a lower-case RFC 1123 subdomain`));
        if (!(await e.machine.resolves(name))) out.push(...warn(`hostname "${name}" could not be reached`));
        return out;
      },
    },
    {
      name: 'KubeletVersion',
      needsNode: true,
      ignorable: true,
      fix: (e) => `install a kubelet of version 1.${e.cfg.kubernetesVersion.minor - 3} to 1.${e.cfg.kubernetesVersion.minor} (ideally ${e.cfg.kubernetesVersion.text}) in the PATH`,
      run: async (e) => {
        const v = e.seen.kubeletVersion;
        const target = e.cfg.kubernetesVersion.minor;
        if (!v) return err('couldn\'t get kubelet version: no "kubelet --version" answer (is the kubelet installed?)');
        if (v.minor < target - 3) return err(`Kubelet version "${v.text}" is lower than mini-kubeadm can support for ${e.cfg.kubernetesVersion.text}. Please upgrade kubelet`);
        if (v.minor > target) return err(`the kubelet version is higher than the control plane version. Kubelet version: "${v.text}" Control plane version: "${e.cfg.kubernetesVersion.text}"`);
        return ok;
      },
    },
    {
      name: 'Service-kubelet',
      ignorable: true,
      fix: () => 'install the kubelet service (kubelet.service and its 10-kubeadm.conf drop-in) and run: systemctl enable kubelet.service',
      run: async (e) => {
        const state = await systemd.unitFileState(e.host, 'kubelet');
        if (state === 'no-systemctl') return warn('no systemctl: the kubelet must be started by hand after kubelet-start');
        if (state === 'missing') return warn('kubelet service does not exist');
        if (state === 'disabled') return warn("kubelet service is not enabled, please run 'systemctl enable kubelet.service'");
        return ok;
      },
    },
    portCheck('Port-10250', () => 10250, () => '', 'kubelet'),
    fileContent('/proc/sys/net/ipv4/ip_forward', `FileContent-${dashed('/proc/sys/net/ipv4/ip_forward')}`, () => 'error', 'enable IP forwarding: sysctl -w net.ipv4.ip_forward=1 (persist it in /etc/sysctl.d/k8s.conf)', 'ip-forward'),
    // kubeadm dropped this check in 1.30; the kube-proxy iptables mode still needs it, so a warning
    fileContent(
      '/proc/sys/net/bridge/bridge-nf-call-iptables',
      `FileContent-${dashed('/proc/sys/net/bridge/bridge-nf-call-iptables')}`,
      (e) => (e.facts.bridgeNfIsError ? 'error' : 'warning'),
      'load br_netfilter (modprobe br_netfilter) and run: sysctl -w net.bridge.bridge-nf-call-iptables=1 (persist both in /etc/modules-load.d/k8s.conf and /etc/sysctl.d/k8s.conf)',
      'bridge-nf',
    ),
  ];
  if (cfg.etcd.local) {
    const etcdAddr = (e: PreflightEnv) => extraArg(e.cfg.apiServer.extraArgs, 'advertise-address') || e.cfg.localAPIEndpoint.advertiseAddress;
    checks.push(
      portCheck('Port-2379', () => 2379, etcdAddr, 'etcd'),
      portCheck('Port-2380', () => 2380, etcdAddr, 'etcd'),
      {
        name: `DirAvailable-${dashed(cfg.etcd.local.dataDir)}`,
        ignorable: true,
        fix: (e) => `${e.cfg.etcd.local?.dataDir} holds an earlier etcd's data: run "mini-kubeadm reset" (or empty it) first`,
        run: async (e) => {
          const dir = e.cfg.etcd.local!.dataDir;
          if ((await e.host.listDir(dir)).length === 0) return ok;
          if (e.earlier.sameManifests.has('etcd')) return note(`kept ${dir} (the data of its etcd)`);
          return err(`${dir} is not empty`);
        },
      },
    );
  }
  if (containerd) checks.push(...containerdChecks());
  if (cfg.kubeletConfiguration?.protectKernelDefaults === true) checks.push(kernelTunablesCheck);
  checks.push(imagePullCheck);
  return checks;
}

/**
 * mini-kubeadm's own, when the kubelet will protect kernel defaults (--profile cis sets it): a
 * tunable that differs from the kubelet's value stops the kubelet at its start, long after
 * preflight, so preflight names every one that differs.
 */
const kernelTunablesCheck: PreflightCheck = {
  name: 'KernelTunables',
  ignorable: true,
  autoFix: 'kernel-tunables',
  fix: () => `put these lines in ${KERNEL_TUNABLES_FILE}, then run: sysctl --system\n${KUBELET_KERNEL_TUNABLES.map((t) => `      ${sysctlLine(t)}`).join('\n')}`,
  run: async (e) => {
    const differ = await differingTunables(e.host);
    if (differ.length === 0) return ok;
    const said = differ.map(({ tunable, have }) => (have === undefined ? `${tunable.key} (no ${procSysPath(tunable)}; wants ${tunable.value})` : `${tunable.key} = ${have} (wants ${tunable.value})`));
    return err(`the kubelet's protectKernelDefaults is true, so it refuses to start with these kernel tunables: ${said.join(', ')}`);
  },
};

/** kubeadm's ImagePull, last (kubeadm runs it after the others passed, and not on a dry run). */
const imagePullCheck: PreflightCheck = {
  name: 'ImagePull',
  ignorable: true,
  afterOthers: true,
  announce: (e) => {
    const n = controlPlaneImages(e.cfg).length;
    if (e.host.dryRun) return `would ${IMAGE_ACTION[e.cfg.nodeRegistration.imagePullPolicy] === 'look' ? 'look for' : 'pull'} the ${n} control-plane images (imagePullPolicy ${e.cfg.nodeRegistration.imagePullPolicy})`;
    if (IMAGE_ACTION[e.cfg.nodeRegistration.imagePullPolicy] === 'look') return `looking for the ${n} control-plane images in the container runtime (imagePullPolicy Never)`;
    return `pulling the ${n} control-plane images (imagePullPolicy ${e.cfg.nodeRegistration.imagePullPolicy}, ${e.cfg.nodeRegistration.imagePullSerial ? 'one after another' : 'all at once'}); this may take a minute or two, depending on the speed of the connection`;
  },
  fix: (e) => getImagesHint(e.cfg),
  // every image there (the usual case): one crictl call answers, beside the other checks,
  // instead of one per image after them (7 crictl processes: ~0.3 s on a 2-core node)
  lookAhead: async (e) => {
    if (e.host.dryRun || IMAGE_ACTION[e.cfg.nodeRegistration.imagePullPolicy] === 'pull' || !(await e.host.which('crictl'))) return undefined;
    return (await cri.imagesAllPresent(e.host, e.cfg.nodeRegistration.criSocket, controlPlaneImages(e.cfg))) ? ok : undefined;
  },
  run: async (e) => {
    if (e.host.dryRun) return ok;
    const socket = e.cfg.nodeRegistration.criSocket;
    const policy = e.cfg.nodeRegistration.imagePullPolicy;
    if (!(await e.host.which('crictl'))) return warn(`crictl is not installed: the control-plane images were not ${IMAGE_ACTION[policy] === 'look' ? 'looked for' : 'pulled'} (the kubelet pulls what is missing, or fails to start the pod: install crictl to have them checked here)`);
    const outcomes = await ensureImages(criImageRuntime(e.host, socket), controlPlaneImages(e.cfg), policy, e.cfg.nodeRegistration.imagePullSerial);
    const message = missingImagesMessage(outcomes, policy);
    return message ? err(message) : ok;
  },
};

/** mini-kubeadm's own: containerd settings that otherwise fail much later, at the kubelet. */
function containerdChecks(): PreflightCheck[] {
  return [
    {
      name: 'ContainerdCRIPlugin',
      needsNode: true,
      ignorable: true,
      autoFix: 'containerd-cri',
      fix: () => `remove "cri" from disabled_plugins in ${CONTAINERD_CONFIG}, then: systemctl restart containerd`,
      run: async (e) => (e.seen.containerd?.criDisabled ? err(`${CONTAINERD_CONFIG} disables containerd's CRI plugin (disabled_plugins lists "cri"): the kubelet cannot run pods`) : ok),
    },
    {
      name: 'CgroupDriver',
      needsNode: true,
      ignorable: true,
      autoFix: 'containerd-cgroup',
      fix: (e) => `make them agree: set SystemdCgroup = ${e.decisions.cgroupDriver.value === 'systemd'} under the runc options in ${CONTAINERD_CONFIG} (then systemctl restart containerd), or set cgroupDriver: ${e.seen.containerd ? containerdCgroupDriver(e.seen.containerd) : 'cgroupfs'} in your KubeletConfiguration`,
      run: async (e) => {
        if (!e.seen.containerd) return ok;
        const runtime = containerdCgroupDriver(e.seen.containerd);
        const kubelet = e.decisions.cgroupDriver.value;
        return kubelet === runtime ? ok : err(`the kubelet's cgroupDriver "${kubelet}" (your KubeletConfiguration) differs from containerd's "${runtime}" (SystemdCgroup = ${e.seen.containerd.systemdCgroup ?? 'unset'} in ${CONTAINERD_CONFIG})`);
      },
    },
    {
      name: 'ContainerdOOMScoreAdj',
      needsNode: true,
      ignorable: true,
      autoFix: 'containerd-oom',
      fix: () => `set restrict_oom_score_adj = true in the CRI plugin section of ${CONTAINERD_CONFIG}, then: systemctl restart containerd`,
      run: async (e) => {
        // CAP_SYS_RESOURCE is bit 24 of CapEff; without it a negative oom_score_adj is refused
        const status = (await e.host.readText('/proc/self/status')) ?? '';
        const capEff = /^CapEff:\s*([0-9a-f]+)/m.exec(status)?.[1];
        if (capEff === undefined || (BigInt(`0x${capEff}`) >> 24n) & 1n || e.seen.containerd?.restrictOomScoreAdj === true) return ok;
        return err(`this root lacks CAP_SYS_RESOURCE (a container or user namespace?) and ${CONTAINERD_CONFIG} does not set restrict_oom_score_adj = true: every pod sandbox would fail ("can't get final child's PID from pipe")`);
      },
    },
    {
      name: 'SandboxImage',
      needsNode: true,
      ignorable: true,
      autoFix: 'containerd-sandbox',
      fixWarnings: true,
      fix: (e) => `set sandbox_image = "${pauseImage(e.cfg)}" in the CRI plugin section of ${CONTAINERD_CONFIG}, then: systemctl restart containerd`,
      run: async (e) => {
        const want = pauseImage(e.cfg);
        const have = e.seen.containerd?.sandboxImage;
        if (have === undefined) return warn(`${CONTAINERD_CONFIG} does not set the sandbox image; containerd's built-in default may differ from ${want}, the pause image of Kubernetes 1.${e.cfg.kubernetesVersion.minor}`);
        return have === want ? ok : warn(`containerd's sandbox image "${have}" differs from "${want}", the pause image of Kubernetes 1.${e.cfg.kubernetesVersion.minor}`);
      },
    },
  ];
}

