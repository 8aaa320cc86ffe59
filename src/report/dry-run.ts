// After a --dry-run: what would have been written, removed and run, in order.

import type { HostAction } from '../host/host.js';
import type { Reporter } from './reporter.js';

export function printDryRunActions(report: Reporter, actions: readonly HostAction[]): void {
  if (actions.length === 0) {
    report.print('[dry-run] nothing would be changed');
    return;
  }
  const lines = actions.map((a) => {
    switch (a.kind) {
      case 'write':
        return `[dry-run] would write ${a.path} (mode ${a.mode.toString(8).padStart(4, '0')}, ${a.bytes} bytes)`;
      case 'mkdir':
        return `[dry-run] would create directory ${a.path} (mode ${a.mode.toString(8).padStart(4, '0')})`;
      case 'chmod':
        return `[dry-run] would chmod ${a.path} to ${a.mode.toString(8).padStart(4, '0')}`;
      case 'chown':
        return `[dry-run] would chown ${a.path} to ${a.uid}:${a.gid}`;
      case 'symlink':
        return `[dry-run] would link ${a.path} to ${a.target}`;
      case 'remove':
        return `[dry-run] would remove ${a.path}`;
      case 'run':
        return `[dry-run] would run: ${[a.command, ...a.args].join(' ')}`;
    }
  });
  report.print(lines.join('\n'));
}
