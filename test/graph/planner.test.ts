import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exp, gelu, init, matmul, neg, reshape, Rng, sum, type Runtime } from '../../src/index';
import { plan } from '../../src/graph/planner';

describe('planner', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  it('reuses slots along a chain: two buffers for any length', () => {
    const x = rt.tensor(new Float32Array(1000), [1000]);
    let y = x;
    for (let i = 0; i < 10; i++) y = i % 2 ? neg(y) : exp(y);
    const p = plan([y]);
    expect(p.slotBytes.length).toBe(2);
    expect(p.peakBytes).toBe(2 * 4096); // 4000 bytes rounded up to 256
    expect(p.naiveBytes).toBe(10 * 4096);
    expect(p.dispatches.length).toBe(10);
  });

  it('keeps every requested output to the end, in its own slot', () => {
    const x = rt.tensor(new Float32Array(64), [64]);
    const a = exp(x);
    const b = neg(a);
    const c = exp(b);
    const d = neg(c);
    const p = plan([a, d]);
    const sa = p.outputs.get(a)!;
    const sd = p.outputs.get(d)!;
    expect('slot' in sa && 'slot' in sd && sa.slot !== sd.slot).toBe(true);
    // a's slot is never handed to b, c or d.
    const writes = p.dispatches.map((pd) => pd.ranges[pd.ranges.length - 1].storage);
    expect(writes.filter((s) => 'slot' in s && 'slot' in sa && s.slot === sa.slot).length).toBe(1);
  });

  it('never binds a slot as both input and output of one dispatch', () => {
    const x = rt.tensor(new Float32Array(256), [16, 16]);
    let y = x;
    for (let i = 0; i < 6; i++) y = exp(reshape(y, i % 2 ? [16, 16] : [256]));
    const p = plan([sum(y)]);
    for (const pd of p.dispatches) {
      const slots = pd.ranges.map((r) => ('slot' in r.storage ? r.storage.slot : -1));
      const out = slots[slots.length - 1];
      expect(slots.slice(0, -1)).not.toContain(out);
    }
  });

  it('lets a reshape share the storage of its source (no kernel)', () => {
    const x = rt.tensor(new Float32Array(12), [3, 4]);
    const a = exp(x);
    const r = reshape(a, [12]);
    const p = plan([a, r]);
    expect(p.outputs.get(r)).toEqual(p.outputs.get(a));
    expect(p.dispatches.length).toBe(1);
  });

  describe('fusion', () => {
    const labels = (p: ReturnType<typeof plan>) => p.dispatches.map((d) => d.label.split('#')[0]);
    const data = (n: number, seed: number) => new Rng(seed).normals(n);

    for (const kernels of ['lane', 'workgroup'] as const)
      it(`folds a GELU that alone reads a matmul into its kernel (${kernels})`, async () => {
        const r = await init({ kernels });
        try {
          const x = r.tensor(data(37 * 6, 1), [37, 6]);
          const w = r.tensor(data(9 * 6, 2), [9, 6]);
          const b = r.tensor(data(9, 3), [9]);
          const z = matmul(x, w, { transB: true, bias: b });
          const fused = gelu(z);
          expect(labels(plan([fused], [], r.target))).toEqual(['matmul+gelu']);
          // The same GELU with the product kept as an output is not fused.
          const apart = gelu(matmul(x, w, { transB: true, bias: b }));
          const kept = apart.inputs[0];
          expect(labels(plan([apart, kept], [], r.target))).toEqual(['matmul', 'gelu']);
          const [f, a] = await Promise.all([
            r.compile({ outputs: [fused] }).then(async (s) => (s.run(), fused.read())),
            r.compile({ outputs: [apart, kept] }).then(async (s) => (s.run(), apart.read())),
          ]);
          let worst = 0;
          f.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - a[i]))));
          expect(worst).toBeLessThan(1e-6);
        } finally {
          r.destroy();
        }
      });

    it('leaves the pair apart when a backward pass reads the product', () => {
      const x = rt.tensor(data(12, 4), [4, 3]);
      const w = rt.tensor(data(6, 5), [2, 3], { requiresGrad: true });
      const loss = sum(gelu(matmul(x, w, { transB: true })));
      loss.backward();
      const l = labels(plan([loss, w.grad!], [], rt.target));
      expect(l).toContain('gelu');
      expect(l).not.toContain('matmul+gelu');
    });

    it('leaves a split-K product apart (its second pass has no epilogue)', () => {
      const a = rt.tensor(data(5 * 2100, 6), [5, 2100]);
      const b = rt.tensor(data(2100 * 3, 7), [2100, 3]);
      const l = labels(plan([gelu(matmul(a, b))], [], rt.target));
      expect(l).toEqual(['matmul', 'matmul', 'gelu']);
    });
  });
});
