/**
 * A deep ensemble trained as one population: one compiled Step whose loss is the sum of the
 * members' losses, Adam. Member p's gradient is then its own loss's gradient and Adam acts
 * elementwise, so the population's training is each member's training alone, done at once: the
 * test checks that, and that an ensemble of 2 tiny FNOs learns a tiny problem (a circular
 * smoothing operator on 16 points).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, Adam, Rng, square, sub, type Runtime } from '../../src/index';
import { sum } from '../../src/ops/reduce';
import { FNO, type FNOConfig } from '../../src/models/fno';
import { PopulationFNO } from '../../src/models/fno_population';
import { relL2 } from '../util/compare';

const cfg: FNOConfig = {
  nModes: [4],
  inChannels: 1,
  outChannels: 1,
  hiddenChannels: 4,
  nLayers: 1,
  seed: 3,
};
const [B, N] = [4, 16];

/** x random, y = (x[i-1] + 2 x[i] + x[i+1]) / 4 (periodic): a smooth linear operator. */
function data(rng: Rng) {
  const x = rng.normals(B * N);
  const y = new Float32Array(B * N);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < N; i++) {
      const at = (j: number) => x[b * N + ((j + N) % N)];
      y[b * N + i] = (at(i - 1) + 2 * at(i) + at(i + 1)) / 4;
    }
  return { x, y };
}

describe('FNO ensemble as one population', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  it('equals its members trained alone, and learns the tiny problem', async () => {
    const { x, y } = data(new Rng(1));
    const xt = rt.tensor(x, [B, 1, N]);
    const yt = rt.tensor(y, [B, 1, N]);
    const P = 2;
    const ens = new PopulationFNO(rt, cfg, P);
    const loss = sum(square(sub(ens.forward(xt), yt))); // [P, B, 1, N] - [B, 1, N]: sum of members'
    loss.backward();
    const step = await rt.compile({
      outputs: [loss],
      updates: [new Adam(ens.namedParameters(), { lr: 0.02 })],
    });
    const alone = Array.from({ length: P }, (_, p) => new FNO(rt, { ...cfg, seed: cfg.seed! + p }));
    const losses = alone.map((m) => sum(square(sub(m.forward(xt), yt))));
    losses.forEach((l) => l.backward());
    const steps = await Promise.all(
      alone.map((m, p) =>
        rt.compile({
          outputs: [losses[p]],
          updates: [new Adam(m.namedParameters(), { lr: 0.02 })],
        }),
      ),
    );
    step.run();
    const first = (await loss.read())[0];
    for (let k = 1; k < 40; k++) step.run();
    for (const s of steps) for (let k = 0; k < 40; k++) s.run();
    const last = (await loss.read())[0];
    expect(last).toBeLessThan(0.2 * first); // 51.7 -> 6.1 when written
    for (let p = 0; p < P; p++) {
      const mine = await ens.memberStateDict(p);
      for (const [name, h] of await alone[p].stateDict())
        expect(relL2(mine.get(name)!.data, h.data), `${name} of member ${p}`).toBeLessThan(1e-3);
    }
  });
});
