// Spectral-Refiner on held-out Navier-Stokes windows: a trained SpaceTimeFNO's plain prediction
// (t = 11..20 from t = 1..10) against the refined one, per predicted step, with the H^-1 residual
// norm and the error along the iterations. Prints one JSON line per window and a summary.
//
//   WGNO_DIST=/tmp/wgno-dist/wgno.js node tools/experiments/spacetime_fno_refine.mjs \
//     --weights models/ns2d-refiner/weights.safetensors --config models/ns2d-refiner/config.json \
//     --data ns64_test.safetensors --n 2 [--iterations 100] [--variant spectral|implicit]
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

const lib = await import(process.env.WGNO_DIST ?? '../../dist/wgno.js');
const { init, SpaceTimeFNO, refine, readSafetensors } = lib;

const { values: arg } = parseArgs({
  options: {
    weights: { type: 'string' },
    config: { type: 'string' },
    data: { type: 'string' },
    first: { type: 'string', default: '0' },
    n: { type: 'string', default: '2' },
    iterations: { type: 'string', default: '100' },
    every: { type: 'string', default: '10' },
    variant: { type: 'string', default: 'spectral' },
    'lr-weight': { type: 'string', default: '' },
    'lr-bias': { type: 'string', default: '' },
    modes: { type: 'string', default: '' },
    anchor: { type: 'string', default: '' },
    schedule: { type: 'string', default: 'constant' },
    'drop-last': { type: 'string', default: '0' },
    alpha: { type: 'string', default: '' },
    'out-steps': { type: 'string', default: '10' },
  },
});
const [T_IN, T_OUT] = [10, 10];

/** Relative L2 over the grid of each frame, [T]. */
function perStep(pred, truth, s, t) {
  const out = [];
  for (let k = 0; k < t; k++) {
    let [num, den] = [0, 0];
    for (let p = 0; p < s * s; p++) {
      const [a, b] = [pred[p * t + k], truth[p * t + k]];
      num += (a - b) ** 2;
      den += b * b;
    }
    out.push(Math.sqrt(num / den));
  }
  return out;
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

const rt = await init();
const model = new SpaceTimeFNO(rt, JSON.parse(await readFile(arg.config, 'utf8')));
model.loadStateDict(readSafetensors(new Uint8Array(await readFile(arg.weights))));
const u = readSafetensors(new Uint8Array(await readFile(arg.data))).get('u');
const [, s, , tAll] = u.shape;
const rows = [];
for (let i = Number(arg.first); i < Number(arg.first) + Number(arg.n); i++) {
  const x = new Float32Array(s * s * T_IN);
  const y = new Float32Array(s * s * T_OUT);
  for (let p = 0; p < s * s; p++)
    for (let k = 0; k < T_IN; k++) {
      x[p * T_IN + k] = u.data[(i * s * s + p) * tAll + k];
      y[p * T_OUT + k] = u.data[(i * s * s + p) * tAll + T_IN + k];
    }
  const xt = rt.tensor(x, [1, s, s, T_IN]);
  const plain = perStep(await model.forward(xt, T_OUT).read(), y, s, T_OUT);
  const trace = [];
  const start = performance.now();
  const opts = {
    dt: 1,
    outSteps: T_OUT,
    iterations: Number(arg.iterations),
    progressEvery: Number(arg.every),
    timeDerivative: arg.variant,

    schedule: arg.schedule,
    dropLast: Number(arg['drop-last']),
    onProgress: async (it, r, pred) => {
      const point = { it, residual: r, relL2: mean(perStep(await pred.read(), y, s, T_OUT)) };
      trace.push(point);
      const at = ((performance.now() - start) / 1000).toFixed(1);
      console.error(JSON.stringify({ window: i, ...point, seconds: Number(at) })); // progress
    },
  };
  // Absent flags leave refine()'s defaults (tuned on models/ns2d-refiner).
  if (arg.alpha) opts.alpha = Number(arg.alpha);
  if (arg['lr-weight']) opts.lrWeight = Number(arg['lr-weight']);
  if (arg['lr-bias']) opts.lrBias = Number(arg['lr-bias']);
  if (arg.anchor) opts.anchor = Number(arg.anchor);
  if (arg.modes) opts.modes = arg.modes.split(',').map(Number);
  const refined = await refine(model, xt, opts);
  const seconds = (performance.now() - start) / 1000;
  const after = perStep(await refined.prediction.read(), y, s, T_OUT);
  refined.destroy();
  const row = { window: i, s, plain, refined: after, trace, seconds };
  rows.push(row);
  console.log(JSON.stringify(row));
}
const avg = (k) => rows[0][k].map((_, j) => mean(rows.map((r) => r[k][j])));
console.log(
  JSON.stringify({
    summary: true,
    variant: arg.variant,
    plainMean: mean(avg('plain')),
    refinedMean: mean(avg('refined')),
    plainPerStep: avg('plain'),
    refinedPerStep: avg('refined'),
    secondsPerWindow: mean(rows.map((r) => r.seconds)),
  }),
);
rt.destroy();
