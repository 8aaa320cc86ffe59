// What is wrong with a path the node or the user gave, as an error for people: one table from
// a file's type or an errno to a message naming the path and a hint, so that a directory, a
// FIFO, a device, a dangling link or an unreadable file never reaches the "bug" handler.

import { HostError } from '../errors.js';

/** the kind of thing found where a regular file was expected (from lstat/stat), or undefined for a regular file */
export type PathKind = 'directory' | 'fifo' | 'socket' | 'character device' | 'block device' | 'dangling symlink' | 'file';

export interface TypeBits {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}

export function kindOf(s: TypeBits): PathKind {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'directory';
  if (s.isFIFO()) return 'fifo';
  if (s.isSocket()) return 'socket';
  if (s.isCharacterDevice()) return 'character device';
  return 'block device';
}

/** what to call the path in a message: the node path, and where it really is under --rootfs */
export function pathLabel(nodePath: string, realPath: string): string {
  return nodePath === realPath ? nodePath : `${nodePath} (${realPath} under --rootfs)`;
}

const NOT_A_FILE_HINT: Record<Exclude<PathKind, 'file'>, string> = {
  directory: 'give the path of a file, not of a directory (or remove the directory if mini-kubeadm is to write the file there)',
  fifo: 'a named pipe is never read (it could block); give the path of a regular file',
  socket: 'give the path of a regular file, not of a socket',
  'character device': 'give the path of a regular file, not of a device',
  'block device': 'give the path of a regular file, not of a device',
  'dangling symlink': 'the link points at nothing: fix or remove the link, or give the path of the file itself',
};

/** a path that exists but is not a regular file where one is needed */
export function notAFile(nodePath: string, realPath: string, kind: Exclude<PathKind, 'file'>, target?: string): HostError {
  const what = kind === 'dangling symlink' ? `a symbolic link to ${target ?? 'a path'} that does not exist` : kind === 'fifo' ? 'a named pipe (FIFO)' : `a ${kind}`;
  return new HostError(`PATH_NOT_A_FILE`, `${pathLabel(nodePath, realPath)} is ${what}, not a regular file`, NOT_A_FILE_HINT[kind]);
}

/** the --rootfs directory, when it is not one */
export function badRootfs(rootfs: string, what: string): HostError {
  return new HostError('ROOTFS', `--rootfs ${rootfs}: ${what}`, 'give the directory that holds the node\'s root file system (its /etc, /var, /proc ...)');
}

/** a file whose size or time changed between the start and the end of reading it */
export function changedWhileRead(nodePath: string, realPath: string): HostError {
  return new HostError('PATH_CHANGED', `${pathLabel(nodePath, realPath)} changed while it was read`, 'something else writes this file; wait until it is done (or stop it) and run the command again');
}

/**
 * A read is whole when the file's size and time did not move and every byte came: files of
 * /proc and /sys say size 0 and a time of "now", and are taken as read.
 */
export function unchangedDuringRead(before: { size: number; mtimeMs: number }, after: { size: number; mtimeMs: number }, bytes: number): boolean {
  if (before.size === 0 && after.size === 0) return true;
  return before.size === after.size && before.mtimeMs === after.mtimeMs && bytes === after.size;
}

/** errno codes of node:fs that say something about the path rather than about mini-kubeadm */
const ERRNO: Record<string, { what: (op: string) => string; hint: string }> = {
  EACCES: { what: (op) => `permission denied (${op})`, hint: 'run as root, or make the path readable (and its directories searchable) by this user' },
  EPERM: { what: (op) => `operation not permitted (${op})`, hint: 'run as root; an immutable (chattr +i) or protected file must be freed first' },
  EISDIR: { what: (op) => `is a directory (${op})`, hint: 'a file is expected at this path: remove or move the directory' },
  ENOTDIR: { what: (op) => `a part of the path is a file, not a directory (${op})`, hint: 'a directory is expected along this path: remove or move the file that stands in its place' },
  EEXIST: { what: (op) => `something that is not a directory stands along the path, where a directory is needed (${op})`, hint: 'remove or move the file that stands in the directory\'s place' },
  ELOOP: { what: (op) => `too many levels of symbolic links (${op})`, hint: 'a symbolic link along this path points back at itself: fix the link' },
  ENOENT: { what: (op) => `a directory along the path is missing, or is a symbolic link to nothing (${op})`, hint: 'fix or remove the dangling symbolic link along this path' },
  ENAMETOOLONG: { what: (op) => `the name is too long (${op})`, hint: 'give a shorter path' },
  EROFS: { what: (op) => `the file system is read-only (${op})`, hint: 'remount it read-write, or choose a path on a writable file system' },
  ENOSPC: { what: (op) => `no space left on the device (${op})`, hint: 'free space on that file system and run the command again' },
  EBUSY: { what: (op) => `the path is busy (${op}), e.g. a mount point`, hint: 'unmount what is mounted there, then run the command again' },
  ENXIO: { what: (op) => `no such device or address (${op})`, hint: 'give the path of a regular file' },
};

/** an errno from node:fs about nodePath as a HostError, or the error unchanged when it says nothing about the path */
export function pathTrouble(e: unknown, op: string, nodePath: string, realPath: string): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const row = code === undefined ? undefined : ERRNO[code];
  if (!row) return e;
  return new HostError(`PATH_${code}`, `${pathLabel(nodePath, realPath)}: ${row.what(op)}`, row.hint, e);
}
