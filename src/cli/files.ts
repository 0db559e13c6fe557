/**
 * The command's files: inputs read with errors that name the file and what is wrong with it, and
 * outputs checked before any long work starts (a directory where a file goes, a missing or
 * read-only folder), so a run never computes for an hour and then fails to write.
 */
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { WgnoError } from '../errors';

/** Node's system errors (ENOENT, EISDIR, EACCES, ENOSPC, ...) carry a code like this. */
export function isSystemError(e: unknown): e is Error & { code: string } {
  const code: unknown = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

function reason(e: unknown): string {
  if (!isSystemError(e)) return String(e);
  const known: Record<string, string> = {
    ENOENT: 'does not exist',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'read-only file system',
    ENOTDIR: 'a part of the path is not a folder',
    ENOSPC: 'no space left on the device',
  };
  return known[e.code] ?? e.message;
}

/** `path` must be an existing file (not a folder); `what` names it in errors ("--data"). */
export async function checkInputFile(op: string, path: string, what: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw new WgnoError(op, `${what} ${path}: ${reason(e)}`);
  }
  if (info.isDirectory()) throw new WgnoError(op, `${what} ${path} is a folder; expected a file`);
}

/** The bytes of `path`, with checkInputFile's errors. */
export async function readInputFile(op: string, path: string, what: string): Promise<Uint8Array> {
  await checkInputFile(op, path, what);
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new WgnoError(op, `cannot read ${what} ${path}: ${reason(e)}`);
  }
}

/** Creates and removes a probe file: unlike access(W_OK) this also catches root on a read-only mount. */
async function checkWritableDir(op: string, dir: string, what: string): Promise<void> {
  const probe = join(dir, `.wgno-probe-${process.pid}`);
  try {
    await (await open(probe, 'wx')).close();
    await rm(probe, { force: true });
  } catch (e) {
    throw new WgnoError(op, `${what}: cannot write into ${dir}: ${reason(e)}`);
  }
}

/** An output file (written atomically later): not a folder, in an existing writable folder. */
export async function checkOutputFile(op: string, path: string, what: string): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (info?.isDirectory()) throw new WgnoError(op, `${what} ${path} is a folder; give a file name`);
  const dir = dirname(resolve(path));
  const parent = await stat(dir).catch(() => null);
  if (!parent?.isDirectory())
    throw new WgnoError(op, `${what} ${path}: the folder ${dir} does not exist`);
  await checkWritableDir(op, dir, `${what} ${path}`);
}

/** An output folder: created if missing; an existing file there is an error. */
export async function prepareOutputDir(op: string, dir: string, what: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (info && !info.isDirectory())
    throw new WgnoError(op, `${what} ${dir} is a file; it must be a folder (or not exist yet)`);
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new WgnoError(op, `${what}: cannot create the folder ${dir}: ${reason(e)}`);
  }
  await checkWritableDir(op, dir, `${what} ${dir}`);
}

/** One line for a system error that escaped a command (e.g. the disk filled up mid-write). */
export function describeSystemError(e: Error & { code: string }): string {
  const path = (e as { path?: string }).path;
  return path ? `${path}: ${reason(e)}` : e.message;
}
