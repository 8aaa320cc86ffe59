// The typed InitConfig written back as kubeadm's documents (InitConfiguration,
// ClusterConfiguration) in a given API version, with Go's omitempty rules and sorted keys, as
// kubeadm prints them (config print init-defaults) and stores them (the kubeadm-config ConfigMap).

import type { Arg, ControlPlaneComponent, InitConfig } from './types.js';
import { formatGoDuration } from './duration.js';
import { API_TRAITS } from './kubeadm-schema.js';
import type { KubeadmApiVersion } from './versions.js';

type Obj = Record<string, unknown>;

/** drop what Go's omitempty drops: undefined, "", [], {} where the field is omitempty */
function compact(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}

function encodeArgs(args: readonly Arg[], apiVersion: KubeadmApiVersion): unknown {
  if (args.length === 0) return undefined;
  const t = API_TRAITS[apiVersion];
  if (!t.argsAsList) return Object.fromEntries(args.map((a) => [a.name, a.value]));
  return args.map((a) => (t.argMergeMethod && a.mergeMethod ? { name: a.name, value: a.value, mergeMethod: a.mergeMethod } : { name: a.name, value: a.value }));
}

function encodeComponent(c: ControlPlaneComponent, apiVersion: KubeadmApiVersion, extra: Obj = {}): Obj {
  const v4 = API_TRAITS[apiVersion].v1beta4Fields;
  return compact({
    extraArgs: encodeArgs(c.extraArgs, apiVersion),
    extraVolumes: c.extraVolumes.map((v) => compact({ name: v.name, hostPath: v.hostPath, mountPath: v.mountPath, readOnly: v.readOnly || undefined, pathType: v.pathType })),
    extraEnvs: v4 ? c.extraEnvs.map((e) => ({ name: e.name, value: e.value })) : undefined,
    ...extra,
  });
}

export function encodeClusterConfiguration(cfg: InitConfig, apiVersion: KubeadmApiVersion, opts: { kubernetesVersion?: string } = {}): Obj {
  const v4 = API_TRAITS[apiVersion].v1beta4Fields;
  const l = cfg.etcd.local;
  const x = cfg.etcd.external;
  const etcd = x
    ? { external: compact({ endpoints: x.endpoints, httpEndpoints: v4 ? x.httpEndpoints : undefined, caFile: x.caFile, certFile: x.certFile, keyFile: x.keyFile }) }
    : l
      ? {
          local: {
            ...compact({
              imageRepository: l.imageRepository,
              imageTag: l.imageTag,
              extraArgs: encodeArgs(l.extraArgs, apiVersion),
              extraEnvs: v4 ? l.extraEnvs : undefined,
              serverCertSANs: l.serverCertSANs,
              peerCertSANs: l.peerCertSANs,
            }),
            dataDir: l.dataDir,
          },
        }
      : {};
  return compact({
    apiVersion,
    kind: 'ClusterConfiguration',
    apiServer: encodeComponent(cfg.apiServer, apiVersion, {
      certSANs: cfg.apiServer.certSANs.length ? cfg.apiServer.certSANs : undefined,
      timeoutForControlPlane: v4 ? undefined : formatGoDuration(cfg.timeouts.controlPlaneComponentHealthCheckMs),
    }),
    caCertificateValidityPeriod: v4 ? formatGoDuration(cfg.caCertificateValidityPeriodMs) : undefined,
    certificateValidityPeriod: v4 ? formatGoDuration(cfg.certificateValidityPeriodMs) : undefined,
    certificatesDir: cfg.certificatesDir,
    clusterName: cfg.clusterName,
    controlPlaneEndpoint: cfg.controlPlaneEndpoint,
    controllerManager: encodeComponent(cfg.controllerManager, apiVersion),
    dns: compact({ disabled: v4 && cfg.dns.disabled ? true : undefined, imageRepository: cfg.dns.imageRepository, imageTag: cfg.dns.imageTag }),
    encryptionAlgorithm: v4 ? cfg.encryptionAlgorithm : undefined,
    etcd,
    featureGates: Object.keys(cfg.featureGates).length ? cfg.featureGates : undefined,
    imageRepository: cfg.imageRepository,
    kubernetesVersion: opts.kubernetesVersion ?? cfg.kubernetesVersion.text,
    networking: compact({ dnsDomain: cfg.networking.dnsDomain, podSubnet: cfg.networking.podSubnet, serviceSubnet: cfg.networking.serviceSubnet }),
    proxy: v4 ? compact({ disabled: cfg.proxy.disabled || undefined }) : undefined,
    scheduler: encodeComponent(cfg.scheduler, apiVersion),
  });
}

export function encodeInitConfiguration(cfg: InitConfig, apiVersion: KubeadmApiVersion): Obj {
  const v4 = API_TRAITS[apiVersion].v1beta4Fields;
  const nr = cfg.nodeRegistration;
  const t = cfg.timeouts;
  return compact({
    apiVersion,
    kind: 'InitConfiguration',
    bootstrapTokens: cfg.bootstrapTokens.map((b) =>
      compact({ description: b.description, groups: b.groups, token: b.token, ttl: formatGoDuration(b.ttlMs), usages: b.usages }),
    ),
    certificateKey: cfg.certificateKey,
    localAPIEndpoint: { advertiseAddress: cfg.localAPIEndpoint.advertiseAddress, bindPort: cfg.localAPIEndpoint.bindPort },
    nodeRegistration: {
      ...compact({
        criSocket: nr.criSocket,
        imagePullPolicy: nr.imagePullPolicy,
        kubeletExtraArgs: encodeArgs(nr.kubeletExtraArgs, apiVersion),
        ignorePreflightErrors: nr.ignorePreflightErrors,
        name: nr.name,
      }),
      ...(v4 ? { imagePullSerial: nr.imagePullSerial } : {}),
      // no omitempty: null means "kubeadm's control-plane taint", [] means none
      taints: nr.taints === null ? null : nr.taints.map((x) => compact({ key: x.key, value: x.value, effect: x.effect })),
    },
    skipPhases: cfg.skipPhases,
    timeouts: v4
      ? {
          controlPlaneComponentHealthCheck: formatGoDuration(t.controlPlaneComponentHealthCheckMs),
          discovery: formatGoDuration(t.discoveryMs),
          etcdAPICall: formatGoDuration(t.etcdAPICallMs),
          kubeletHealthCheck: formatGoDuration(t.kubeletHealthCheckMs),
          kubernetesAPICall: formatGoDuration(t.kubernetesAPICallMs),
          tlsBootstrap: formatGoDuration(t.tlsBootstrapMs),
          upgradeManifests: formatGoDuration(t.upgradeManifestsMs),
        }
      : undefined,
  });
}

/** documents as kubeadm's YAML: keys sorted, lists not indented under their key, "---" between */
export async function toKubeadmYaml(docs: readonly Obj[]): Promise<string> {
  const yaml = await import('js-yaml');
  return docs.map((d) => yaml.dump(d, { sortKeys: true, noArrayIndent: true, lineWidth: -1 })).join('---\n');
}
