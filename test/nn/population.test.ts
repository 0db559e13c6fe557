import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, Rng, type Runtime } from '../../src/index';
import { PopulationFNN, fnnLayout } from '../../src/nn/population';
import { philoxNormals } from '../../src/random_philox';
import { relL2 } from '../util/compare';

describe('PopulationFNN', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  it('member i of the population equals the FNN run alone with its weights', async () => {
    const pop = new PopulationFNN(rt, {
      population: 5,
      layerSizes: [3, 8, 7, 2],
      activation: 'tanh',
      seed: 4,
    });
    const rng = new Rng(1);
    const x = rt.tensor(rng.normals(4 * 3), [4, 3]);
    const y = await pop.forward(x).read();
    expect(pop.forward(x).shape).toEqual([5, 4, 2]);
    for (let i = 0; i < 5; i++) {
      const alone = await (await pop.member(i)).forward(x).read();
      expect(relL2(y.subarray(i * 8, i * 8 + 8), alone)).toBeLessThan(1e-6);
    }
    // Per-member inputs [P, B, in].
    const xs = rt.tensor(rng.normals(5 * 2 * 3), [5, 2, 3]);
    const ys = await pop.forward(xs).read();
    const x3 = await xs.read();
    const m3 = await pop.member(3);
    const alone3 = await m3.forward(rt.tensor(x3.subarray(18, 24), [2, 3])).read();
    expect(relL2(ys.subarray(12, 16), alone3)).toBeLessThan(1e-6);
  });

  it('initial weights are the Philox draw of the layout; members differ', async () => {
    const pop = new PopulationFNN(rt, {
      population: 3,
      layerSizes: [2, 4, 1],
      activation: 'relu',
      seed: 9,
    });
    const layout = fnnLayout([2, 4, 1]);
    expect(layout.map((s) => [s.name, s.offset, s.size])).toEqual([
      ['linears.0.weight', 0, 8],
      ['linears.0.bias', 8, 4],
      ['linears.1.weight', 12, 4],
      ['linears.1.bias', 16, 1],
    ]);
    expect(pop.genomeSize).toBe(17);
    const sd = await pop.memberStateDict(2);
    const w1 = sd.get('linears.1.weight')!.data;
    expect(Array.from(w1)).toEqual(
      Array.from(
        philoxNormals(9 + 2 * 2 ** 32, 4, { offset: 12, std: Math.fround(Math.sqrt(2 / 5)) }),
      ),
    );
    expect(Array.from(sd.get('linears.0.bias')!.data)).toEqual([0, 0, 0, 0]);
    const sd0 = await pop.memberStateDict(0);
    expect(sd0.get('linears.0.weight')!.data).not.toEqual(sd.get('linears.0.weight')!.data);
  });

  it('setMember writes one member; errors name the member range and shapes', async () => {
    const pop = new PopulationFNN(rt, { population: 4, layerSizes: [2, 3, 1], activation: 'tanh' });
    const donor = await pop.memberStateDict(0);
    await pop.setMember(2, donor);
    expect((await pop.memberStateDict(2)).get('linears.0.weight')!.data).toEqual(
      donor.get('linears.0.weight')!.data,
    );
    await expect(pop.memberStateDict(4)).rejects.toThrow(/member 4 is not in \[0, 4\)/);
    expect(() => pop.forward(rt.tensor(new Float32Array(6), [2, 3]))).toThrow(
      /\[B, 2\] or \[4, B, 2\]/,
    );
    expect(
      () => new PopulationFNN(rt, { population: 0, layerSizes: [2, 1], activation: 'tanh' }),
    ).toThrow(/population must be an integer >= 1/);
  });

  it('P = 1000 policies 4-16-16-1 in one Step; members match their FNN', async () => {
    const P = 1000;
    const pop = new PopulationFNN(rt, {
      population: P,
      layerSizes: [4, 16, 16, 1],
      activation: 'tanh',
      seed: 2,
    });
    const obs = rt.tensor(new Rng(3).normals(P * 4), [P, 1, 4]);
    const act = pop.forward(obs);
    const step = await rt.compile({ outputs: [act] });
    step.run();
    const y = await act.read();
    const o = await obs.read();
    for (const i of [0, 517, 999]) {
      const alone = await (
        await pop.member(i)
      )
        .forward(rt.tensor(o.subarray(4 * i, 4 * i + 4), [1, 4]))
        .read();
      expect(Math.abs(y[i] - alone[0])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(alone[0])));
    }
  });
});
