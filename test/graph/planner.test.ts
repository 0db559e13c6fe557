import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exp, init, neg, reshape, sum, type Runtime } from '../../src/index';
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
});
