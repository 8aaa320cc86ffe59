// Verbs on systemd units (kubelet, containerd), spelled once: phases say
// `restart(host, 'kubelet')`, never `systemctl` arguments.

import type { Host } from './host.js';

/** Is systemd the init system of this node? (what systemd's own sd_booted() checks) */
export async function hasSystemd(host: Host): Promise<boolean> {
  return (await host.stat('/run/systemd/system'))?.isDirectory === true;
}

export async function isActive(host: Host, unit: string): Promise<boolean> {
  if (!(await host.which('systemctl'))) return false;
  const r = await host.run('systemctl', ['is-active', '--quiet', unit]);
  return r.exitCode === 0;
}

export async function isEnabled(host: Host, unit: string): Promise<boolean> {
  if (!(await host.which('systemctl'))) return false;
  const r = await host.run('systemctl', ['is-enabled', '--quiet', unit]);
  return r.exitCode === 0;
}

async function verb(host: Host, args: string[]): Promise<{ ok: boolean; output: string }> {
  if (!(await host.which('systemctl'))) return { ok: false, output: 'systemctl is not installed' };
  const r = await host.run('systemctl', args, { timeoutMs: 90_000 });
  return { ok: r.exitCode === 0, output: (r.stderr || r.stdout).trim() };
}

export const daemonReload = (host: Host) => verb(host, ['daemon-reload']);
export const restart = (host: Host, unit: string) => verb(host, ['restart', unit]);
export const start = (host: Host, unit: string) => verb(host, ['start', unit]);
export const stop = (host: Host, unit: string) => verb(host, ['stop', unit]);
export const enable = (host: Host, unit: string) => verb(host, ['enable', unit]);

/** Is systemctl there to ask at all (a real systemd, or a stand-in on PATH)? */
export async function hasSystemctl(host: Host): Promise<boolean> {
  return (await host.which('systemctl')) !== undefined;
}

/**
 * Is the unit enabled, disabled, or unknown to systemd? (`is-enabled` only looks, so it also
 * answers during --dry-run)
 */
export async function unitFileState(host: Host, unit: string): Promise<'enabled' | 'disabled' | 'missing' | 'no-systemctl'> {
  if (!(await host.which('systemctl'))) return 'no-systemctl';
  const r = await host.run('systemctl', ['is-enabled', `${unit}.service`]);
  if (r.exitCode === 0) return 'enabled';
  return /no such file|not found|could not be found/i.test(r.stderr) ? 'missing' : 'disabled';
}

/** The unit's last journal lines, or undefined when there is no journalctl to ask. */
export async function journal(host: Host, unit: string, lines = 20): Promise<string | undefined> {
  if (!(await host.which('journalctl'))) return undefined;
  const r = await host.run('journalctl', ['-u', unit, '-n', String(lines), '--no-pager', '-o', 'cat'], { timeoutMs: 15_000 });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}
