// A deep ensemble of FNO-2Ds (Lakshminarayanan et al. 2017) trained as one population on the
// Navier-Stokes vorticity data: one compiled Step evaluates every member (PopulationFNO) and takes
// one Adam step on the sum of the members' relative L2 losses; each member has its own init seed
// (FNO seed + p) and all see the same batches. Task: one-step prediction, 10 records in -> the
// 11th, every window of 11 consecutive records (as models/ns2d-fno-32). Reported on held-out
// trajectories: each member's and the ensemble mean's relative L2, the spread (std over members)
// and its calibration: fraction of grid values with |mean - truth| <= k spread vs the Gaussian
// 68.3 / 95.4 / 99.7 %, and the correlation (Pearson, Spearman) between a window's RMS spread and
// its RMS error.
//
//   /usr/bin/python3 tools/experiments/spacetime_fno_data.py 24 32 0.002 0 ns32_all.safetensors
//   node_modules/.bin/vite build --logLevel error                # dist/wgno.js (or WGNO_DIST=...)
//   nice -n 12 node tools/experiments/fno_ensemble.mjs --data ns32_all.safetensors --out ens.json
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const wgno = await import(process.env.WGNO_DIST ?? '../../dist/wgno.js');
const { init, PopulationFNO, Adam, StepLR, Rng, lpLoss, reshape, broadcastTo, readSafetensors } =
  wgno;

const { values: arg } = parseArgs({
  options: {
    data: { type: 'string', default: 'ns32_all.safetensors' },
    train: { type: 'string', default: '16' }, // trajectories 0..train-1
    test: { type: 'string', default: '8' }, // the next `test` trajectories
    't-in': { type: 'string', default: '10' },
    members: { type: 'string', default: '5' },
    modes: { type: 'string', default: '8' },
    width: { type: 'string', default: '12' },
    layers: { type: 'string', default: '4' },
    epochs: { type: 'string', default: '20' },
    batch: { type: 'string', default: '10' },
    lr: { type: 'string', default: '0.003' },
    'step-size': { type: 'string', default: '6' },
    seed: { type: 'string', default: '0' },
    stride: { type: 'string', default: '1' }, // 2: every other grid point (32x32 -> 16x16)
    out: { type: 'string', default: 'fno_ensemble.json' },
  },
});
const num = (k) => Number(arg[k]);
const [NTR, NTE, TIN, P, MODES, WIDTH, LAYERS, EPOCHS, BATCH, LR, STEP, SEED] = [
  'train',
  'test',
  't-in',
  'members',
  'modes',
  'width',
  'layers',
  'epochs',
  'batch',
  'lr',
  'step-size',
  'seed',
].map(num);

const t0 = performance.now();
const secs = () => (performance.now() - t0) / 1000;
const log = (...a) => console.log(`[${secs().toFixed(1)} s]`, ...a);

/** Windows of TIN + 1 records: inputs [n, TIN, s, s] (channels first) and targets [n, 1, s, s]. */
function windows(u, first, count) {
  const [, full, , T] = u.shape;
  const st = Number(arg.stride);
  const s = full / st;
  const per = T - TIN;
  const n = count * per;
  const x = new Float32Array(n * TIN * s * s);
  const y = new Float32Array(n * s * s);
  let k = 0;
  for (let b = first; b < first + count; b++)
    for (let t0w = 0; t0w < per; t0w++, k++)
      for (let p = 0; p < s * s; p++) {
        const [i, j] = [Math.floor(p / s) * st, (p % s) * st];
        const at = ((b * full + i) * full + j) * T + t0w;
        for (let t = 0; t < TIN; t++) x[(k * TIN + t) * s * s + p] = u.data[at + t];
        y[k * s * s + p] = u.data[at + TIN];
      }
  return { x, y, n, s };
}

const u = readSafetensors(readFileSync(arg.data)).get('u');
const train = windows(u, 0, NTR);
const test = windows(u, NTR, NTE);
const S = train.s;
const plane = S * S;
log(`data ${arg.data} ${JSON.stringify(u.shape)}: ${train.n} train / ${test.n} test windows`);

const rt = await init();
const cfg = {
  nModes: [MODES, MODES],
  inChannels: TIN,
  outChannels: 1,
  hiddenChannels: WIDTH,
  nLayers: LAYERS,
  seed: SEED,
};
const ens = new PopulationFNO(rt, cfg, P);
const xT = rt.tensor(new Float32Array(BATCH * TIN * plane), [BATCH, TIN, S, S]);
const yT = rt.tensor(new Float32Array(BATCH * plane), [BATCH, 1, S, S]);
const pred = ens.forward(xT); // [P, B, 1, S, S]
const target = broadcastTo(reshape(yT, [1, BATCH, 1, S, S]), [P, BATCH, 1, S, S]);
const flat = (t) => reshape(t, [P * BATCH, 1, S, S]);
// The mean over members and windows of the relative L2: the members' losses summed, over P B.
const loss = lpLoss(flat(pred), flat(target), { reduction: 'mean' });
loss.backward();
const opt = new Adam(ens.namedParameters(), { lr: LR, weightDecay: 1e-4 });
const sched = new StepLR(opt, { stepSize: STEP, gamma: 0.5 });
const step = await rt.compile({ outputs: [loss], updates: [opt] });
const EB = test.n % 20 === 0 ? 20 : test.n % 10 === 0 ? 10 : 1;
const xE = rt.tensor(new Float32Array(EB * TIN * plane), [EB, TIN, S, S]);
const predE = ens.forward(xE);
const evalStep = await rt.compile({ outputs: [predE] });
log(`${P} members, FNO modes ${MODES} width ${WIDTH} layers ${LAYERS}; compiled`);

