/**
 * Node only: the file system, for the few functions that read or write files by path. The browser
 * build replaces this file with node_fs.browser.ts (see vite.config.ts), so browser bundles never
 * reference `node:*` modules.
 */
export type NodeFs = typeof import('node:fs/promises');

/** node:fs/promises; `_op` names the caller in the browser build's error. */
export async function nodeFs(_op: string): Promise<NodeFs> {
  return import('node:fs/promises');
}
