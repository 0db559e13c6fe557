/** The browser build's stand-in for node_fs.ts (vite.config.ts swaps it in): no file system. */
import { WgnoError } from '../errors';
import type { NodeFs } from './node_fs';

export async function nodeFs(op: string): Promise<NodeFs> {
  throw new WgnoError(
    op,
    'reads and writes files by path only in Node; in a page, fetch the bytes (or use a File) and pass them instead',
  );
}
