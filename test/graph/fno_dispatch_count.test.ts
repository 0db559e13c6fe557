/**
 * Dispatches of an FNO-2D training step (the bench's model at 32x32, batch 2), from the plan: the
 * optimizer's share is what Adam's foreach cuts. `H7_LIST=1` prints the breakdown by op
 * (docs/benchmarks.md has it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, FNO, init, lpLoss, type Runtime } from '../../src/index';
import { plan } from '../../src/graph/planner';

/** Dispatch counts by label with the tensor ids dropped ('matmul+gelu', 'update:adam'). */
function byOp(ds: readonly { label: string }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of ds)
    m.set(d.label.replace(/#\d+/g, ''), (m.get(d.label.replace(/#\d+/g, '')) ?? 0) + 1);
  return m;
}

describe('FNO-2D training step dispatches', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  it('Adam updates its 40 parameters in ceil(40 / per-dispatch) launches', () => {
    const model = new FNO(rt, {
      nModes: [12, 12],
      inChannels: 10,
      outChannels: 1,
      hiddenChannels: 20,
      nLayers: 4,
      seed: 3,
    });
    const x = rt.zeros([2, 10, 32, 32]);
    const loss = lpLoss(model.forward(x), rt.zeros([2, 1, 32, 32]));
    loss.backward();
    const params = model.parameters().length;
    const per = Math.min(3, Math.floor(rt.device.limits.maxStorageBuffersPerShaderStage / 4));
    const counts = (foreach: boolean) =>
      byOp(plan([loss], new Adam(model.namedParameters(), { foreach }).updates()).dispatches);
    const one = counts(false);
    const many = counts(true);
    if (process.env.H7_LIST)
      for (const m of [one, many]) console.log([...m].sort((a, b) => b[1] - a[1]).join(' '));
    expect(params).toBe(40);
    expect(one.get('update:adam')).toBe(params);
    expect(many.get('update:adam')).toBe(Math.ceil(params / per));
    many.delete('update:adam');
    one.delete('update:adam');
    expect(many).toEqual(one);
  });
});
