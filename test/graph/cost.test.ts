import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Adam,
  add,
  backward,
  fft,
  gelu,
  init,
  matmul,
  rfft,
  spectralMul,
  square,
  sum,
  type Runtime,
  type Tensor,
} from '../../src/index';
import { plan } from '../../src/graph/planner';
import type { KernelStyle } from '../../src/gpu/target';
import { installCounter, prototypesOf } from '../../bench/webgpu_counter';

/** The summed declared cost of a one-op graph planned for one lowering. */
function costOf(t: Tensor, kernels: KernelStyle) {
  const p = plan([t], [], { kernels });
  const sum = (k: 'read' | 'write' | 'flops') => p.dispatches.reduce((s, d) => s + d.cost[k], 0);
  return { read: sum('read'), write: sum('write'), flops: sum('flops'), n: p.dispatches.length };
}

describe('declared costs', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  it('matmul: operands re-read per tile of each lowering, 2 M N K FLOPs', () => {
    // [2, 37, 19] x [19, 70]: M 37, K 19, N 70, batch 2.
    const y = matmul(rt.zeros([2, 37, 19]), rt.zeros([19, 70]));
    const out = 4 * 2 * 37 * 70;
    const flops = 2 * 2 * 37 * 70 * 19;
    // lane: 2 x 5 x 9 blocks of 8 x 8, each loading 8 + 8 floats per k.
    expect(costOf(y, 'lane')).toEqual({ read: 4 * 90 * 19 * 16, write: out, flops, n: 1 });
    // workgroup: A read once per 64-column tile (2), B once per 64-row tile (1), per batch.
    const wg = 4 * 2 * 19 * (2 * 37 + 1 * 70);
    expect(costOf(y, 'workgroup')).toEqual({ read: wg, write: out, flops, n: 1 });
  });

  it('fft: each pass reads and writes the line; pruned bins are not written; 5 N log2 N', () => {
    // rfft of 3 real lines of 16 keeping 5 bins: one dispatch in both lowerings.
    const z = rfft(rt.zeros([3, 16]), { nOut: 5 });
    const one = { read: 3 * 16 * 4, write: 3 * 5 * 8, flops: 5 * 3 * 16 * 4, n: 1 };
    expect(costOf(z, 'lane')).toEqual(one);
    expect(costOf(z, 'workgroup')).toEqual(one);
    // A complex line of 2048 on 'workgroup': radices 4 4 4 4 4 2, one pass each through memory.
    const f = fft(rt.zeros([1, 2048], { dtype: 'complex64' }));
    const line = 2048 * 8;
    expect(costOf(f, 'workgroup')).toEqual({
      read: 6 * line,
      write: 6 * line,
      flops: 5 * 2048 * 11,
      n: 6,
    });
  });

  it('spectral_mul: only the kept modes are read, per register tile; the whole output written', () => {
    // x [3, 5, 8, 5], w [5, 6, 4, 3]: 12 kept modes, tiles of 2 batch x 4 channels (2 x 2 tiles).
    const c = { dtype: 'complex64' as const };
    const y = spectralMul(rt.zeros([3, 5, 8, 5], c), rt.zeros([5, 6, 4, 3], c));
    const expected = {
      read: 8 * 12 * 4 * 5 * (2 + 4),
      write: 8 * 3 * 6 * 8 * 5,
      flops: 8 * 12 * 3 * 6 * 5,
      n: 1,
    };
    expect(costOf(y, 'lane')).toEqual(expected);
  });

  it('elementwise: a broadcast input is read once per output element', () => {
    const s = add(rt.zeros([4, 1]), rt.zeros([1, 6]));
    expect(costOf(s, 'lane')).toEqual({ read: 24 * 8, write: 24 * 4, flops: 24, n: 1 });
    const g = gelu(rt.zeros([10]));
    expect(costOf(g, 'lane')).toEqual({ read: 40, write: 40, flops: 40, n: 1 });
  });
});

describe('step cost and ideal bytes', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  /** x [4, 3] -> matmul w1 [3, 5] -> gelu -> matmul w2 [5, 2] -> sum of squares. */
  function mlp() {
    const x = rt.zeros([4, 3]);
    const w1 = rt.zeros([3, 5], { requiresGrad: true });
    const w2 = rt.zeros([5, 2], { requiresGrad: true });
    const h = matmul(x, w1);
    const o = matmul(gelu(h), w2);
    return { x, w1, w2, o, loss: sum(square(o)) };
  }

  it('a forward step: leaves read once, the output written once', async () => {
    const { o } = mlp();
    const step = await rt.compile({ outputs: [o] });
    // x 48 + w1 60 + w2 40 read, o 32 written.
    expect(step.cost.ideal).toBe(48 + 60 + 40 + 32);
    expect(step.cost.dispatches).toBe(step.dispatchCount);
    expect(step.cost.ratio).toBeCloseTo(step.cost.bytes / step.cost.ideal, 12);
    step.destroy();
  });

  it('a training step adds parameter and state writes and the saved activations', async () => {
    const { w1, w2, loss } = mlp();
    backward(loss);
    const adam = new Adam([w1, w2]);
    const step = await rt.compile({ outputs: [loss], updates: [adam] });
    const leaves = 48 + 60 + 40 + 2 * (60 + 40); // x, w1, w2, Adam's m and v read
    const updated = 60 + 40 + 2 * (60 + 40); // w1, w2, m, v written
    // h [4, 5] (gelu's derivative), gelu(h) [4, 5] (w2's gradient), o [4, 2] (square's).
    const saved = 2 * (80 + 80 + 32);
    expect(step.cost.ideal).toBe(leaves + updated + 4 + saved);
    const profile = await step.profile();
    expect(profile.reduce((s, d) => s + d.read + d.write, 0)).toBe(step.cost.bytes);
    expect(profile.reduce((s, d) => s + d.flops, 0)).toBe(step.cost.flops);
    step.destroy();
  });

  it('the WebGPU counter sees the dispatches and bound bytes the plan says', async () => {
    const counter = installCounter(prototypesOf(rt.device));
    try {
      const { w1, w2, loss } = mlp();
      backward(loss);
      const step = await rt.compile({ outputs: [loss], updates: [new Adam([w1, w2])] });
      counter.reset();
      step.run();
      step.run();
      const seen = counter.read();
      expect(seen.dispatches).toBe(2 * step.dispatchCount);
      expect(seen.boundBytes).toBe(2 * step.cost.bound);
      step.destroy();
    } finally {
      counter.uninstall();
    }
  });
});
