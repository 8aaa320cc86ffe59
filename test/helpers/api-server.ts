// A real etcd and kube-apiserver on 127.0.0.1 (random free ports, loopback only) from the lab's
// build cache, with certificates made by openssl, for tests of what init writes through the API.
// Both processes are killed by pid and the temp directory removed when the test ends.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, openSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

export const LAB_CACHE = process.env.LAB_CACHE ?? process.env.MK_LAB_CACHE ?? path.join(homedir(), '.cache/mini-kubeadm-lab');
export const KUBE_APISERVER = path.join(LAB_CACHE, 'kubernetes@v1.37.2/bin/kube-apiserver');
export const ETCD = path.join(LAB_CACHE, 'etcd@v3.7.2/bin/etcd');

export interface ApiServer {
  port: number;
  /** etcd's plain-HTTP client port on 127.0.0.1 */
  etcdClientPort: number;
  url: string;
  dir: string;
  caCert: string;
  caKey: string;
  /** a kubeconfig (embedded certs) for a client certificate CN/O signed by the CA */
  clientKubeconfig(file: string, cn: string, org?: string): string;
  /** a kubeconfig authenticating with a bearer token (e.g. a bootstrap token) */
  tokenKubeconfig(file: string, token: string): string;
  /** system:masters, for checks */
  adminKubeconfig: string;
  /** the last lines of the API server's log, for failure messages */
  logTail(): string;
}

/** a process that already exited (ESRCH) needs no signal */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/** a port nothing listens on now, on 127.0.0.1 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const openssl = (dir: string, args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

function issue(dir: string, name: string, subj: string, ext: string): void {
  openssl(dir, ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj]);
  writeFileSync(path.join(dir, `${name}.ext`), ext);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-out', `${name}.crt`, '-extfile', `${name}.ext`]);
}

async function waitReady(url: string, dir: string, proc: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  const opts = { ca: readFileSync(path.join(dir, 'ca.crt')), cert: readFileSync(path.join(dir, 'admin.crt')), key: readFileSync(path.join(dir, 'admin.key')) };
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`kube-apiserver exited with ${proc.exitCode}:\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const req = https.get(`${url}/readyz`, { ...opts, timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`kube-apiserver at ${url} not ready after ${timeoutMs} ms:\n${log()}`);
}

/** extraArgs: more flags for the API server, made once its temp directory exists (pflag: a later one of the same name wins) */
export async function startApiServer(t: TestContext, opts: { extraArgs?: (dir: string) => Promise<string[]> } = {}): Promise<ApiServer> {
  for (const bin of [KUBE_APISERVER, ETCD]) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`bash test/e2e/lib/build.sh\` to build the lab's binaries (or set LAB_CACHE)`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'mk-api-'));
  const procs: ChildProcess[] = [];
  t.after(async () => {
    for (const p of procs.reverse()) {
      if (p.exitCode === null && p.pid !== undefined) {
        const exited = new Promise((r) => p.once('exit', r));
        signal(p.pid, 'SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (p.exitCode === null) signal(p.pid, 'SIGKILL');
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=kubernetes', '-addext', 'keyUsage=critical,keyCertSign,digitalSignature,keyEncipherment']);
  issue(dir, 'serving', '/CN=kube-apiserver', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  issue(dir, 'admin', '/O=system:masters/CN=test-admin', 'extendedKeyUsage=clientAuth\n');
  openssl(dir, ['genrsa', '-out', 'sa.key', '2048']);
  openssl(dir, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);

  const [etcdClient, etcdPeer, port] = [await freePort(), await freePort(), await freePort()];
  const etcdLog = openSync(path.join(dir, 'etcd.log'), 'a');
  const etcd = spawn(ETCD, [
    '--name=test', `--data-dir=${path.join(dir, 'etcd')}`,
    `--listen-client-urls=http://127.0.0.1:${etcdClient}`, `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
    `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-cluster=test=http://127.0.0.1:${etcdPeer}`, '--log-level=warn',
  ], { stdio: ['ignore', etcdLog, etcdLog] });
  procs.push(etcd);

  const extraArgs = (await opts.extraArgs?.(dir)) ?? [];
  const apiLogFile = path.join(dir, 'kube-apiserver.log');
  const apiLog = openSync(apiLogFile, 'a');
  const f = (n: string) => path.join(dir, n);
  const api = spawn(KUBE_APISERVER, [
    '--advertise-address=127.0.0.1', '--bind-address=127.0.0.1', `--secure-port=${port}`,
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    `--tls-cert-file=${f('serving.crt')}`, `--tls-private-key-file=${f('serving.key')}`, `--client-ca-file=${f('ca.crt')}`,
    '--authorization-mode=Node,RBAC', '--enable-bootstrap-token-auth=true', '--allow-privileged=true',
    '--enable-admission-plugins=NodeRestriction', '--anonymous-auth=true',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local', `--service-account-key-file=${f('sa.pub')}`,
    `--service-account-signing-key-file=${f('sa.key')}`, '--service-cluster-ip-range=10.96.0.0/12',
    `--cert-dir=${f('apiserver-certs')}`, '--profiling=false',
    // loopback may not be advertised for the kubernetes Service's endpoints; no endpoints are needed here
    '--endpoint-reconciler-type=none',
    ...extraArgs,
  ], { stdio: ['ignore', apiLog, apiLog] });
  procs.push(api);

  const url = `https://127.0.0.1:${port}`;
  const logTail = () => (existsSync(apiLogFile) ? readFileSync(apiLogFile, 'utf8').split('\n').slice(-30).join('\n') : '');
  await waitReady(url, dir, api, logTail, 90_000);

  const caData = readFileSync(f('ca.crt')).toString('base64');
  const kubeconfig = (file: string, user: Record<string, string>) => {
    const p = path.join(dir, file);
    const userLines = Object.entries(user).map(([k, v]) => `    ${k}: ${v}`).join('\n');
    writeFileSync(p, [
      'apiVersion: v1', 'kind: Config', 'clusters:', '- cluster:', `    certificate-authority-data: ${caData}`, `    server: ${url}`, '  name: kubernetes',
      'contexts:', '- context:', '    cluster: kubernetes', '    user: u', '  name: u@kubernetes', 'current-context: u@kubernetes', 'users:', '- name: u', '  user:', userLines, '',
    ].join('\n'), { mode: 0o600 });
    return p;
  };
  const clientKubeconfig = (file: string, cn: string, org?: string) => {
    const name = file.replace(/\W/g, '_');
    issue(dir, name, `${org ? `/O=${org}` : ''}/CN=${cn}`, 'extendedKeyUsage=clientAuth\n');
    return kubeconfig(file, {
      'client-certificate-data': readFileSync(f(`${name}.crt`)).toString('base64'),
      'client-key-data': readFileSync(f(`${name}.key`)).toString('base64'),
    });
  };
  return {
    port,
    etcdClientPort: etcdClient,
    url,
    dir,
    caCert: readFileSync(f('ca.crt'), 'utf8'),
    caKey: readFileSync(f('ca.key'), 'utf8'),
    clientKubeconfig,
    tokenKubeconfig: (file, token) => kubeconfig(file, { token }),
    adminKubeconfig: kubeconfig('test-admin.conf', {
      'client-certificate-data': readFileSync(f('admin.crt')).toString('base64'),
      'client-key-data': readFileSync(f('admin.key')).toString('base64'),
    }),
    logTail,
  };
}
