// Real etcd processes for test:api (the lab build's etcd binary): TLS certificates made by
// openssl as kubeadm's etcd has them, a member started on 127.0.0.1 ports, and a poll helper.

import { execFileSync, spawn } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { ETCD, freePort } from './api-server.js';

export { freePort };

export function certs(dir: string) {
  const o = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  o(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=etcd-ca', '-keyout', 'ca.key', '-out', 'ca.crt']);
  const issue = (name: string, cn: string, ext: string) => {
    o(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    writeFileSync(path.join(dir, `${name}.ext`), ext);
    o(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-out', `${name}.crt`, '-extfile', `${name}.ext`]);
  };
  issue('member', 'member', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  issue('healthcheck-client', 'kube-etcd-healthcheck-client', 'extendedKeyUsage=clientAuth\n');
}

export async function startEtcd(t: TestContext, dir: string, name: string, client: number, peer: number, cluster: string, state: 'new' | 'existing') {
  const log = path.join(dir, `${name}.log`);
  const tls = ['--cert-file=member.crt', '--key-file=member.key', '--trusted-ca-file=ca.crt', '--client-cert-auth=true'];
  const peerTls = ['--peer-cert-file=member.crt', '--peer-key-file=member.key', '--peer-trusted-ca-file=ca.crt', '--peer-client-cert-auth=true'];
  const p = spawn(
    ETCD,
    [
      `--name=${name}`,
      `--data-dir=${path.join(dir, name)}`,
      `--listen-client-urls=https://127.0.0.1:${client}`,
      `--advertise-client-urls=https://127.0.0.1:${client}`,
      `--listen-peer-urls=https://127.0.0.1:${peer}`,
      `--initial-advertise-peer-urls=https://127.0.0.1:${peer}`,
      `--initial-cluster=${cluster}`,
      `--initial-cluster-state=${state}`,
      ...tls,
      ...peerTls,
    ],
    { cwd: dir, stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')] },
  );
  t.after(() => void (p.exitCode === null && p.kill('SIGKILL')));
  const exited = new Promise<void>((r) => p.once('exit', () => r()));
  return {
    log: () => readFileSync(log, 'utf8').split('\n').slice(-15).join('\n'),
    /** the member dies (SIGKILL), as a node that goes away without a reset */
    kill: async () => {
      if (p.exitCode === null) p.kill('SIGKILL');
      await exited;
    },
  };
}

export async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}: ${last instanceof Error ? last.message : String(last)}`);
}

