/**
 * Darcy data generation (src/pde/darcy.ts): one batched Jacobi-PCG solve of -div(a grad u) = 1 on
 * s x s nodes for thresholded Neumann-GRF coefficients (the FNO paper's Darcy data), tol 1e-6,
 * convergence checked every 25 iterations. A sample is one whole `solve()` (upload, iterations,
 * readback of u); divide by the batch for the time per field. The printed line gives the CG
 * iteration counts, which set the work (5 dispatches per iteration).
 */
import { bench, describe } from 'vitest';
import { init } from '../src/index';
import { DarcySolver } from '../src/pde/darcy';
import { thresholdCoefficient } from '../src/pde/darcy_dataset';
import { sampleGrfNeumann } from '../src/pde/grf_neumann';
import { Rng } from '../src/random';
import { adapterLine } from './harness';

const rt = await init();
console.log(`[bench] adapter: ${adapterLine(rt)}`);

const cases: { name: string; solver: DarcySolver; a: Float32Array }[] = [];
for (const [s, batch] of [
  [64, 1],
  [64, 8],
  [128, 8],
]) {
  const solver = await DarcySolver.create(rt, { s, batch });
  const a = thresholdCoefficient(sampleGrfNeumann(new Rng(s), s, batch));
  const { iterations } = await solver.solve(a); // warm-up: pipelines compiled
  console.log(`[bench] darcy s=${s} batch=${batch}: CG iterations ${iterations.join(', ')}`);
  cases.push({ name: `darcy solve s=${s} batch=${batch}`, solver, a });
}

describe('darcy', () => {
  for (const c of cases)
    bench(c.name, async () => void (await c.solver.solve(c.a)), { iterations: 3, time: 0 });
});
