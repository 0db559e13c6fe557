/**
 * PopulationFNO: member i of the population equals neuraloperator's FNO run alone with member i's
 * weights, forward and gradients, for P = 1, 3 and an edge shape (1-D, domain padding, per-member
 * inputs, a lifting ratio of 0, one block); initial weights equal FNO(seed + i)'s exactly; state
 * dicts move both ways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grad, init, mul, Rng, type Runtime, type Tensor } from '../../src/index';
import { FNO, type FNOConfig } from '../../src/models/fno';
import { PopulationFNO } from '../../src/models/fno_population';
import { sum } from '../../src/ops/reduce';
import { relL2 } from '../util/compare';

const small: FNOConfig = {
  nModes: [4, 4],
  inChannels: 2,
  outChannels: 1,
  hiddenChannels: 4,
  nLayers: 2,
  seed: 7,
};
const edge: FNOConfig = {
  nModes: [5],
  inChannels: 1,
  outChannels: 2,
  hiddenChannels: 3,
  nLayers: 1,
  liftingChannelRatio: 0,
  domainPadding: 0.25,
  seed: 2,
};

describe('PopulationFNO', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  /** Forward and every parameter's gradient of member i against the FNO alone. */
  async function checkMembers(cfg: FNOConfig, P: number, xShape: number[], perMember: boolean) {
    const pop = new PopulationFNO(rt, cfg, P);
    const rng = new Rng(11);
    const xAll = rng.normals(xShape.reduce((a, b) => a * b, 1));
    const x = rt.tensor(xAll, xShape);
    const y = pop.forward(x);
    const per = y.size / P;
    const c = rt.tensor(rng.normals(y.size), y.shape); // a random cotangent per member
    const params = pop.parameters();
    const grads = grad([sum(mul(y, c))], params);
    const [yv, cv] = [await y.read(), await c.read()];
    const gv = await Promise.all(grads.map((g) => g.read()));
    const one = perMember ? xShape.slice(1) : xShape;
    const xn = one.reduce((a, b) => a * b, 1);
    for (let i = 0; i < P; i++) {
      const fno = await pop.member(i);
      const xi = perMember ? rt.tensor(xAll.slice(i * xn, (i + 1) * xn), one) : x;
      const yi = fno.forward(xi);
      expect(relL2(yv.subarray(i * per, (i + 1) * per), await yi.read())).toBeLessThan(1e-5);
      const ci = rt.tensor(cv.subarray(i * per, (i + 1) * per), yi.shape);
      const named = fno.namedParameters();
      const gi = grad(
        [sum(mul(yi, ci))],
        named.map(([, t]) => t),
      );
      for (const [k, [name, t]] of named.entries()) {
        const words = t.dtype === 'complex64' ? 2 : 1;
        const n = t.size * words;
        const mine = gv[k].subarray(i * n, (i + 1) * n);
        expect(pop.namedParameters()[k][0]).toBe(name);
        expect(relL2(mine, await gi[k].read()), `${name} of member ${i}`).toBeLessThan(1e-4);
      }
    }
    return pop;
  }

  it('P = 1: the population of one is the FNO (forward and gradients)', async () => {
    await checkMembers(small, 1, [2, 2, 8, 8], false);
  });

  it('P = 3, shared inputs: every member equals its FNO (forward and gradients)', async () => {
    const pop = await checkMembers(small, 3, [2, 2, 8, 8], false);
    expect(pop.forward(rt.zeros([2, 2, 8, 8])).shape).toEqual([3, 2, 1, 8, 8]);
  });

  it('edge: 1-D, domain padding, no lifting hidden layer, one block, per-member inputs', async () => {
    await checkMembers(edge, 3, [3, 1, 1, 10], true);
  });

  it('member i starts with FNO(seed + i) weights exactly; loadMembers / memberStateDict round trip', async () => {
    const pop = new PopulationFNO(rt, small, 3);
    for (const i of [0, 2]) {
      const want = await new FNO(rt, { ...small, seed: 7 + i }).stateDict();
      const got = await pop.memberStateDict(i);
      expect([...got.keys()]).toEqual([...want.keys()]);
      for (const [k, h] of want) expect(got.get(k)!.data, k).toEqual(h.data);
    }
    const sds = await Promise.all([2, 1, 0].map((i) => pop.memberStateDict(i)));
    const other = new PopulationFNO(rt, { ...small, seed: 100 }, 3);
    other.loadMembers(sds);
    const back = await other.memberStateDict(0);
    for (const [k, h] of sds[0]) expect(back.get(k)!.data, k).toEqual(h.data);
  });

  it('errors name what was wrong and what is valid', async () => {
    const pop = new PopulationFNO(rt, small, 2);
    expect(() => pop.forward(rt.zeros([3, 2, 2, 8, 8]))).toThrow(
      /PopulationFNO: input \[3, 2, 2, 8, 8\] must be \[B, 2, 2 spatial axes\] or \[2, B, 2, \.\.\.\]/,
    );
    expect(() => new PopulationFNO(rt, small, 0)).toThrow(/population must be an integer >= 1/);
    expect(() => pop.loadMembers([])).toThrow(/loadMembers needs 2 state_dicts/);
    const sd = await pop.memberStateDict(0);
    sd.delete('projection.fcs.1.bias');
    expect(() => pop.loadMembers([sd, sd])).toThrow(
      /member 0's state_dict needs 'projection.fcs.1.bias' of shape \[1\] \(f32\), it is missing/,
    );
    await expect(pop.memberStateDict(2)).rejects.toThrow(/member 2 is not in \[0, 2\)/);
    const t: Tensor = rt.zeros([1, 2, 8, 8]);
    expect(pop.forward(t).shape).toEqual([2, 1, 1, 8, 8]);
  });
});
