// The Navier-Stokes demo's shipped solver history (models/ns2d-fno-32/history.safetensors), so
// the FNO predicts from the first second instead of after 10 time units of solving (about a
// minute on a CPU adapter): one trajectory from the demo's own initial field (the Gaussian random
// field with seed 0 at the model's grid, 32 x 32), solved by wgno's NavierStokes2d with the demo's
// dt = 1e-3 and recorded at t = 1..10, in `wgno ns-generate`'s layout: a [1, 32, 32] the initial
// vorticity, u [1, 32, 32, 10] record k at time k + 1, the options (seed included) as metadata.
// Rerun it whenever the solver changes (test/app/ns_history.test.ts checks the file against it).
//   node tools/make_demo_history.mjs [out]   (after npm ci, which builds dist/)
import { writeFileSync } from 'node:fs';
import { generateNavierStokes, init, writeNsDataset } from '../dist/wgno.js';

const out = process.argv[2] ?? 'models/ns2d-fno-32/history.safetensors';
const rt = await init();
try {
  const ds = await generateNavierStokes(rt, {
    count: 1,
    res: 32,
    solverRes: 32,
    t: 10,
    dt: 1e-3,
    seed: 0,
  });
  ds.metadata.generator = 'tools/make_demo_history.mjs (wgno NavierStokes2d)';
  writeFileSync(out, writeNsDataset(ds));
  console.log(`wrote ${out}: a [1, 32, 32], u [1, 32, 32, 10], seed 0, dt 1e-3`);
} finally {
  rt.destroy();
}
