/**
 * GAOT's two radius searches with the existing geometry (no new search code): the encoder's
 * (each latent token of a 64 x 64 grid on [-1, 1]^2, its physical points within r) and the
 * decoder's (each physical point, its tokens within r). radiusNeighbors searches queries among
 * data either way round; the decoder's graph is also the encoder's transpose (same r: transposeCsr
 * lists encoder edges, whose rows are the tokens), which is the encoder Neighborhoods' byPoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, Rng, type Runtime } from '../../src/index';
import { radiusNeighbors } from '../../src/geometry/neighbors';
import { radiusNeighborhoods } from '../../src/geometry/neighborhoods';
import { transposeCsr } from '../../src/geometry/csr';
import { bruteForceNeighbors } from '../../src/geometry/reference';

/** GAOT's latent tokens: a side x side grid on [-1, 1]^2, 'ij' order (x slowest). */
function tokenGrid(side: number): Float32Array {
  const t = new Float32Array(2 * side * side);
  for (let i = 0; i < side; i++)
    for (let j = 0; j < side; j++) {
      t[2 * (i * side + j)] = -1 + (2 * i) / (side - 1);
      t[2 * (i * side + j) + 1] = -1 + (2 * j) / (side - 1);
    }
  return t;
}

describe('GAOT radius search: points -> 64 x 64 tokens and back', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  const tokens = tokenGrid(64);
  const points = new Float32Array(new Rng(3).uniforms(2 * 700, -1, 1));
  const r = 0.066; // two token spacings: a few points per token, a few tokens per point

  it('encoder and decoder graphs equal brute force, and the decoder is the encoder transposed', async () => {
    const enc = await radiusNeighbors(
      rt,
      { coords: tokens, dim: 2 },
      { coords: points, dim: 2 },
      r,
    );
    const dec = await radiusNeighbors(
      rt,
      { coords: points, dim: 2 },
      { coords: tokens, dim: 2 },
      r,
    );
    const encRef = bruteForceNeighbors(tokens, points, 2, r);
    const decRef = bruteForceNeighbors(points, tokens, 2, r);
    const [e, d] = [await enc.read(), await dec.read()];
    expect(Array.from(e.rowSplits)).toEqual(Array.from(encRef.rowSplits));
    expect(Array.from(e.index)).toEqual(Array.from(encRef.index));
    expect(Array.from(d.rowSplits)).toEqual(Array.from(decRef.rowSplits));
    expect(Array.from(d.index)).toEqual(Array.from(decRef.index));
    expect(e.index.length).toBeGreaterThan(700); // every point near some token
    const t = await (await transposeCsr(rt, enc)).read();
    expect(Array.from(t.rowSplits)).toEqual(Array.from(d.rowSplits));
    // The transpose lists encoder edges; each edge's token (its encoder row) is the decoder's index.
    const tokenOf = new Int32Array(e.index.length);
    for (let k = 0; k + 1 < e.rowSplits.length; k++)
      tokenOf.fill(k, e.rowSplits[k], e.rowSplits[k + 1]);
    expect(Array.from(t.index, (edge) => tokenOf[edge])).toEqual(Array.from(d.index));
    enc.destroy();
    dec.destroy();
  });

  it("the encoder Neighborhoods' byPoint relation groups the same edges as the decoder's rows", async () => {
    const nb = await radiusNeighborhoods(
      rt,
      { coords: tokens, dim: 2 },
      { coords: points, dim: 2 },
      r,
    );
    const decRef = bruteForceNeighbors(points, tokens, 2, r);
    expect(nb.byPoint.rows).toBe(700);
    expect(Array.from(await nb.byPoint.splits.readIndices())).toEqual(Array.from(decRef.rowSplits));
    nb.destroy();
  });
});
