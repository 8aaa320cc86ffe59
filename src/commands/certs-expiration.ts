// `certs check-expiration`: kubeadm's two tables (each certificate and kubeconfig client
// certificate, then each CA: expiry, residual time, CA, externally managed), or its output API
// object CertificateExpirationInfo (output.kubeadm.k8s.io/v1alpha3) as JSON or YAML.

import type { FlagValues } from '../config/flags.js';
import { goJson, goYaml, shortHumanDuration, tabwrite } from '../kube/objects/go-format.js';
import type { Io } from '../io.js';
import { checkCertDir, expirationReport, type ExpirationEntry, type ExpirationReport } from '../pki/expiration.js';
import { loadNodeConfig } from './node-config.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** Go's time.Format("Jan 02, 2006 15:04 MST") of a UTC time */
function expiresText(d: Date): string {
  return `${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())}, ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no').padEnd(8);

/** kubeadm's text: one tabwriter over both tables (a blank line ends the first's columns) */
export function expirationTable(r: ExpirationReport, nowMs: number): string {
  const residual = (e: ExpirationEntry) => shortHumanDuration(e.expires!.getTime() - nowMs);
  const certs = [
    ['CERTIFICATE', 'EXPIRES', 'RESIDUAL TIME', 'CERTIFICATE AUTHORITY', 'EXTERNALLY MANAGED'],
    ...r.certificates.map((e) => (e.missing ? [`!MISSING! ${e.name}`, '', '', '', ''] : [e.name, expiresText(e.expires!), residual(e), e.caName ?? '', yesNo(e.externallyManaged)])),
  ];
  const cas = [
    ['CERTIFICATE AUTHORITY', 'EXPIRES', 'RESIDUAL TIME', 'EXTERNALLY MANAGED'],
    ...r.authorities.map((e) => (e.missing ? [`!MISSING! ${e.name}`, '', '', ''] : [e.name, expiresText(e.expires!), residual(e), yesNo(e.externallyManaged)])),
  ];
  return `${tabwrite(certs)}\n${tabwrite(cas)}`;
}

/** output.kubeadm.k8s.io/v1alpha3 CertificateExpirationInfo, keys in the Go structs' order */
export function expirationObject(r: ExpirationReport, nowMs: number): Record<string, unknown> {
  const one = (e: ExpirationEntry) => ({
    name: e.name,
    expirationDate: e.expires ? e.expires.toISOString().replace(/\.\d{3}Z$/, 'Z') : null,
    residualTime: e.expires ? Math.trunc((e.expires.getTime() - nowMs) / 1000) : 0,
    externallyManaged: e.externallyManaged,
    ...(e.caName ? { caName: e.caName } : {}),
    missing: e.missing,
  });
  return { kind: 'CertificateExpirationInfo', apiVersion: 'output.kubeadm.k8s.io/v1alpha3', certificates: r.certificates.map(one), certificateAuthorities: r.authorities.map(one) };
}

export async function runCheckExpiration(io: Io, flags: FlagValues): Promise<void> {
  const { host, cfg, paths } = await loadNodeConfig(io, flags);
  await checkCertDir(host, paths.pkiDir);
  const report = await expirationReport({ host, paths, cfg });
  const now = Date.now();
  const output = flags.output ?? 'text';
  if (output === 'json') io.stdout.write(`${goJson(expirationObject(report, now))}\n`);
  else if (output === 'yaml') io.stdout.write(goYaml(expirationObject(report, now)));
  else io.stdout.write(expirationTable(report, now));
}
