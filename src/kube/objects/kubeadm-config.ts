// upload-config/kubeadm: the ClusterConfiguration as kubeadm of the target minor serializes it
// into ConfigMap kube-system/kubeadm-config (v1beta3 up to 1.30, v1beta4 from 1.31; empty
// fields omitted, keys sorted), plus the Role and RoleBinding that let joining nodes read it.

import type { Arg, ControlPlaneComponent, HostPathMount, InitConfig } from '../../config/types.js';
import { clusterObjectTraits } from '../../config/versions.js';
import type { KubeObject } from '../client.js';
import { goDuration, goYaml } from './go-format.js';
import { BOOTSTRAPPERS, NODES, getNamed, group, role, roleBinding } from './rbac.js';

type Doc = Record<string, unknown>;

/** drops undefined, empty strings, empty lists and empty maps: Go's omitempty */
function omitEmpty(o: Doc): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === '' || v === false) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}

function volumes(vs: HostPathMount[]): Doc[] {
  return vs.map((v) => omitEmpty({ name: v.name, hostPath: v.hostPath, mountPath: v.mountPath, readOnly: v.readOnly, pathType: v.pathType }));
}

/** v1beta3 extraArgs are a map: a later duplicate wins */
const argMap = (args: Arg[]): Record<string, string> => Object.fromEntries(args.map((a) => [a.name, a.value]));

function component(c: ControlPlaneComponent, v1beta4: boolean, extra: Doc = {}): Doc {
  return omitEmpty({
    ...extra,
    extraArgs: v1beta4 ? c.extraArgs.map((a) => ({ name: a.name, value: a.value })) : argMap(c.extraArgs),
    extraVolumes: volumes(c.extraVolumes),
    extraEnvs: v1beta4 ? c.extraEnvs.map((e) => ({ name: e.name, value: e.value })) : undefined,
  });
}

function etcd(cfg: InitConfig, v1beta4: boolean): Doc {
  if (cfg.etcd.external) {
    const x = cfg.etcd.external;
    return { external: { endpoints: x.endpoints, caFile: x.caFile, certFile: x.certFile, keyFile: x.keyFile } };
  }
  const l = cfg.etcd.local;
  if (!l) return {};
  return {
    local: {
      ...omitEmpty({
        imageRepository: l.imageRepository,
        imageTag: l.imageTag,
        extraArgs: v1beta4 ? l.extraArgs.map((a) => ({ name: a.name, value: a.value })) : argMap(l.extraArgs),
        extraEnvs: v1beta4 ? l.extraEnvs.map((e) => ({ name: e.name, value: e.value })) : undefined,
        serverCertSANs: l.serverCertSANs,
        peerCertSANs: l.peerCertSANs,
      }),
      dataDir: l.dataDir, // not omitempty in either version
    },
  };
}

/** the ClusterConfiguration document, as an object */
export function clusterConfigurationDocument(cfg: InitConfig): Doc {
  const api = clusterObjectTraits(cfg.kubernetesVersion).kubeadmConfigApi;
  const v1beta4 = api === 'kubeadm.k8s.io/v1beta4';
  const traits = clusterObjectTraits(cfg.kubernetesVersion);
  const apiServer = traits.uploadsAuthorizationMode && !cfg.apiServer.extraArgs.some((a) => a.name === 'authorization-mode')
    ? { ...cfg.apiServer, extraArgs: [...cfg.apiServer.extraArgs, { name: 'authorization-mode', value: 'Node,RBAC' }] }
    : cfg.apiServer;
  const doc: Doc = {
    apiVersion: api,
    kind: 'ClusterConfiguration',
    etcd: etcd(cfg, v1beta4),
    networking: omitEmpty({ serviceSubnet: cfg.networking.serviceSubnet, podSubnet: cfg.networking.podSubnet, dnsDomain: cfg.networking.dnsDomain }),
    kubernetesVersion: cfg.kubernetesVersion.text,
    controlPlaneEndpoint: cfg.controlPlaneEndpoint || undefined,
    apiServer: component(apiServer, v1beta4, {
      certSANs: cfg.apiServer.certSANs,
      timeoutForControlPlane: v1beta4 ? undefined : goDuration(cfg.timeouts.controlPlaneComponentHealthCheckMs),
    }),
    controllerManager: component(cfg.controllerManager, v1beta4),
    scheduler: component(cfg.scheduler, v1beta4),
    dns: omitEmpty({ imageRepository: cfg.dns.imageRepository, imageTag: cfg.dns.imageTag, disabled: v1beta4 ? cfg.dns.disabled : undefined }),
    proxy: v1beta4 ? omitEmpty({ disabled: cfg.proxy.disabled }) : undefined,
    certificatesDir: cfg.certificatesDir,
    imageRepository: cfg.imageRepository,
    featureGates: Object.keys(cfg.featureGates).length ? cfg.featureGates : undefined,
    clusterName: cfg.clusterName,
    encryptionAlgorithm: v1beta4 ? cfg.encryptionAlgorithm : undefined,
    certificateValidityPeriod: v1beta4 ? goDuration(cfg.certificateValidityPeriodMs) : undefined,
    caCertificateValidityPeriod: v1beta4 ? goDuration(cfg.caCertificateValidityPeriodMs) : undefined,
  };
  // struct-valued fields stay even when empty ("dns: {}"); only scalars, lists and maps are omitted
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined && v !== ''));
}

export function kubeadmConfigObjects(cfg: InitConfig): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kubeadm-config', namespace: 'kube-system' },
      data: { ClusterConfiguration: goYaml(clusterConfigurationDocument(cfg)) },
    },
    role('kube-system', 'kubeadm:nodes-kubeadm-config', [getNamed('configmaps', 'kubeadm-config')]),
    roleBinding('kube-system', 'kubeadm:nodes-kubeadm-config', 'kubeadm:nodes-kubeadm-config', [group(BOOTSTRAPPERS), group(NODES)]),
  ];
}
