import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, add, gelu, init, matmul, mul, reshape, sum, type Runtime } from '../../src/index';
import type { Tensor } from '../../src/index';
import { plan } from '../../src/graph/planner';

// Epilogue fusion beyond matmul + GELU: through a reshape of the product (a channel MLP), and into
// a binary op (an FNO block's skip add before its GELU). Fused and unfused plans must agree.
describe('planner fusion of elementwise chains', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());
  const labels = (outs: Tensor[]) =>
    plan(outs, [], rt.target).dispatches.map((d) => d.label.split('#')[0]);
  const data = (n: number, seed: number) => new Rng(seed).normals(n);
  async function worstDiff(a: Tensor, aOuts: Tensor[], b: Tensor, bOuts: Tensor[]) {
    const sa = await rt.compile({ outputs: aOuts });
    const sb = await rt.compile({ outputs: bOuts });
    sa.run();
    sb.run();
    const [x, y] = await Promise.all([a.read(), b.read()]);
    sa.destroy();
    sb.destroy();
    return x.reduce((w, v, i) => Math.max(w, Math.abs(v - y[i])), 0);
  }

  it('folds a GELU into the matmul through a reshape read only by it', async () => {
    const x = rt.tensor(data(2 * 6 * 35, 1), [2, 6, 35]);
    const w = rt.tensor(data(9 * 6, 2), [9, 6]);
    const b = rt.tensor(data(9, 3), [9, 1]);
    const y = () => reshape(matmul(w, x, { bias: b }), [2, 9, 5, 7]);
    const fused = gelu(y());
    expect(labels([fused])).toEqual(['matmul+gelu']);
    // Kept as an output, or read by a second op, the reshape's source stays apart.
    const r = y();
    const apart = gelu(r);
    expect(labels([apart, r])).toEqual(['matmul', 'gelu']);
    expect(await worstDiff(fused, [fused], apart, [apart, r])).toBeLessThan(1e-6);
    const twice = y();
    expect(labels([gelu(twice), sum(twice)])).toContain('gelu');
  });

  it('folds a GELU into the add or mul it alone reads (broadcast operands too)', async () => {
    const a = rt.tensor(data(2 * 4 * 33, 4), [2, 4, 33]);
    const s = rt.tensor(data(4, 5), [4, 1]);
    const fused = gelu(add(a, mul(a, s)));
    expect(labels([fused])).toEqual(['mul', 'add+gelu']);
    const sumAB = add(a, mul(a, s));
    const apart = gelu(sumAB);
    expect(labels([apart, sumAB])).toEqual(['mul', 'add', 'gelu']);
    expect(await worstDiff(fused, [fused], apart, [apart, sumAB])).toBeLessThan(1e-6);
  });

  it('leaves a complex add apart (its store has no GELU)', () => {
    const z = rt.tensor(data(16, 6), [4, 2], { dtype: 'complex64' });
    // gelu takes f32 only, so a complex sum never meets one: the shape rule refuses first.
    expect(() => gelu(add(z, z))).toThrow(/gelu/);
  });
});
