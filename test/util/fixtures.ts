/** Load a committed fixture file as bytes, in Node (fs) and in the browser (served by Vite). */
export async function loadFixture(path: string): Promise<Uint8Array> {
  const isNode =
    typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';
  if (isNode) {
    const fs = await import('node:fs/promises');
    return new Uint8Array(await fs.readFile(new URL(`../fixtures/${path}`, import.meta.url)));
  }
  const res = await fetch(`/test/fixtures/${path}`);
  if (!res.ok) throw new Error(`fixture ${path}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
