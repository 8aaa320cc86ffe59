// The standalone-mode kubelet of a full init. With an empty --kubeconfig the kubelet needs no
// API server: it starts every static pod at once instead of waiting up to 10 s per pod for a
// node informer that cannot sync (k/k#94087). kubelet-start writes a transient kubeadm-flags.env
// that appends the standalone flags (later flags win in the drop-in's ExecStart) and a bootstrap
// copy of config.yaml; once the API server answers, the final kubeadm files are written, the
// bootstrap file removed and the kubelet restarted, adopting the running static pods.

import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';

type Doc = Record<string, unknown>;

/**
 * The real KubeletConfiguration, changed only where standalone mode needs it: no kubelet API
 * server while no client could reach it (enableServer false), so no webhook authentication,
 * no client CA file (it may not exist yet) and AlwaysAllow; no client certificate to rotate.
 */
export function bootstrapKubeletConfig(doc: Doc): Doc {
  return {
    ...doc,
    enableServer: false,
    authentication: { anonymous: { enabled: false }, webhook: { enabled: false, cacheTTL: '0s' }, x509: {} },
    authorization: { mode: 'AlwaysAllow', webhook: { cacheAuthorizedTTL: '0s', cacheUnauthorizedTTL: '0s' } },
    rotateCertificates: false,
    serverTLSBootstrap: false,
  };
}

/** The flags appended to KUBELET_KUBEADM_ARGS during the bootstrap: no kubeconfig, the bootstrap config. */
export function standaloneFlags(paths: Pick<Paths, 'kubeletBootstrapConfigFile'>): string {
  return `--kubeconfig= --bootstrap-kubeconfig= --config=${paths.kubeletBootstrapConfigFile}`;
}

/** The final kubeadm-flags.env text with the standalone flags appended inside the quotes. */
export function standaloneFlagsEnv(finalText: string, paths: Pick<Paths, 'kubeletBootstrapConfigFile'>): string {
  const m = /^KUBELET_KUBEADM_ARGS="(.*)"\n$/s.exec(finalText);
  if (!m) throw new Error(`unexpected kubeadm-flags.env text: ${JSON.stringify(finalText)}`);
  const args = [m[1], standaloneFlags(paths)].filter((a) => a !== '').join(' ');
  return `KUBELET_KUBEADM_ARGS="${args}"\n`;
}

/** Is the kubelet's flags file the transient one (a full init that stopped before the switch)? */
export async function inStandaloneBootstrap(host: Host, paths: Paths): Promise<boolean> {
  const text = await host.readText(paths.kubeletFlagsEnvFile);
  return (text?.includes(standaloneFlags(paths)) ?? false) || (await host.exists(paths.kubeletBootstrapConfigFile));
}
