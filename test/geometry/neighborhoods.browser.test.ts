/**
 * GPU search -> message passing: radiusNeighborhoods gives exactly the relations buildCsr makes
 * from the brute-force CSR, so an IntegralTransform over either gives the same bits, forward and
 * backward.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IntegralTransform,
  Rng,
  backward,
  buildCsr,
  init,
  neighborhoods,
  sum,
  type Neighborhoods,
  type Runtime,
} from '../../src/index';
import { radiusNeighborhoods } from '../../src/geometry/neighborhoods';
import { bruteForceNeighbors } from '../../src/geometry/reference';
import { expectWgnoError } from '../util/errors';

describe('radiusNeighborhoods', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  const rng = new Rng(11);
  const y = rng.uniforms(2 * 300, 0, 1); // 300 data points in the unit square
  const x = rng.uniforms(2 * 120, 0, 1); // 120 queries
  const r = 0.09;

  it('builds the same relations as buildCsr from the brute-force CSR', async () => {
    const nb = await radiusNeighborhoods(rt, { coords: x, dim: 2 }, { coords: y, dim: 2 }, r);
    const ref = bruteForceNeighbors(x, y, 2, r);
    const host = buildCsr(ref.rowSplits, ref.index, 300);
    expect([nb.m, nb.n, nb.nnz]).toEqual([120, 300, ref.index.length]);
    for (const [gpu, cpu] of [
      [nb.byQuery, host.byQuery],
      [nb.byPoint, host.byPoint],
    ] as const) {
      expect(gpu.rows).toBe(cpu.rows);
      for (const k of ['index', 'perm', 'splits'] as const)
        expect(Array.from(await gpu[k].readIndices())).toEqual(Array.from(cpu[k]));
    }
    nb.destroy();
  });

  it('an IntegralTransform over it equals one over the CPU-built neighbourhoods, bit for bit', async () => {
    const run = async (nb: Neighborhoods) => {
      const gno = new IntegralTransform(rt, {
        channelMlpLayers: [4, 8, 3],
        transformType: 'linear',
        seed: 3,
      });
      const fY = rt.tensor(new Rng(5).normals(300 * 3), [300, 3], { requiresGrad: true });
      const out = gno.forward({
        y: rt.tensor(y, [300, 2]),
        x: rt.tensor(x, [120, 2]),
        fY,
        neighbors: nb,
      });
      backward(sum(out));
      const res = [await out.read(), await fY.grad!.read()];
      nb.destroy();
      return res;
    };
    const ref = bruteForceNeighbors(x, y, 2, r);
    const cpu = await run(neighborhoods(rt, { ...ref, nPoints: 300 }));
    const gpu = await run(
      await radiusNeighborhoods(rt, { coords: x, dim: 2 }, { coords: y, dim: 2 }, r),
    );
    expect(gpu[0]).toEqual(cpu[0]);
    expect(gpu[1]).toEqual(cpu[1]);
  });

  it('says so when the radius finds no edges', async () => {
    const far = { coords: [10, 10], dim: 2 };
    await expect(radiusNeighborhoods(rt, far, { coords: y, dim: 2 }, 0.01)).rejects.toThrow(
      /no edges/,
    );
    expectWgnoError(() => buildCsr([0, 0], [], 1), 'buildCsr', /empty/);
  });
});
