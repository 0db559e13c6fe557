import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { init, type Runtime } from '../../src/index';
import { attention } from '../../src/ops/attention';
import { Rng } from '../../src/random';
import { opSuite, type OpCase } from './harness';

// The first case of each lowering compiles its pipelines: SwiftShader takes 40-50 s per
// 'workgroup' attention kernel on an idle core (barriers become coroutines), minutes under load.
vi.setConfig({ testTimeout: 300_000 });

/** [B, Nq, Nk, C, heads]: the head dim is C / heads. */
type Dims = [number, number, number, number, number];

function attnCase(
  [b, nq, nk, c, heads]: Dims,
  extra: { note?: string; scale?: number; tol?: number; gradTol?: number; logits?: number } = {},
): OpCase {
  const rng = new Rng(nq * 131 + nk * 7 + c);
  const big = extra.logits;
  const data = (n: number) => (big ? rng.normals(n).map((x) => x * big) : undefined);
  return {
    name: `attention B ${b}, Nq ${nq}, Nk ${nk}, C ${c}, heads ${heads}${extra.note ? `, ${extra.note}` : ''}`,
    inputs: [
      { shape: [b, nq, c], data: data(b * nq * c) },
      { shape: [b, nk, c], data: data(b * nk * c) },
      { shape: [b, nk, c] },
    ],
    fn: (q, k, v) => attention(q, k, v, { heads, scale: extra.scale }),
    tol: extra.tol,
    gradTol: extra.gradTol,
  };
}

const cases: OpCase[] = [
  attnCase([1, 1, 1, 1, 1], { note: 'N = 1, D = 1' }),
  attnCase([2, 7, 13, 6, 3], { note: 'Nq != Nk, primes' }),
  attnCase([1, 13, 7, 3, 3], { note: 'D = 1' }),
  attnCase([2, 5, 1, 4, 1], { note: 'one key' }),
  attnCase([1, 1, 9, 8, 2], { note: 'one query' }),
  // Over one 64-row tile in queries and keys, neither dividing: partial tiles on every side.
  attnCase([1, 67, 70, 8, 2], { note: 'partial row and key tiles' }),
  // The largest head dim: 16 keys (15 queries in dk/dv) per staged tile, so 37 keys make 3 tiles.
  attnCase([1, 20, 37, 128, 1], { note: 'D = 128' }),
  attnCase([2, 6, 5, 12, 3], { note: 'scale 0.7', scale: 0.7 }),
  // Logits in the thousands: the online softmax must not overflow; f32 rounding of a score of
  // ~1e3 is ~1e-4 absolute, which the nearly one-hot probabilities carry.
  attnCase([1, 9, 11, 8, 2], { note: 'inputs x 30', logits: 30, tol: 1e-3, gradTol: 2e-3 }),
  {
    name: 'self-attention: q = k = v (one tensor, gradients from three uses)',
    inputs: [{ shape: [1, 6, 6] }],
    fn: (x) => attention(x, x, x, { heads: 2 }),
  },
];

for (const kernels of ['lane', 'workgroup'] as const)
  opSuite(`attention (${kernels})`, cases, { kernels });

describe('attention errors and determinism', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  const z = (...shape: number[]) => rt.zeros(shape);
  it('names what is wrong and what is valid', () => {
    const a = z(1, 4, 6);
    expect(() => attention(z(4, 6), a, a, { heads: 1 })).toThrow(/must be rank 3, \[B, N, C\]/);
    expect(() => attention(a, a, a, { heads: 4 })).toThrow(
      /heads = 4 must be a positive divisor of C = 6/,
    );
    expect(() => attention(a, z(1, 5, 6), a, { heads: 1 })).toThrow(/k has 5 keys but v has 4/);
    expect(() => attention(a, z(2, 4, 6), z(2, 4, 6), { heads: 1 })).toThrow(/batch sizes differ/);
    expect(() => attention(a, z(1, 4, 5), z(1, 4, 5), { heads: 1 })).toThrow(
      /channel counts differ/,
    );
    const wide = z(1, 2, 258);
    expect(() => attention(wide, wide, wide, { heads: 1 })).toThrow(
      /head dim .* = 258 exceeds 128/,
    );
    expect(() => attention(a, a, a, { heads: 2, scale: NaN })).toThrow(/scale must be a finite/);
  });

  it('gives the same bits on every run', async () => {
    const rng = new Rng(5);
    const [q, k, v] = [0, 1, 2].map(() => rt.tensor(rng.normals(2 * 70 * 16), [2, 70, 16]));
    const y = attention(q, k, v, { heads: 2 });
    const step = await rt.compile({ outputs: [y] });
    step.run();
    const first = await y.read();
    step.run();
    expect(await y.read()).toEqual(first);
  });
});
