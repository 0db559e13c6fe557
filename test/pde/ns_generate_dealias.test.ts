/**
 * `wgno ns-generate --dealias`: each convention reaches the solver (the data match the float64
 * reference run with the same convention and not the other), is recorded in the file's metadata,
 * and a wrong value is an error before any work.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSafetensors } from '../../src/io/safetensors';
import { solveNsReference } from '../../src/pde/ns_reference';
import { wgno } from '../cli/run';
import { relL2 } from '../util/compare';

const dir = mkdtempSync(join(tmpdir(), 'wgno-ns-dealias-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tiny = ['--n', '1', '--res', '8', '--solver-res', '8', '--t', '1', '--dt', '0.01'];

describe('wgno ns-generate --dealias', () => {
  it('rejects a value that is not a convention', async () => {
    const r = await wgno('ns-generate', ...tiny, '--dealias', 'both', '--out', join(dir, 'x'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--dealias must be nonlinear or state, got 'both'/);
  });

  it('generates with either convention, as the float64 reference does', async () => {
    const u: Record<string, Float32Array> = {};
    for (const dealias of ['nonlinear', 'state'] as const) {
      const out = join(dir, `${dealias}.safetensors`);
      const r = await wgno(
        'ns-generate',
        ...tiny,
        '--seed',
        '3',
        '--dealias',
        dealias,
        '--out',
        out,
      );
      expect(r.status, r.stderr).toBe(0);
      const { tensors, metadata } = parseSafetensors(readFileSync(out));
      expect(metadata.dealias).toBe(dealias);
      u[dealias] = tensors.get('u')!.data; // [1, 8, 8, 1]: the field at t = 1
      const a = tensors.get('a')!.data; // the initial vorticity (res = solver-res: not subsampled)
      const opts = { nu: 1e-3, dt: 0.01, steps: 100, recordEvery: 100 };
      const [want] = solveNsReference(a, 8, { ...opts, dealias });
      const err = relL2(u[dealias], want);
      console.log(`--dealias ${dealias}: rel L2 ${err.toExponential(2)} against the reference`);
      expect(err).toBeLessThan(1e-6);
    }
    expect(relL2(u.state, u.nonlinear)).toBeGreaterThan(1e-3); // the option made a difference
  });
});
