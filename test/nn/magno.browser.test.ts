/**
 * MAGNOEncoder and MAGNODecoder: shapes, GAOT's parameter names, the whole forward and backward
 * graph against the float64 reference evaluator, a non-zero gradient for every parameter, and the statistical geometry features
 * against a host computation written from GAOT's definition.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, mul, sum, type Runtime, type Tensor } from '../../src/index';
import { radiusNeighborhoods } from '../../src/geometry/neighborhoods';
import type { Neighborhoods } from '../../src/geometry/relations';
import { bruteForceNeighbors } from '../../src/geometry/reference';
import { evaluateReference } from '../../src/graph/reference';
import { MAGNODecoder, MAGNOEncoder, geometryFeatures } from '../../src/nn/magno';
import { Rng } from '../../src/random';
import { relL2 } from '../util/compare';

/** A side x side token grid on [-1, 1]^2 ('ij' order). */
function tokenGrid(side: number): Float32Array {
  const t = new Float32Array(2 * side * side);
  for (let i = 0; i < side * side; i++) {
    t[2 * i] = -1 + (2 * Math.floor(i / side)) / (side - 1);
    t[2 * i + 1] = -1 + (2 * (i % side)) / (side - 1);
  }
  return t;
}

/** GAOT's statistical features in float64, from the brute-force CSR (tokens -> points). */
function hostFeatures(points: Float32Array, tokens: Float32Array, r: number): number[][] {
  const { rowSplits, index } = bruteForceNeighbors(tokens, points, 2, r);
  const m = tokens.length / 2;
  const raw = Array.from({ length: m }, (_, q) => {
    const nbrs = Array.from(index.slice(rowSplits[q], rowSplits[q + 1]));
    if (nbrs.length === 0) return new Array<number>(7).fill(0);
    const [x0, x1] = [tokens[2 * q], tokens[2 * q + 1]];
    const avg = (f: (j: number) => number) => nbrs.reduce((s, j) => s + f(j), 0) / nbrs.length;
    const dist = (j: number) => Math.hypot(points[2 * j] - x0, points[2 * j + 1] - x1);
    const dAvg = avg(dist);
    const dVar = Math.max(avg((j) => dist(j) ** 2) - dAvg ** 2, 0);
    const c = [avg((j) => points[2 * j]), avg((j) => points[2 * j + 1])];
    const cov = (a: number, b: number) =>
      avg((j) => (points[2 * j + a] - c[a]) * (points[2 * j + b] - c[b]));
    const [a, b, d] = [cov(0, 0) + 1e-6, cov(0, 1), cov(1, 1) + 1e-6];
    const rad = Math.hypot((a - d) / 2, b);
    return [nbrs.length, dAvg, dVar, c[0] - x0, c[1] - x1, (a + d) / 2 + rad, (a + d) / 2 - rad];
  });
  return raw.map((row) =>
    row.map((v, k) => {
      const col = raw.map((rw) => rw[k]);
      const mu = col.reduce((s, u) => s + u, 0) / m;
      const sd = Math.sqrt(col.reduce((s, u) => s + (u - mu) ** 2, 0) / (m - 1));
      return (v - mu) / (sd < 1e-6 ? 1 : sd);
    }),
  );
}

