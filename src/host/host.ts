// The one seam between mini-kubeadm and the machine: every file read or write and every
// command goes through a Host, so --rootfs, --dry-run and tests all act at one place.

export interface FileStat {
  isFile: boolean;
  isDirectory: boolean;
  mode: number;
  size: number;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** text for the command's standard input */
  input?: string;
  /** milliseconds before the command is killed */
  timeoutMs?: number;
  env?: Record<string, string>;
}

export type HostAction =
  | { kind: 'write'; path: string; mode: number; bytes: number; content: string }
  | { kind: 'mkdir'; path: string; mode: number }
  | { kind: 'remove'; path: string }
  | { kind: 'chmod'; path: string; mode: number }
  | { kind: 'chown'; path: string; uid: number; gid: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'run'; command: string; args: string[] };

/**
 * Paths are the node's own absolute paths (/etc/kubernetes/pki/ca.crt); a host decides
 * where they really live (under --rootfs) and whether anything is really done (--dry-run).
 */
export interface Host {
  readonly dryRun: boolean;
  /** file content, or undefined when there is no such file */
  readFile(path: string): Promise<Buffer | undefined>;
  readText(path: string): Promise<string | undefined>;
  stat(path: string): Promise<FileStat | undefined>;
  exists(path: string): Promise<boolean>;
  /** entry names, or [] when the directory does not exist */
  listDir(path: string): Promise<string[]>;
  /** atomic (temp file + rename); parents created 0755 unless they exist */
  writeFile(path: string, data: string | Buffer, mode: number): Promise<void>;
  mkdir(path: string, mode: number): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  /** numeric owner and group (the node's, from its /etc/passwd and /etc/group) */
  chown(path: string, uid: number, gid: number): Promise<void>;
  /** path becomes (atomically) a symbolic link to target, a node path taken as it is (not mapped under --rootfs) */
  symlink(target: string, path: string): Promise<void>;
  /** recursive, no error if missing */
  remove(path: string): Promise<void>;
  /** a command on the node; never throws for a non-zero exit (see exitCode), only when it cannot start */
  run(command: string, args: string[], opts?: RunOptions): Promise<RunResult>;
  /** is this command on PATH (or an absolute path that exists)? */
  which(command: string): Promise<string | undefined>;
  /** what was done (or, dry-run, would have been done), in order */
  readonly actions: readonly HostAction[];
}
