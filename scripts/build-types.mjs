// The package's type declarations: one bundled file, dist/types/wgno.d.ts, made by
// rolldown-plugin-dts (TypeScript's declarations of src/, bundled). A single file with no relative
// imports reads the same under every moduleResolution (nodenext, node16, bundler), which tsc's
// per-file output, whose imports have no extensions, does not. It references @webgpu/types, a
// dependency, for the GPU* globals in the public API.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'rolldown';
import { dts } from 'rolldown-plugin-dts';
import { repoRoot } from './run-util.mjs';

const outDir = join(repoRoot, 'dist/types');
rmSync(outDir, { recursive: true, force: true });
await build({
  cwd: repoRoot,
  input: { wgno: join(repoRoot, 'src/index.ts') },
  plugins: [dts({ tsconfig: join(repoRoot, 'tsconfig.build.json'), emitDtsOnly: true })],
  output: { dir: outDir, format: 'es' },
  logLevel: 'warn',
  checks: { pluginTimings: false },
});
const file = join(outDir, 'wgno.d.ts');
writeFileSync(file, `/// <reference types="@webgpu/types" />\n${readFileSync(file, 'utf8')}`);
