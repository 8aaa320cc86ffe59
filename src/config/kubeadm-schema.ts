// The shape of kubeadm's InitConfiguration and ClusterConfiguration in each API version, as
// data: the strict reader walks a document against it (unknown fields and wrong types are
// errors naming the field path), and the decoder then trusts the types.

import type { KubeadmApiVersion } from './versions.js';

export type FieldSchema =
  | { t: 'string' }
  | { t: 'int' }
  | { t: 'bool' }
  | { t: 'duration' }
  | { t: 'object'; fields: Readonly<Record<string, FieldSchema>> }
  | { t: 'list'; of: FieldSchema }
  | { t: 'map'; of: FieldSchema };

/** what differs between the kubeadm API versions */
export interface ApiTraits {
  /** v1beta4+: extraArgs are lists of {name, value}; v1beta3: maps */
  argsAsList: boolean;
  /** v1: an Arg may say how it merges with kubeadm's own value */
  argMergeMethod: boolean;
  /** v1beta4+: timeouts, dryRun, extraEnvs, imagePullSerial, dns.disabled, proxy, encryptionAlgorithm, validity periods */
  v1beta4Fields: boolean;
}

export const API_TRAITS: Readonly<Record<KubeadmApiVersion, ApiTraits>> = {
  'kubeadm.k8s.io/v1beta3': { argsAsList: false, argMergeMethod: false, v1beta4Fields: false },
  'kubeadm.k8s.io/v1beta4': { argsAsList: true, argMergeMethod: false, v1beta4Fields: true },
  'kubeadm.k8s.io/v1': { argsAsList: true, argMergeMethod: true, v1beta4Fields: true },
};

const S: FieldSchema = { t: 'string' };
const I: FieldSchema = { t: 'int' };
const B: FieldSchema = { t: 'bool' };
const D: FieldSchema = { t: 'duration' };
const obj = (fields: Record<string, FieldSchema>): FieldSchema => ({ t: 'object', fields });
const list = (of: FieldSchema): FieldSchema => ({ t: 'list', of });
const strings = list(S);

function when(on: boolean, fields: Record<string, FieldSchema>): Record<string, FieldSchema> {
  return on ? fields : {};
}

export type KubeadmKind = 'InitConfiguration' | 'ClusterConfiguration' | 'JoinConfiguration';

export function schemasFor(version: KubeadmApiVersion): Record<KubeadmKind, FieldSchema> {
  const v = API_TRAITS[version];
  const args = v.argsAsList ? list(obj({ name: S, value: S, ...when(v.argMergeMethod, { mergeMethod: S }) })) : { t: 'map' as const, of: S };
  const envs = when(v.v1beta4Fields, { extraEnvs: list(obj({ name: S, value: S })) });
  const volumes = list(obj({ name: S, hostPath: S, mountPath: S, readOnly: B, pathType: S }));
  const component = (extra: Record<string, FieldSchema> = {}) => obj({ extraArgs: args, extraVolumes: volumes, ...envs, ...extra });
  const typeMeta = { apiVersion: S, kind: S };

  const nodeRegistration = obj({
    name: S,
    criSocket: S,
    taints: list(obj({ key: S, value: S, effect: S, timeAdded: S })),
    kubeletExtraArgs: args,
    ignorePreflightErrors: strings,
    imagePullPolicy: S,
    ...when(v.v1beta4Fields, { imagePullSerial: B }),
  });
  const localAPIEndpoint = obj({ advertiseAddress: S, bindPort: I });
  const v1beta4Common = when(v.v1beta4Fields, {
    dryRun: B,
    timeouts: obj({
      controlPlaneComponentHealthCheck: D,
      kubeletHealthCheck: D,
      kubernetesAPICall: D,
      etcdAPICall: D,
      tlsBootstrap: D,
      discovery: D,
      upgradeManifests: D,
    }),
  });
  const InitConfiguration = obj({
    ...typeMeta,
    bootstrapTokens: list(obj({ token: S, description: S, ttl: D, expires: S, usages: strings, groups: strings })),
    nodeRegistration,
    localAPIEndpoint,
    certificateKey: S,
    skipPhases: strings,
    patches: obj({ directory: S }),
    ...v1beta4Common,
  });

  const JoinConfiguration = obj({
    ...typeMeta,
    nodeRegistration,
    caCertPath: S,
    discovery: obj({
      bootstrapToken: obj({ token: S, apiServerEndpoint: S, caCertHashes: strings, unsafeSkipCAVerification: B }),
      file: obj({ kubeConfigPath: S }),
      tlsBootstrapToken: S,
      ...when(!v.v1beta4Fields, { timeout: D }),
    }),
    controlPlane: obj({ localAPIEndpoint, certificateKey: S }),
    skipPhases: strings,
    patches: obj({ directory: S }),
    ...v1beta4Common,
  });

  const ClusterConfiguration = obj({
    ...typeMeta,
    etcd: obj({
      local: obj({ imageRepository: S, imageTag: S, dataDir: S, extraArgs: args, ...envs, serverCertSANs: strings, peerCertSANs: strings }),
      external: obj({ endpoints: strings, ...when(v.v1beta4Fields, { httpEndpoints: strings }), caFile: S, certFile: S, keyFile: S }),
    }),
    networking: obj({ serviceSubnet: S, podSubnet: S, dnsDomain: S }),
    kubernetesVersion: S,
    controlPlaneEndpoint: S,
    apiServer: component({ certSANs: strings, ...when(!v.v1beta4Fields, { timeoutForControlPlane: D }) }),
    controllerManager: component(),
    scheduler: component(),
    dns: obj({ imageRepository: S, imageTag: S, ...when(v.v1beta4Fields, { disabled: B }) }),
    ...when(v.v1beta4Fields, { proxy: obj({ disabled: B }) }),
    certificatesDir: S,
    imageRepository: S,
    featureGates: { t: 'map', of: B },
    clusterName: S,
    ...when(v.v1beta4Fields, { encryptionAlgorithm: S, certificateValidityPeriod: D, caCertificateValidityPeriod: D }),
  });
  return { InitConfiguration, ClusterConfiguration, JoinConfiguration };
}

/** The fields this version lacks but another has, so "unknown field" can say which version has it. */
export function fieldExistsIn(path: readonly string[], kind: KubeadmKind): KubeadmApiVersion[] {
  return (Object.keys(API_TRAITS) as KubeadmApiVersion[]).filter((ver) => {
    let node: FieldSchema | undefined = schemasFor(ver)[kind];
    for (const key of path) {
      if (!node) return false;
      if (node.t === 'list' || node.t === 'map') node = node.of;
      if (node.t !== 'object') return false;
      node = node.fields[key];
    }
    return node !== undefined;
  });
}
