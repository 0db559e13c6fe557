/**
 * The Navier-Stokes rows of issue 5: GPU solver steps against FNO prediction steps at 64, 128 and
 * 256 (the FNO paper's claim: FNO 0.005 s against 2.2 s for the solver at 256^2, per time unit).
 * A solver row replays 100 solver steps (dt = 1e-4, i.e. 1/100 of a time unit) in one submit; an
 * FNO row is one prediction step (one time unit) of the paper's FNO-2D (modes 12, width 20, 10
 * input steps + 2 grid channels, batch 1). Weights are random: speed does not depend on them.
 */
import { describe } from 'vitest';
import { FNO, Rng, init } from '../src/index';
import { NavierStokes2d } from '../src/pde/navier_stokes';
import { sampleGrf2d } from '../src/pde/grf';
import { benchStep, calibrate, writeMeta, type StepCase } from './harness';

const rt = await init();
const rng = new Rng(3);

async function solverCase(n: number): Promise<StepCase> {
  const ns = await NavierStokes2d.create(rt, { n, batch: 1, substeps: 100 });
  ns.setVorticity(sampleGrf2d(rng, n, 1));
  return calibrate(rt, `ns solver 100 steps ${n}x${n}`, ns.advanceStep, {});
}

async function fnoCase(n: number): Promise<StepCase> {
  const model = new FNO(rt, {
    nModes: [12, 12],
    inChannels: 10,
    outChannels: 1,
    hiddenChannels: 20,
    seed: 1,
  });
  const x = rt.tensor(rng.normals(10 * n * n, 1), [1, 10, n, n]);
  const step = await rt.compile({ outputs: [model.forward(x)], label: `fno ${n}` });
  return calibrate(rt, `fno2d predict 1 time unit ${n}x${n}`, step, {});
}

const cases: StepCase[] = [];
for (const n of [64, 128, 256]) cases.push(await solverCase(n), await fnoCase(n));
await writeMeta(rt, 'ns', cases);
describe('navier-stokes', () => cases.forEach((c) => benchStep(rt, c, 3)));
