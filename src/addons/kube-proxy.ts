// The kube-proxy add-on: its KubeProxyConfiguration as kubeadm serializes it (the whole
// v1alpha1 struct, zero fields included; mode iptables in 1.37; logging text options 1.30+),
// a user's KubeProxyConfiguration document merged in, and the objects of kube-proxy.yaml.

import type { InitConfig } from '../config/types.js';
import { clusterObjectTraits } from '../config/versions.js';
import type { KubeObject } from '../kube/client.js';
import { signConfigMap } from '../kube/objects/config-hash.js';
import { controlPlaneURL } from '../kube/objects/endpoint.js';
import { goYaml } from '../kube/objects/go-format.js';
import { kubeProxyImage } from './images.js';
import { renderManifests } from './render.js';
import { isIPv6 } from './service-ip.js';
import { readAddonTemplate } from './template-file.js';

type Doc = Record<string, unknown>;

/** every field of KubeProxyConfiguration v1alpha1 at its Go zero value */
function zeroConfig(loggingText: boolean): Doc {
  const dur0 = '0s';
  return {
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    bindAddress: '',
    bindAddressHardFail: false,
    clientConnection: { acceptContentTypes: '', burst: 0, contentType: '', kubeconfig: '', qps: 0 },
    clusterCIDR: '',
    configSyncPeriod: dur0,
    conntrack: { maxPerCore: null, min: null, tcpBeLiberal: false, tcpCloseWaitTimeout: null, tcpEstablishedTimeout: null, udpStreamTimeout: dur0, udpTimeout: dur0 },
    detectLocal: { bridgeInterface: '', interfaceNamePrefix: '' },
    detectLocalMode: '',
    enableProfiling: false,
    healthzBindAddress: '',
    hostnameOverride: '',
    iptables: { localhostNodePorts: null, masqueradeAll: false, masqueradeBit: null, minSyncPeriod: dur0, syncPeriod: dur0 },
    ipvs: { excludeCIDRs: null, minSyncPeriod: dur0, scheduler: '', strictARP: false, syncPeriod: dur0, tcpFinTimeout: dur0, tcpTimeout: dur0, udpTimeout: dur0 },
    logging: {
      flushFrequency: 0,
      options: loggingText ? { json: { infoBufferSize: '0' }, text: { infoBufferSize: '0' } } : { json: { infoBufferSize: '0' } },
      verbosity: 0,
    },
    metricsBindAddress: '',
    mode: '',
    nftables: { masqueradeAll: false, masqueradeBit: null, minSyncPeriod: dur0, syncPeriod: dur0 },
    nodePortAddresses: null,
    oomScoreAdj: null,
    portRange: '',
    showHiddenMetricsForVersion: '',
    winkernel: { enableDSR: false, forwardHealthCheckVip: false, networkName: '', rootHnsEndpointName: '', sourceVip: '' },
  };
}

function isMap(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: Doc, over: Doc): Doc {
  const out: Doc = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isMap(v) && isMap(out[k]) ? deepMerge(out[k] as Doc, v) : v;
  return out;
}

/** the KubeProxyConfiguration document kubeadm writes into ConfigMap kube-proxy (config.conf) */
export function kubeProxyConfiguration(cfg: InitConfig): Doc {
  const traits = clusterObjectTraits(cfg.kubernetesVersion);
  const c = deepMerge(zeroConfig(traits.loggingTextOptions), cfg.kubeProxyConfiguration ?? {});
  const client = c.clientConnection as Doc;
  if (!c.bindAddress) c.bindAddress = isIPv6(cfg.localAPIEndpoint.advertiseAddress) ? '::' : '0.0.0.0';
  if (!c.clusterCIDR && cfg.networking.podSubnet) c.clusterCIDR = cfg.networking.podSubnet;
  if (!client.kubeconfig) client.kubeconfig = '/var/lib/kube-proxy/kubeconfig.conf';
  if (!c.mode && traits.kubeProxyMode) c.mode = traits.kubeProxyMode;
  c.apiVersion = 'kubeproxy.config.k8s.io/v1alpha1';
  c.kind = 'KubeProxyConfiguration';
  return c;
}

export async function kubeProxyObjects(cfg: InitConfig): Promise<KubeObject[]> {
  const objs = renderManifests('kube-proxy.yaml', await readAddonTemplate('kube-proxy.yaml'), {
    controlPlaneEndpoint: controlPlaneURL(cfg),
    proxyConfig: goYaml(kubeProxyConfiguration(cfg)),
    image: kubeProxyImage(cfg),
  });
  // kubeadm signs the ConfigMap it generated; a user-supplied configuration is left unsigned
  return objs.map((o) => (o.kind === 'ConfigMap' && cfg.kubeProxyConfiguration === undefined ? signConfigMap(o) : o));
}
