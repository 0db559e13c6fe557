/**
 * `wgno convert`: runs tools/convert_checkpoint.py (PyTorch checkpoint <-> safetensors) with the
 * system's Python, which must have torch; everything else about the conversion lives there.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WgnoError } from '../errors';

/** The script ships next to dist/ (package root/tools). */
function scriptPath(): string {
  for (const rel of ['../tools/convert_checkpoint.py', '../../tools/convert_checkpoint.py']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new WgnoError('convert', 'tools/convert_checkpoint.py is missing from this installation');
}

export function convert(args: string[], python = process.env.PYTHON ?? 'python3'): number {
  const r = spawnSync(python, [scriptPath(), ...args], { stdio: 'inherit' });
  if (r.error)
    throw new WgnoError(
      'convert',
      `could not run ${python} (${r.error.message}); install Python 3 with PyTorch, or set PYTHON`,
    );
  return r.status ?? 1;
}