/** All members' predictions on the test windows: [P][n * plane]. */
async function predictTest() {
  const out = Array.from({ length: P }, () => new Float32Array(test.n * plane));
  for (let b = 0; b < test.n; b += EB) {
    xE.write(test.x.subarray(b * TIN * plane, (b + EB) * TIN * plane));
    evalStep.run();
    const v = await predE.read();
    for (let p = 0; p < P; p++)
      out[p].set(v.subarray(p * EB * plane, (p + 1) * EB * plane), b * plane);
  }
  return out;
}

const relL2 = (a, b, w) => {
  let [n, d] = [0, 0];
  for (let i = w * plane; i < (w + 1) * plane; i++) {
    n += (a[i] - b[i]) ** 2;
    d += b[i] ** 2;
  }
  return Math.sqrt(n / d);
};
const avg = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
function pearson(a, b) {
  const [ma, mb] = [avg(a), avg(b)];
  let [sab, saa, sbb] = [0, 0, 0];
  a.forEach((_, i) => {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  });
  return sab / Math.sqrt(saa * sbb);
}
const ranks = (a) => {
  const r = new Array(a.length);
  a.map((v, i) => [v, i])
    .sort((p, q) => p[0] - q[0])
    .forEach(([, i], k) => (r[i] = k));
  return r;
};

/** Member and ensemble errors, spread and calibration on the test windows. */
function score(preds) {
  const truth = test.y;
  const members = preds.map((pp) =>
    avg(Array.from({ length: test.n }, (_, w) => relL2(pp, truth, w))),
  );
  const m = new Float32Array(truth.length);
  const sd = new Float32Array(truth.length);
  for (let i = 0; i < truth.length; i++) {
    let s1 = 0;
    for (let p = 0; p < P; p++) s1 += preds[p][i];
    m[i] = s1 / P;
    let s2 = 0;
    for (let p = 0; p < P; p++) s2 += (preds[p][i] - m[i]) ** 2;
    sd[i] = Math.sqrt(s2 / Math.max(1, P - 1)); // sample std over the members
  }
  const within = [1, 2, 3].map((k) => {
    let c = 0;
    for (let i = 0; i < truth.length; i++) if (Math.abs(m[i] - truth[i]) <= k * sd[i]) c++;
    return c / truth.length;
  });
  const rmsSpread = [];
  const rmsErr = [];
  for (let w = 0; w < test.n; w++) {
    let [a, b] = [0, 0];
    for (let i = w * plane; i < (w + 1) * plane; i++) {
      a += sd[i] ** 2;
      b += (m[i] - truth[i]) ** 2;
    }
    rmsSpread.push(Math.sqrt(a / plane));
    rmsErr.push(Math.sqrt(b / plane));
  }
  return {
    memberRelL2: members,
    meanMemberRelL2: avg(members),
    ensembleRelL2: avg(Array.from({ length: test.n }, (_, w) => relL2(m, truth, w))),
    rmsSpread: avg(rmsSpread),
    rmsError: avg(rmsErr),
    spreadErrorRatio: Math.sqrt(avg(rmsSpread.map((v) => v * v)) / avg(rmsErr.map((v) => v * v))),
    within1: within[0],
    within2: within[1],
    within3: within[2],
    pearsonSpreadError: pearson(rmsSpread, rmsErr),
    spearmanSpreadError: pearson(ranks(rmsSpread), ranks(rmsErr)),
  };
}

const rng = new Rng(SEED + 1000);
const history = [];
let trainSeconds = 0;
const result = { benchmark: 'FNO deep ensemble, NS 32x32 one-step', args: arg, history };
for (let e = 1; e <= EPOCHS; e++) {
  const start = performance.now();
  const order = Array.from({ length: train.n }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  let lossSum = 0;
  let steps = 0;
  const xb = new Float32Array(BATCH * TIN * plane);
  const yb = new Float32Array(BATCH * plane);
  for (let b = 0; b + BATCH <= train.n; b += BATCH) {
    for (let k = 0; k < BATCH; k++) {
      const w = order[b + k];
      xb.set(train.x.subarray(w * TIN * plane, (w + 1) * TIN * plane), k * TIN * plane);
      yb.set(train.y.subarray(w * plane, (w + 1) * plane), k * plane);
    }
    xT.write(xb);
    yT.write(yb);
    step.run();
    lossSum += (await loss.read())[0];
    steps++;
  }
  sched.step();
  trainSeconds += (performance.now() - start) / 1000;
  const s = score(await predictTest());
  history.push({ epoch: e, trainLoss: lossSum / steps, trainSeconds, ...s });
  log(
    `epoch ${e}: train ${(lossSum / steps).toFixed(4)}, test members ${s.meanMemberRelL2.toFixed(4)} ensemble ${s.ensembleRelL2.toFixed(4)}, within 1/2/3 spread ${(100 * s.within1).toFixed(1)}/${(100 * s.within2).toFixed(1)}/${(100 * s.within3).toFixed(1)} %, spread/error ${s.spreadErrorRatio.toFixed(2)}, r ${s.pearsonSpreadError.toFixed(2)} rho ${s.spearmanSpreadError.toFixed(2)} (${trainSeconds.toFixed(0)} s)`,
  );
  Object.assign(result, { final: history.at(-1), trainSeconds });
  writeFileSync(arg.out, JSON.stringify(result, null, 2)); // partial results survive a cut run
}
rt.destroy();
