/**
 * The published artefact: `npm run build` emits dist/wgno.js (WGSL inlined) and its types, and the
 * same API runs from it in Node through the `webgpu` package.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

it('builds dist/ and runs an FNO forward from it in Node', async () => {
  execFileSync(
    process.execPath,
    [`${root}node_modules/vite/bin/vite.js`, 'build', '--logLevel', 'error'],
    { cwd: root, stdio: 'pipe' },
  );
  expect(existsSync(`${root}dist/wgno.js`)).toBe(true);
  const lib = (await import(
    /* @vite-ignore */ pathToFileURL(`${root}dist/wgno.js`).href
  )) as typeof import('../src/index');
  const rt = await lib.init();
  try {
    const model = new lib.FNO(rt, {
      nModes: [4],
      inChannels: 1,
      outChannels: 1,
      hiddenChannels: 4,
      nLayers: 1,
    });
    const y = await model.forward(rt.tensor(new Float32Array(16).fill(1), [1, 1, 16])).read();
    expect(y.length).toBe(16);
    expect(y.every(Number.isFinite)).toBe(true);
  } finally {
    rt.destroy();
  }
});
