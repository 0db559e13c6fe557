// Physics-informed DeepONet for the diffusion-reaction equation u_t - 0.01 u_xx + 0.01 u^2 = v(x)
// on [0, 1]^2 with zero initial and boundary values, trained with no solution data (DeepXDE's
// examples/operator/diff_rec_aligned_pideeponet.py: branch [50, 128 x 3], trunk [2, 128 x 3],
// tanh, Adam 5e-4; its boundary and initial conditions are loss terms, --constraints soft).
// Every --resample iterations the batch gets fresh GRF forcings and Latin-hypercube points, so
// the operator sees many functions. Scored by the mean relative L2 error against the
// finite-difference reference (src/pde/diffusion_reaction.ts) on held-out forcings, on the
// 50 x 50 (x, t) grid. Results: docs/deeponet.md.
//
//   node_modules/.bin/vite build --logLevel error      # dist/wgno.js (or WGNO_DIST=path)
//   node tools/experiments/deeponet_diffusion_reaction.mjs [--iterations 2000] [--out r.json]
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

const w = await import(process.env.WGNO_DIST ?? '../../dist/wgno.js');
const { values: arg } = parseArgs({
  options: {
    iterations: { type: 'string', default: '2000' },
    functions: { type: 'string', default: '50' }, // B per batch (DeepXDE's batch_size)
    points: { type: 'string', default: '200' }, // N domain points per batch (num_domain)
    resample: { type: 'string', default: '100' },
    test: { type: 'string', default: '100' },
    sensors: { type: 'string', default: '50' },
    width: { type: 'string', default: '128' },
    depth: { type: 'string', default: '3' },
    lr: { type: 'string', default: '0.0005' },
    'lr-decay': { type: 'string', default: '1' }, // factor per --decay-every iterations
    'decay-every': { type: 'string', default: '1000' },
    constraints: { type: 'string', default: 'soft' },
    seed: { type: 'string', default: '0' },
    'eval-every': { type: 'string', default: '500' },
    out: { type: 'string' },
  },
});
const n = (k) => Number(arg[k]);
const [ITERS, B, N, M, W, DEPTH, SEED] = [
  'iterations',
  'functions',
  'points',
  'sensors',
  'width',
  'depth',
  'seed',
].map(n);
const HARD = arg.constraints === 'hard';
const t0 = performance.now();
const log = (...a) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1)} s]`, ...a);

function meanRelL2(pred, ref, per) {
  let total = 0;
  for (let s = 0; s < ref.length / per; s++) {
    let [a, b] = [0, 0];
    for (let i = s * per; i < (s + 1) * per; i++)
      [a, b] = [a + (pred[i] - ref[i]) ** 2, b + ref[i] ** 2];
    total += Math.sqrt(a / b);
  }
  return total / (ref.length / per);
}

const rt = await w.init();
const rng = new w.Rng(SEED);
const sampler = new w.DiffusionReactionSampler({ sensors: M });
const hidden = Array(DEPTH).fill(W);
const net = new w.DeepONetCartesianProd(rt, {
  branch: [M, ...hidden],
  trunk: [2, ...hidden],
  activation: 'tanh',
  seed: SEED,
});
const b0 = sampler.batch(rng, B, N);
const v = rt.tensor(b0.v, [B, M]);
const xt = rt.tensor(b0.xt, [B * N, 2], { requiresGrad: true });
const f = rt.tensor(b0.f, [B * N, 1]);
// DeepXDE's num_boundary 40 and num_initial 20, here evenly spaced
const edge = (k) => Array.from({ length: k }, (_, j) => j / (k - 1));
const boundary = rt.tensor(
  edge(20).flatMap((t) => [0, t, 1, t]),
  [40, 2],
);
const initial = rt.tensor(
  edge(20).flatMap((x) => [x, 0]),
  [20, 2],
);
const { loss, residual } = w.diffusionReactionLoss(net, {
  v,
  xt,
  f,
  boundary,
  initial,
  constraints: arg.constraints,
});
loss.backward();
const opt = new w.Adam(net.namedParameters(), { lr: n('lr') });
const step = await rt.compile({ outputs: [loss, residual], updates: [opt] });

const test = w.diffusionReactionData(new w.Rng(SEED + 1000), { count: n('test'), sensors: M });
const grid = new Float32Array(M * M * 2);
for (let k = 0; k < M; k++)
  for (let i = 0; i < M; i++) grid.set([test.x[i], test.t[k]], (k * M + i) * 2);
const gridT = rt.tensor(grid, [M * M, 2]);
const raw = net.forward(rt.tensor(test.v, [n('test'), M]), gridT);
// with hard constraints u = x (1 - x) t net(v, x, t)
const factor = new Float32Array(M * M).map(
  (_, r) => grid[2 * r] * (1 - grid[2 * r]) * grid[2 * r + 1],
);
const pred = HARD ? w.mul(raw, rt.tensor(factor, [1, M * M])) : raw;
const evalStep = await rt.compile({ outputs: [pred] });
log(`B ${B} x N ${N} points, width ${W} x ${DEPTH}, ${arg.constraints} constraints; compiled`);

const history = [];
let seconds = 0;
for (let it = 0; it < ITERS;) {
  const chunk = Math.min(n('eval-every'), ITERS - it);
  const start = performance.now();
  for (let k = 0; k < chunk; k++, it++) {
    if (it > 0 && it % n('resample') === 0) {
      const b = sampler.batch(rng, B, N);
      v.write(b.v);
      xt.write(b.xt);
      f.write(b.f);
    }
    if (it > 0 && it % n('decay-every') === 0) opt.lr *= n('lr-decay');
    step.run();
  }
  const [l, r] = [(await loss.read())[0], (await residual.read())[0]];
  seconds += (performance.now() - start) / 1000;
  evalStep.run();
  const e = meanRelL2(await pred.read(), test.u, M * M);
  history.push({ iteration: it, loss: l, residualMse: r, testRelL2: e, seconds, lr: opt.lr });
  log(
    `iteration ${it}: loss ${l.toExponential(3)}, residual ${r.toExponential(3)}, test mean rel L2 ${e.toFixed(5)}`,
  );
}
const final = history.at(-1);
const best = history.reduce((a, b) => (b.testRelL2 < a.testRelL2 ? b : a));
log(
  `final ${final.testRelL2.toFixed(5)} (best ${best.testRelL2.toFixed(5)} at ${best.iteration}), ${seconds.toFixed(1)} s of training`,
);
if (arg.out)
  await writeFile(
    arg.out,
    JSON.stringify({ args: arg, kernelPath: rt.target?.kernels, ...final, best, history }, null, 2),
  );
rt.destroy();
