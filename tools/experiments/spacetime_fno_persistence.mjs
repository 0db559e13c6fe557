// Refinement from persistence, physics only: a SpaceTimeFNO whose output layer is zeroed predicts
// frame 10 held for t = 11..20; refine() then fits the widened layer's complex bias (weights
// frozen by lrWeight 0), which alone can represent any band-limited space-time correction, to the
// H^-1 Navier-Stokes residual of [frame 10, prediction]. No training data or trained model.
//
//   WGNO_DIST=/tmp/wgno-dist/wgno.js node tools/experiments/spacetime_fno_persistence.mjs \
//     DATA.safetensors TRAJECTORY ITERATIONS LR_BIAS [spectral|implicit]
import { readFile } from 'node:fs/promises';
const lib = await import(process.env.WGNO_DIST ?? '../../dist/wgno.js');
const { init, SpaceTimeFNO, refine, readSafetensors } = lib;
const [path, idx, iters, lrB, mode] = [
  process.argv[2],
  Number(process.argv[3]),
  Number(process.argv[4]),
  Number(process.argv[5]),
  process.argv[6] ?? 'spectral',
];
const u = readSafetensors(new Uint8Array(await readFile(path))).get('u');
const [, s, , T] = u.shape;
const rt = await init();
const model = new SpaceTimeFNO(rt, {
  modesX: 2,
  modesY: 2,
  modesT: 2,
  width: 4,
  numSpectralLayers: 2,
  latentSteps: 10,
  outputSteps: 10,
  fftNorm: 'forward',
  delta: 1,
});
for (const w of model.outputOperator.conv.weights) w.write(new Float32Array(2 * w.size));
for (const b of model.outputOperator.conv.biases) b.write(new Float32Array(2 * b.size));
const x = new Float32Array(s * s * 10),
  y = new Float32Array(s * s * 10);
for (let p = 0; p < s * s; p++)
  for (let k = 0; k < 10; k++) {
    x[p * 10 + k] = u.data[(idx * s * s + p) * T + k];
    y[p * 10 + k] = u.data[(idx * s * s + p) * T + 10 + k];
  }
const rel = (a) => {
  const o = [];
  for (let k = 0; k < 10; k++) {
    let n = 0,
      d = 0;
    for (let p = 0; p < s * s; p++) {
      n += (a[p * 10 + k] - y[p * 10 + k]) ** 2;
      d += y[p * 10 + k] ** 2;
    }
    o.push(Math.sqrt(n / d));
  }
  return o;
};
const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
const t0 = performance.now();
const res = await refine(model, rt.tensor(x, [1, s, s, 10]), {
  dt: 1,
  iterations: iters,
  progressEvery: Math.max(1, iters / 10),
  lrWeight: 0,
  lrBias: lrB,
  timeDerivative: mode,
  modes: [s / 2, s / 2, 12],
  onProgress: async (i, r, pred) =>
    console.log(
      JSON.stringify({
        i,
        residual: r,
        relL2: mean(rel(await pred.read())),
        sec: ((performance.now() - t0) / 1000).toFixed(1),
      }),
    ),
});
console.log(JSON.stringify({ final: rel(await res.prediction.read()) }));
rt.destroy();