describe('MAGNOEncoder', () => {
  let rt: Runtime;
  let nb: Neighborhoods;
  const rng = new Rng(21);
  const points = new Float32Array(rng.uniforms(2 * 90, -1, 1));
  const tokens = tokenGrid(6);
  const r = 0.45; // a few to a dozen points per token; corner tokens may have none
  const [tokenPts, pointPts] = [
    { coords: tokens, dim: 2 as const },
    { coords: points, dim: 2 as const },
  ];
  beforeAll(async () => {
    rt = await init();
    nb = await radiusNeighborhoods(rt, tokenPts, pointPts, r);
  });
  afterAll(() => {
    nb?.destroy();
    rt?.destroy();
  });

  it('geometry features equal a host computation of GAOT statistical embedding', async () => {
    const feats = geometryFeatures(rt.tensor(points, [90, 2]), rt.tensor(tokens, [36, 2]), nb);
    expect(feats.shape).toEqual([36, 7]);
    const want = hostFeatures(points, tokens, r).flat();
    expect(relL2(await feats.read(), want)).toBeLessThan(1e-4);
  });

  it('encoder (two scales) then decoder: forward and every gradient match the float64 reference', async () => {
    const enc = new MAGNOEncoder(rt, { inChannels: 3, outChannels: 8, hiddenSize: 16, seed: 4 });
    const dec = new MAGNODecoder(rt, { inChannels: 8, outChannels: 2, hiddenSize: 16, seed: 5 });
    const kernel = [0, 1, 2, 3].flatMap((k) => [
      `agno.channel_mlp.fcs.${k}.weight`,
      `agno.channel_mlp.fcs.${k}.bias`,
    ]);
    const tail = ['geoembed.mlp.0.weight', 'geoembed.mlp.0.bias', 'geoembed.mlp.2.weight'];
    const rest = [...tail, 'geoembed.mlp.2.bias', 'recovery.fcs.0.weight', 'recovery.fcs.0.bias'];
    expect(enc.namedParameters().map(([n]) => n)).toEqual([
      ...kernel,
      'lifting.fcs.0.weight',
      'lifting.fcs.0.bias',
      ...rest,
    ]);
    expect(dec.namedParameters().map(([n]) => n)).toEqual([
      ...kernel,
      'projection.fcs.0.weight',
      'projection.fcs.0.bias',
      ...rest,
    ]);
    const wide = await radiusNeighborhoods(rt, tokenPts, pointPts, 0.7);
    const back = await radiusNeighborhoods(rt, pointPts, tokenPts, r);
    const fData = rng.normals(2 * 90 * 3);
    const [y, x] = [rt.tensor(points, [90, 2]), rt.tensor(tokens, [36, 2])];
    const f = rt.tensor(fData, [2, 90, 3], { requiresGrad: true });
    const latent = enc.forward({ y, x, f, neighbors: [nb, wide] });
    expect(latent.shape).toEqual([2, 36, 8]);
    const out = dec.forward({ tokens: x, latent, queries: y, neighbors: back });
    expect(out.shape).toEqual([2, 90, 2]);
    const cData = rng.normals(out.size);
    const cot = rt.tensor(cData, out.shape);
    sum(mul(out, cot)).backward();
    const feeds = new Map<Tensor, Float64Array>([
      [y, Float64Array.from(points)],
      [x, Float64Array.from(tokens)],
      [f, Float64Array.from(fData)],
      [cot, Float64Array.from(cData)],
    ]);
    const params = [...enc.parameters(), ...dec.parameters()];
    for (const t of params) feeds.set(t, Float64Array.from(await t.read()));
    for (const n of [nb, wide, back])
      for (const rel of [n.byQuery, n.byPoint])
        for (const t of [rel.index, rel.perm, rel.splits])
          feeds.set(t, Float64Array.from(await t.readIndices()));
    const grads = [f, ...params].map((t) => t.grad!);
    const want = evaluateReference([out, ...grads], feeds);
    expect(relL2(await out.read(), want[0]), 'forward').toBeLessThan(1e-4);
    for (let i = 0; i < grads.length; i++) {
      const got = await grads[i].read();
      expect(relL2(got, want[i + 1]), `gradient ${i}`).toBeLessThan(1e-3);
      expect(
        got.some((v) => v !== 0),
        `gradient ${i} is non-zero`,
      ).toBe(true);
    }
    wide.destroy();
    back.destroy();
  });

  it('names wrong shapes', () => {
    const enc = new MAGNOEncoder(rt, { inChannels: 3 });
    const y = rt.tensor(points, [90, 2]);
    expect(() =>
      enc.forward({
        y,
        x: rt.tensor(tokens.slice(0, 70), [35, 2]),
        f: rt.tensor(new Float32Array(270), [1, 90, 3]),
        neighbors: nb,
      }),
    ).toThrow(/MAGNOEncoder: x \[35, 2\] must be \[m, 2\] with m = 36/);
    expect(() => new MAGNOEncoder(rt, { inChannels: 1, coordDim: 4 as 2 })).toThrow(
      /coordDim 4 must be 2 or 3/,
    );
  });
});
