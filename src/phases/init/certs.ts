// The certs phase of init; its work lands with a later issue, until then it says so.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const certsPhase: Phase<InitContext> = {
  name: 'certs',
  short: 'Certificate generation',
  flags: ['config', 'dry-run', 'rootfs', 'cert-dir', 'kubernetes-version', 'apiserver-advertise-address', 'apiserver-cert-extra-sans', 'control-plane-endpoint', 'node-name', 'service-cidr', 'service-dns-domain'],
  children: [
    { name: 'ca', short: 'Run the ca step', run: async () => { throw new NotImplementedError('phase certs/ca'); } },
    { name: 'apiserver', short: 'Run the apiserver step', run: async () => { throw new NotImplementedError('phase certs/apiserver'); } },
    { name: 'apiserver-kubelet-client', short: 'Run the apiserver-kubelet-client step', run: async () => { throw new NotImplementedError('phase certs/apiserver-kubelet-client'); } },
    { name: 'front-proxy-ca', short: 'Run the front-proxy-ca step', run: async () => { throw new NotImplementedError('phase certs/front-proxy-ca'); } },
    { name: 'front-proxy-client', short: 'Run the front-proxy-client step', run: async () => { throw new NotImplementedError('phase certs/front-proxy-client'); } },
    { name: 'etcd-ca', short: 'Run the etcd-ca step', run: async () => { throw new NotImplementedError('phase certs/etcd-ca'); } },
    { name: 'etcd-server', short: 'Run the etcd-server step', run: async () => { throw new NotImplementedError('phase certs/etcd-server'); } },
    { name: 'etcd-peer', short: 'Run the etcd-peer step', run: async () => { throw new NotImplementedError('phase certs/etcd-peer'); } },
    { name: 'etcd-healthcheck-client', short: 'Run the etcd-healthcheck-client step', run: async () => { throw new NotImplementedError('phase certs/etcd-healthcheck-client'); } },
    { name: 'apiserver-etcd-client', short: 'Run the apiserver-etcd-client step', run: async () => { throw new NotImplementedError('phase certs/apiserver-etcd-client'); } },
    { name: 'sa', short: 'Run the sa step', run: async () => { throw new NotImplementedError('phase certs/sa'); } },
  ],
};
