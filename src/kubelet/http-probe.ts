// One HTTP(S) GET against a health endpoint, as kubeadm's waiter does: HTTPS without verifying
// the component's self-signed certificate, optionally presenting a client certificate.

export interface HealthAnswer {
  ok: boolean;
  detail: string;
}

export interface ProbeTls {
  cert?: Buffer;
  key?: Buffer;
}

/**
 * ok on HTTP 200 (or the statuses `accept` takes: the kubelet's probes take 200-399); otherwise
 * the status and the start of the body, or the connection error.
 */
export async function probeHealth(url: string, opts: { timeoutMs?: number; tls?: ProbeTls; accept?: (status: number) => boolean } = {}): Promise<HealthAnswer> {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise<HealthAnswer>((resolve) => {
    const req = mod.request(
      u,
      {
        method: 'GET',
        timeout: opts.timeoutMs ?? 2000,
        // kubeadm's checks skip verification: these are the components' own serving certs
        ...(u.protocol === 'https:' ? { rejectUnauthorized: false, cert: opts.tls?.cert, key: opts.tls?.key } : {}),
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          if (body.length < 2000) body += d;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve((opts.accept ?? ((c: number) => c === 200))(status) ? { ok: true, detail: `HTTP ${status}` } : { ok: false, detail: `HTTP ${status}${body.trim() ? `: ${body.trim().split('\n').slice(-5).join(' | ')}` : ''}` });
        });
        res.on('error', (e) => resolve({ ok: false, detail: e.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs ?? 2000}ms`)));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, detail: e.code === 'ECONNREFUSED' ? `connection refused (nothing listens on ${u.host})` : e.message }));
    req.end();
  });
}
