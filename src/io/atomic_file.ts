import { nodeFs } from './node_fs';

/**
 * Node only: write `bytes` to `path` atomically: to a temporary file beside it, flushed, then
 * renamed over it. An interrupted or failed write leaves neither a torn file at `path` nor the
 * temporary file. In the browser build it throws a WgnoError (see node_fs.ts).
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const fs = await nodeFs('writeFileAtomic');
  const tmp = `${path}.tmp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  try {
    const fh = await fs.open(tmp, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}
