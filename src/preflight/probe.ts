// What preflight asks of the machine itself, apart from files and commands (which go through
// the Host): who we are, CPUs, memory, whether a port is free, whether a name resolves.
// Tests pass their own; the real one uses node:os, node:net and node:dns.

export interface MachineProbe {
  uid(): number;
  cpus(): number;
  memoryMB(): number;
  hostname(): string;
  /** undefined when ADDRESS:PORT can be listened on; otherwise why not (the errno code) */
  tryListen(port: number, address: string): Promise<string | undefined>;
  /** does the name resolve (/etc/hosts or DNS)? */
  resolves(name: string): Promise<boolean>;
}

export async function realMachineProbe(): Promise<MachineProbe> {
  const os = await import('node:os');
  const net = await import('node:net');
  const dns = await import('node:dns');
  return {
    uid: () => process.getuid?.() ?? -1,
    cpus: () => os.availableParallelism(),
    memoryMB: () => Math.floor(os.totalmem() / 1024 / 1024),
    hostname: () => os.hostname().trim().toLowerCase(),
    tryListen: (port, address) =>
      new Promise((resolve) => {
        const srv = net.createServer();
        srv.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
        srv.listen({ port, host: address === '' ? undefined : address, exclusive: true }, () => srv.close(() => resolve(undefined)));
      }),
    resolves: (name) =>
      Promise.race([
        dns.promises.lookup(name).then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((r) => setTimeout(() => r(false), 3000).unref()),
      ]),
  };
}
