// The certs phase of init: one sub-phase per row of the certificate table, plus sa. The
// parent names the cert dir and starts every missing key at once so they are made concurrently.

import type { CertSpec } from '../../pki/cert-specs.js';
import { CERT_SPECS, SA_KEY } from '../../pki/cert-specs.js';
import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

type CertsContext = Pick<InitContext, 'cfg' | 'opts' | 'paths' | 'host' | 'report' | 'state'>;

const BASE_FLAGS = ['config', 'dry-run', 'rootfs', 'cert-dir', 'kubernetes-version'];
const SAN_FLAGS: Record<string, readonly string[]> = {
  apiserver: ['apiserver-advertise-address', 'apiserver-cert-extra-sans', 'control-plane-endpoint', 'node-name', 'service-cidr', 'service-dns-domain'],
  'etcd-server': ['apiserver-advertise-address', 'node-name'],
  'etcd-peer': ['apiserver-advertise-address', 'node-name'],
};

/** what the pki and kubeconfig modules need from a run (one key pool per run, shared by both phases) */
export async function pkiDeps(ctx: CertsContext) {
  const { keyPoolOf } = await import('../../pki/key-pool.js');
  return { cfg: ctx.cfg, paths: ctx.paths, host: ctx.host, startedAt: ctx.opts.startedAt, keys: keyPoolOf(ctx.state) };
}

function certPhase(spec: CertSpec): Phase<InitContext> {
  return {
    name: spec.name,
    short: `Generate the ${spec.long}`,
    long: `Generate the ${spec.long}, and save them into ${spec.baseName}.crt and ${spec.baseName}.key files.\n\nIf both files already exist, they are checked and used as they are.`,
    flags: [...BASE_FLAGS, ...(SAN_FLAGS[spec.name] ?? [])],
    skipReason: spec.localEtcdOnly ? (ctx) => (ctx.cfg.etcd.local ? undefined : `external etcd: no ${spec.baseName} certificate is needed`) : undefined,
    run: async (ctx) => {
      const { ensureCertificate } = await import('../../pki/ensure.js');
      const out = await ensureCertificate(await pkiDeps(ctx), spec);
      const { crt, key } = out.files;
      if (out.kind === 'generated') {
        ctx.report.result('file', `Generated "${spec.baseName}" ${spec.isCA ? 'certificate authority' : 'certificate'} and key: ${crt}, ${key}`);
        if (out.altNames && spec.usages.includes('serverAuth')) {
          ctx.report.info(`${spec.baseName} serving cert is signed for DNS names [${out.altNames.dns.join(' ')}] and IPs [${out.altNames.ips.join(' ')}]`);
        }
        for (const san of out.altNames?.dropped ?? []) {
          ctx.report.warn(`"${san}" was not added to the ${spec.baseName} SANs: it is neither an IP address nor an RFC-1123 DNS name`);
        }
      } else if (out.kind === 'existing') {
        ctx.report.result('file', `Using existing "${spec.baseName}" ${spec.isCA ? 'certificate authority' : 'certificate and key'}: ${crt}`);
      } else {
        ctx.report.result('file', `Using existing "${spec.baseName}" keyless certificate authority: ${crt} (external CA: the certificates it signs must already exist)`);
      }
    },
  };
}

const saPhase: Phase<InitContext> = {
  name: SA_KEY.name,
  short: SA_KEY.short,
  long: `${SA_KEY.short}, and save them into ${SA_KEY.privateKey} and ${SA_KEY.publicKey} files.\n\nIf both files already exist, they are checked and used as they are.`,
  flags: BASE_FLAGS,
  run: async (ctx) => {
    const { ensureServiceAccountKeys } = await import('../../pki/sa-keys.js');
    const out = await ensureServiceAccountKeys(await pkiDeps(ctx));
    const what = {
      generated: `Generated "sa" key and public key: ${out.key}, ${out.pub}`,
      existing: `Using existing "sa" key and public key: ${out.key}`,
      'public-key-restored': `Using existing "sa" key ${out.key}; wrote its missing public key ${out.pub}`,
    }[out.kind];
    ctx.report.result('file', what);
  },
};

export const certsPhase: Phase<InitContext> = {
  name: 'certs',
  short: 'Certificate generation',
  flags: [...BASE_FLAGS, ...SAN_FLAGS.apiserver!],
  children: [...CERT_SPECS.map(certPhase), saPhase],
  run: async (ctx) => {
    ctx.report.info(`Using certificateDir folder "${ctx.paths.pkiDir}"`);
    const { prefetchCertKeys } = await import('../../pki/prefetch.js');
    await prefetchCertKeys(await pkiDeps(ctx));
  },
};
