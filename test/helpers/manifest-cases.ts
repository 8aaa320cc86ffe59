// The inputs the static-pod manifests are checked with, against kubeadm (test/compat) and
// against a real kube-apiserver (test/api): each case edits a default InitConfig.

import type { InitConfig } from '../../src/config/types.js';

export interface ManifestCase {
  name: string;
  edit(cfg: InitConfig): void;
}

export const MANIFEST_CASES: readonly ManifestCase[] = [
  { name: 'defaults', edit: () => {} },
  {
    name: 'extraArgs, extraVolumes, extraEnvs, pull policy',
    edit: (cfg) => {
      cfg.nodeRegistration.imagePullPolicy = 'Never';
      cfg.apiServer.extraArgs = [
        { name: 'enable-admission-plugins', value: 'NodeRestriction,PodSecurity' },
        { name: 'audit-log-path', value: '/var/log/kubernetes/audit.log' },
        { name: 'anonymous-auth', value: 'false' },
        { name: 'authorization-mode', value: 'Node,RBAC,Webhook' },
      ];
      cfg.apiServer.extraVolumes = [
        { name: 'audit', hostPath: '/var/log/kubernetes', mountPath: '/var/log/kubernetes', readOnly: false, pathType: 'DirectoryOrCreate' },
        { name: 'ca-certs', hostPath: '/etc/ssl/certs', mountPath: '/etc/ssl/certs', readOnly: true, pathType: 'Directory' },
      ];
      cfg.apiServer.extraEnvs = [{ name: 'GOMAXPROCS', value: '2' }, { name: 'HTTPS_PROXY', value: 'http://other.lab.invalid:8080' }];
      cfg.controllerManager.extraArgs = [
        { name: 'node-cidr-mask-size', value: '24' },
        { name: 'bind-address', value: '0.0.0.0' },
        { name: 'flex-volume-plugin-dir', value: '/opt/flex' },
      ];
      cfg.controllerManager.extraVolumes = [{ name: 'cloud', hostPath: '/etc/cloud.conf', mountPath: '/etc/cloud.conf', readOnly: true, pathType: 'FileOrCreate' }];
      cfg.scheduler.extraArgs = [{ name: 'v', value: '2' }, { name: 'bind-address', value: '127.0.0.2' }];
      cfg.scheduler.extraVolumes = [{ name: 'sched-extra', hostPath: '/etc/sched', mountPath: '/etc/sched', readOnly: true, pathType: '' }];
      cfg.scheduler.extraEnvs = [{ name: 'ZZ_LAST', value: 'z' }];
      cfg.etcd.local!.extraArgs = [
        { name: 'snapshot-count', value: '5000' },
        { name: 'listen-metrics-urls', value: 'http://127.0.0.1:2382' },
        { name: 'auto-compaction-retention', value: '8' },
      ];
      cfg.etcd.local!.extraEnvs = [{ name: 'ETCD_QUOTA', value: '1' }];
    },
  },
  {
    name: 'service and pod CIDRs, DNS domain',
    edit: (cfg) => {
      cfg.networking.serviceSubnet = '10.100.0.0/16';
      cfg.networking.podSubnet = '10.244.0.0/16';
      cfg.networking.dnsDomain = 'lab.internal';
    },
  },
  {
    name: 'IPv4 advertise address, port, names, dirs, repository',
    edit: (cfg) => {
      cfg.localAPIEndpoint = { advertiseAddress: '192.168.56.10', bindPort: 8443 };
      cfg.nodeRegistration.name = 'cp-1';
      cfg.clusterName = 'lab';
      cfg.certificatesDir = '/etc/k8s/pki';
      cfg.imageRepository = 'registry.lab.invalid:5000/k8s';
      cfg.etcd.local!.dataDir = '/data/etcd';
      cfg.timeouts.controlPlaneComponentHealthCheckMs = 95_000;
    },
  },
];
