// join's preflight table (kubeadm-join-spec.md §3.3): kubeadm's join node checks in its order,
// taken from init's table where they are the same row, plus join's own rows (kubelet.conf,
// bootstrap-kubelet.conf and ca.crt must not exist yet; the proxy for the API endpoint) and
// mini-kubeadm's containerd checks.

import type { InitConfig } from '../config/types.js';
import { initChecks, type Finding, type PreflightCheck } from './checks.js';

const ok: Finding[] = [];
const dashed = (p: string) => p.replace(/\//g, '-');

function fileAvailable(path: string): PreflightCheck {
  return {
    name: `FileAvailable-${dashed(path)}`,
    ignorable: true,
    fix: () => `${path} is left from an earlier init or join of this node: run "mini-kubeadm reset" (or remove the file) first`,
    run: async (e) => ((await e.host.exists(path)) ? [{ severity: 'error', message: `${path} already exists` }] : ok),
  };
}

/** kubeadm's HTTPProxy check: a proxy that would carry this node's calls to the API server is a warning */
function httpProxy(host: string, env: NodeJS.ProcessEnv): PreflightCheck {
  return {
    name: 'HTTPProxy',
    ignorable: true,
    fix: () => `add ${host} to NO_PROXY (and no_proxy), or unset HTTPS_PROXY for mini-kubeadm`,
    run: async () => {
      const proxy = env.HTTPS_PROXY ?? env.https_proxy;
      if (!proxy) return ok;
      const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const exempt = noProxy.some((n) => n === '*' || host === n || host.endsWith(n.startsWith('.') ? n : `.${n}`));
      return exempt ? ok : [{ severity: 'warning', message: `Connection to "https://${host}" uses proxy "${proxy}". If that is not intended, adjust your proxy settings` }];
    },
  };
}

/** The join checks for a worker, in kubeadm's order. `endpointHost` is set for token discovery. */
export function joinChecks(cfg: InitConfig, o: { kubeconfigDir: string; caCertPath: string; endpointHost?: string; env: NodeJS.ProcessEnv }): PreflightCheck[] {
  const init = new Map(initChecks(cfg).map((c) => [c.name, c]));
  const take = (name: string) => {
    const c = init.get(name);
    if (!c) throw new Error(`internal: no preflight check ${name} in init's table`);
    return c;
  };
  const names = [...init.keys()];
  const checks: PreflightCheck[] = [
    fileAvailable(`${o.kubeconfigDir}/kubelet.conf`),
    fileAvailable(`${o.kubeconfigDir}/bootstrap-kubelet.conf`),
    take('CRI'),
    take('Swap'),
    ...names.filter((n) => n.startsWith('FileExisting-')).map(take),
    take('SystemVerification'),
    take('Hostname'),
    joinKubeletVersion(take('KubeletVersion')),
    take('Service-kubelet'),
    take('Port-10250'),
    fileAvailable(o.caCertPath),
  ];
  if (o.endpointHost !== undefined) {
    checks.push(httpProxy(o.endpointHost, o.env));
    const v6 = o.endpointHost.includes(':');
    if (!v6) checks.push(take(`FileContent-${dashed('/proc/sys/net/ipv4/ip_forward')}`));
    // kubeadm ≤1.29 also checks bridge-nf-call-iptables (an error); later a warning of mini-kubeadm's own (init's row)
    checks.push(take(`FileContent-${dashed('/proc/sys/net/bridge/bridge-nf-call-iptables')}`));
  }
  // mini-kubeadm's own containerd checks, as for init; and, when the cluster's KubeletConfiguration
  // has protectKernelDefaults (a cluster made with --profile cis), the kernel tunables this node's
  // kubelet would refuse to start with (init's row: --fix sets them)
  for (const n of ['ContainerdCRIPlugin', 'CgroupDriver', 'ContainerdOOMScoreAdj', 'SandboxImage', 'KernelTunables']) if (init.has(n)) checks.push(take(n));
  return checks;
}

/** join knows no control-plane version beside the cluster's: the kubelet may be up to 3 minors older, and not newer */
function joinKubeletVersion(c: PreflightCheck): PreflightCheck {
  return { ...c, fix: (e) => `install a kubelet of version 1.${e.cfg.kubernetesVersion.minor - 3} to 1.${e.cfg.kubernetesVersion.minor} (the cluster runs ${e.cfg.kubernetesVersion.text})` };
}
