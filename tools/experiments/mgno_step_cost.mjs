// Seconds per training step of MgNO_DC and of the FNO (domain padding 0.125) on random data, the
// cost table of docs/mgno.md. One warm-up epoch (compilation included), then 2 epochs of 2 steps;
// prints CPU seconds of this process (Dawn's SwiftShader threads included) and wall seconds.
//
//   WGNO_DIST=$PWD/node_modules/.cache/mydist/wgno.js B=8 nice -n 3 \
//     node tools/experiments/mgno_step_cost.mjs 64 mgno 8      # grid, mgno | fno, channels / width
//   M=8 ... node tools/experiments/mgno_step_cost.mjs 64 fno 12   # M: FNO modes (default 12)
const dist = process.env.WGNO_DIST ?? '../../dist/wgno.js';
const { init, MgNO, FNO, Trainer, Adam } = await import(new URL(dist, import.meta.url).href);

const S = Number(process.argv[2] ?? 32);
const which = process.argv[3] ?? 'mgno';
const C = Number(process.argv[4] ?? 24);
const B = Number(process.env.B ?? 8);
const M = Number(process.env.M ?? 12);
const N = 2 * B;
const count = (m) =>
  m
    .parameters()
    .reduce(
      (n, t) => n + t.shape.reduce((a, b) => a * b, 1) * (t.dtype === 'complex64' ? 2 : 1),
      0,
    );

const rt = await init();
const levels = Math.log2(S / 4) + 1;
const numIteration = Array.from({ length: levels }, (_, l) => [l === levels - 1 ? 2 : 1, 0]);
const model =
  which === 'mgno'
    ? new MgNO(rt, {
        inChannels: 1,
        hiddenChannels: C,
        numLayers: 4,
        numIteration,
        paddingMode: 'zeros',
      })
    : new FNO(rt, {
        nModes: [M, M],
        inChannels: 1,
        outChannels: 1,
        hiddenChannels: C,
        nLayers: 4,
        domainPadding: 0.125,
      });
const x = new Float32Array(N * S * S).map(() => Math.random());
const y = new Float32Array(N * S * S).map(() => Math.random());
const tr = await Trainer.create({
  model,
  optimizer: new Adam(model.namedParameters(), { lr: 1e-3 }),
  inputs: { data: x, shape: [N, 1, S, S] },
  targets: { data: y, shape: [N, 1, S, S] },
  batchSize: B,
});
let t = performance.now();
await tr.fit(1);
const first = (performance.now() - t) / 1000;
t = performance.now();
const c0 = process.cpuUsage();
await tr.fit(2);
const c = process.cpuUsage(c0);
const steps = (2 * N) / B;
const wall = (performance.now() - t) / 1000 / steps;
console.log(
  `${which} s=${S} channels=${C} batch=${B} parameters=${count(model)}: first epoch ${first.toFixed(1)} s; ` +
    `${wall.toFixed(2)} s wall, ${((c.user + c.system) / 1e6 / steps).toFixed(2)} CPU s per step`,
);
rt.destroy();
