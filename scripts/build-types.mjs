// The package's type declarations: one bundled file, dist/types/wgno.d.ts, made by
// rolldown-plugin-dts (TypeScript's declarations of src/, bundled). A single file with no relative
// imports reads the same under every moduleResolution (nodenext, node16, bundler), which tsc's
// per-file output, whose imports have no extensions, does not. It references @webgpu/types, a
// dependency, for the GPU* globals in the public API.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'rolldown';
import { dts } from 'rolldown-plugin-dts';
import ts from 'typescript';
import { repoRoot } from './run-util.mjs';

/**
 * Ops declare their attributes by augmenting the registry's OpAttrs (`declare module
 * '../graph/registry' { interface OpAttrs { ... } }`). The bundler keeps those blocks as they are,
 * but in one file the relative name resolves to nothing (a type error for every user without
 * skipLibCheck). The registry is inside the bundle, so the blocks' bodies are unwrapped: interfaces
 * of one name in one file merge exactly as the augmentation did.
 * Pitfall: a type the block names (e.g. NoAttrs) must also be used by something the module
 * exports; otherwise its import is dropped, the bundler renames the registry's declaration
 * (NoAttrs$1) around the free name, and the unwrapped block names an undeclared type
 * (test/package's type-check fails with TS2552). src/ops/topk.ts exports its defs for this.
 */
export function unwrapRelativeAugmentations(text) {
  const file = ts.createSourceFile('wgno.d.ts', text, ts.ScriptTarget.Latest, true);
  const blocks = file.statements.filter(
    (s) => ts.isModuleDeclaration(s) && ts.isStringLiteral(s.name) && s.name.text.startsWith('.'),
  );
  let out = text;
  for (const block of blocks.reverse()) {
    const body = block.body.statements.map((s) => s.getFullText(file)).join('');
    out = out.slice(0, block.getStart(file)) + body.trim() + out.slice(block.getEnd());
  }
  return out;
}

const outDir = join(repoRoot, 'dist/types');
rmSync(outDir, { recursive: true, force: true });
await build({
  cwd: repoRoot,
  input: { wgno: join(repoRoot, 'src/index.ts') },
  plugins: [dts({ tsconfig: join(repoRoot, 'tsconfig.build.json'), emitDtsOnly: true })],
  output: { dir: outDir, format: 'es' },
  logLevel: 'warn',
  checks: { pluginTimings: false },
  // The relative `declare module` blocks it warns about are unwrapped below.
  onLog: (level, log, handle) => {
    if (!/Relative module declaration/.test(log.message)) handle(level, log);
  },
});
const file = join(outDir, 'wgno.d.ts');
const text = unwrapRelativeAugmentations(readFileSync(file, 'utf8'));
writeFileSync(file, `/// <reference types="@webgpu/types" />\n${text}`);
