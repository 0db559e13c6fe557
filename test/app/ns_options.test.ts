/** The Navier-Stokes demo's options: the grid defaults by adapter, the error panel's scale. */
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/app/ns_options';

const urls = { weightsUrl: 'w.safetensors', configUrl: 'config.json' };

describe('resolveOptions', () => {
  it('defaults to the 32 grid on a CPU adapter and 64 on a GPU; an explicit grid wins', () => {
    expect(resolveOptions(urls, true).cfg.grid).toBe(32);
    expect(resolveOptions(urls, false).cfg.grid).toBe(64);
    expect(resolveOptions({ ...urls, grid: 128 }, true).cfg.grid).toBe(128);
  });

  it("gives the error panel a quarter of the fields' range unless told otherwise", () => {
    expect(resolveOptions({ ...urls, range: 3 }, true).cfg.errorRange).toBe(0.75);
    expect(resolveOptions({ ...urls, errorRange: 0.1 }, true).cfg.errorRange).toBe(0.1);
    expect(() => resolveOptions({ ...urls, errorRange: 0 }, true)).toThrow(
      'mountNavierStokes: errorRange = 0; need a finite value > 0',
    );
  });
});
