// Digital twin of a forced, damped pendulum (after the diesel-engine twin, arXiv 2412.11967):
//
//   theta'' + c theta' + sin(theta) = v(t), theta(0) = theta'(0) = 0, t in [0, 1], c unknown,
//
// where v is the output of an actuator, tau v' + v = u(t) (tau = 0.1), driven by a known command
// u (a GRF). Three parts:
//  1. offline: a DeepONet learns the actuator, command u -> forcing v (data-driven);
//  2. identification: a physics-informed network theta(t) = t^2 net(t) with c a trainable scalar in
//     its own parameter group, fitted to noisy measurements of theta and to the ODE residual, the
//     forcing at the collocation times given by the frozen DeepONet (full training, on the GPU);
//  3. few-shot transfer: a multi-head body pretrained on a library of scenarios (known c, other
//     commands) is frozen; its features and their first and second time derivatives are computed
//     once (grad of grad on the GPU), after which theta = t^2 (features . w + b) is linear in the
//     head (w, b) and a Gauss-Newton solve on the host over (w, b, c) takes milliseconds.
// Reported: c's error and the time of 2 and 3 (same measurements). Results: docs/deeponet.md.
//
//   node_modules/.bin/vite build --logLevel error      # dist/wgno.js (or WGNO_DIST=path)
//   node tools/experiments/deeponet_digital_twin.mjs [--c 0.5] [--noise 0.01] [--out r.json]
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

const w = await import(process.env.WGNO_DIST ?? '../../dist/wgno.js');
const { values: arg } = parseArgs({
  options: {
    c: { type: 'string', default: '0.5' }, // true damping
    noise: { type: 'string', default: '0.01' }, // measurement noise, fraction of max |theta|
    seed: { type: 'string', default: '0' },
    'actuator-iterations': { type: 'string', default: '6000' },
    'pinn-iterations': { type: 'string', default: '1500' },
    'body-iterations': { type: 'string', default: '1500' },
    heads: { type: 'string', default: '4' }, // library scenarios of the multi-head body
    width: { type: 'string', default: '24' },
    out: { type: 'string' },
  },
});
const n = (k) => Number(arg[k]);
const [C_TRUE, SEED, P, K] = [n('c'), n('seed'), n('width'), n('heads')];
const [M, NT, TAU, FINE] = [21, 41, 0.1, 401]; // command sensors, collocation times, tau, fine grid
const t0 = performance.now();
const log = (...a) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1)} s]`, ...a);
const rt = await w.init();
const rng = new w.Rng(SEED);
const grf = new w.Grf1d(w.Grf1d.linspace(0, 1, FINE), { lengthScale: 0.2 });
const times = Float32Array.from(w.Grf1d.linspace(0, 1, NT));
const at = (fine, k) =>
  Float32Array.from({ length: k }, (_, i) => fine[(i * (FINE - 1)) / (k - 1)]);

/** The actuator tau v' + v = u from rest, trapezoidal rule on the fine grid. */
function actuator(u) {
  const h = 1 / (FINE - 1);
  const v = new Float64Array(FINE);
  for (let i = 1; i < FINE; i++)
    v[i] =
      ((1 - h / (2 * TAU)) * v[i - 1] + (h / (2 * TAU)) * (u[i - 1] + u[i])) / (1 + h / (2 * TAU));
  return v;
}

/** A scenario: command u (fine), forcing v (fine), theta at the NT times for damping c. */
function scenario(c) {
  const u = grf.sample(rng, 1);
  const v = actuator(u);
  const th = w.pendulumRk4(v, 1 / (FINE - 1), c); // (FINE + 1) / 2 points, spacing 2 / (FINE - 1)
  const theta = Float32Array.from({ length: NT }, (_, i) => th[(i * (FINE - 1)) / 2 / (NT - 1)]);
  return { u, v, theta, c };
}

// ---- 1. the offline actuator DeepONet: command at M sensors -> forcing at any time
const ITER_A = n('actuator-iterations');
const train = Array.from({ length: 150 }, () => grf.sample(rng, 1));
const tv = (us) => ({
  u: Float32Array.from(us.flatMap((u) => [...at(u, M)])),
  v: Float32Array.from(us.flatMap((u) => [...at(actuator(u), NT)])),
});
const act = new w.DeepONetCartesianProd(rt, {
  branch: [M, 40, 40],
  trunk: [1, 40, 40],
  // the actuator is a linear operator: a linear branch represents it exactly in the trunk's basis
  activation: { branch: 'linear', trunk: 'tanh' },
  seed: SEED,
});
const tT = rt.tensor(times, [NT, 1]);
const d = tv(train);
const actLoss = w.mean(
  w.square(w.sub(act.forward(rt.tensor(d.u, [150, M]), tT), rt.tensor(d.v, [150, NT]))),
);
actLoss.backward();
const actStep = await rt.compile({
  outputs: [actLoss],
  updates: [new w.Adam(act.namedParameters(), { lr: 2e-3 })],
});
let start = performance.now();
for (let i = 0; i < ITER_A; i++) actStep.run();
await actLoss.read(); // wait for the queue
const actSeconds = (performance.now() - start) / 1000;
const testU = Array.from({ length: 50 }, () => grf.sample(rng, 1));
const dt = tv(testU);
const actPred = await act.forward(rt.tensor(dt.u, [50, M]), tT).read();
let [num, den] = [0, 0];
for (let i = 0; i < actPred.length; i++)
  [num, den] = [num + (actPred[i] - dt.v[i]) ** 2, den + dt.v[i] ** 2];
const actuatorRelL2 = Math.sqrt(num / den);
log(
  `actuator DeepONet: ${ITER_A} iterations in ${actSeconds.toFixed(1)} s, test rel L2 ${actuatorRelL2.toFixed(4)}`,
);
act.freeze('');
/** The frozen DeepONet's forcing for a command, at the NT times (computed once per scenario). */
const forcing = async (u) => act.forward(rt.tensor(at(u, M), [1, M]), tT).read();

// ---- the measurements of the twin: the true system with unknown c, noisy theta
const truth = scenario(C_TRUE);
const amp = Math.max(...truth.theta.map(Math.abs));
const meas = truth.theta.map((x) => x + n('noise') * amp * rng.normal());
const vTruth = await forcing(truth.u);

// ---- 2. full training: theta = t^2 net(t), c in its own parameter group
const net = new w.FNN(rt, { layerSizes: [1, P, P, 1], activation: 'tanh', seed: SEED + 1 });
const tg = rt.tensor(times, [NT, 1], { requiresGrad: true });
const cT = rt.tensor([0.1], [1], { requiresGrad: true }); // initial guess
const theta = w.mul(w.square(tg), net.forward(tg));
const [th1] = w.grad(w.sum(theta), [tg]);
const [th2] = w.grad(w.sum(th1), [tg]);
const res = w.sub(w.add(w.add(th2, w.mul(cT, th1)), w.sin(theta)), rt.tensor(vTruth, [NT, 1]));
const misfit = w.sub(theta, rt.tensor(meas, [NT, 1]));
const pinnLoss = w.add(w.mean(w.square(res)), w.mulScalar(w.mean(w.square(misfit)), 100));
pinnLoss.backward();
const pinnOpt = new w.Adam([{ params: net.namedParameters() }, { params: [['c', cT]], lr: 2e-2 }], {
  lr: 3e-3,
});
const pinnStep = await rt.compile({ outputs: [pinnLoss], updates: [pinnOpt] });
start = performance.now();
for (let i = 0; i < n('pinn-iterations'); i++) pinnStep.run();
await pinnLoss.read();
const cFull = (await cT.read())[0];
const fullSeconds = (performance.now() - start) / 1000;
log(
  `full training: c = ${cFull.toFixed(4)} (true ${C_TRUE}) after ${n('pinn-iterations')} iterations, ${fullSeconds.toFixed(1)} s`,
);

// ---- 3. the multi-head body, pretrained on a library of K scenarios with known damping
const lib = Array.from({ length: K }, (_, k) => scenario(0.2 + (0.8 * k) / Math.max(1, K - 1)));
const libV = [];
for (const s of lib) libV.push(...(await forcing(s.u)));
const body = new w.FNN(rt, { layerSizes: [1, P, P], activation: 'tanh', seed: SEED + 2 });
const heads = rt.tensor(new w.Rng(SEED + 3).normals(K * P, 1 / Math.sqrt(P)), [K, P], {
  requiresGrad: true,
});
const hb = rt.tensor(new Float32Array(K), [K], { requiresGrad: true });
// rows (scenario k, time i) each with its own t, so grad of the sum is each row's derivative
const rowsT = Float32Array.from({ length: K * NT }, (_, r) => times[r % NT]);
const mask = Float32Array.from({ length: K * NT * K }, (_, j) =>
  Math.floor(j / K / NT) === j % K ? 1 : 0,
);
const tk = rt.tensor(rowsT, [K * NT, 1], { requiresGrad: true });
const feats = (t) => w.tanh(body.forward(t));
const all = w.add(w.matmul(feats(tk), heads, { transB: true }), hb); // [K NT, K]
const thK = w.mul(w.square(tk), w.sum(w.mul(all, rt.tensor(mask, [K * NT, K])), 1, true));
const [k1] = w.grad(w.sum(thK), [tk]);
const [k2] = w.grad(w.sum(k1), [tk]);
const cK = rt.tensor(
  Float32Array.from({ length: K * NT }, (_, r) => lib[Math.floor(r / NT)].c),
  [K * NT, 1],
);
const resK = w.sub(w.add(w.add(k2, w.mul(cK, k1)), w.sin(thK)), rt.tensor(libV, [K * NT, 1]));
const misK = w.sub(
  thK,
  rt.tensor(Float32Array.from(lib.flatMap((s) => [...s.theta])), [K * NT, 1]),
);
const bodyLoss = w.add(w.mean(w.square(resK)), w.mulScalar(w.mean(w.square(misK)), 100));
bodyLoss.backward();
const bodyOpt = new w.Adam([...body.namedParameters(), ['heads', heads], ['hb', hb]], { lr: 3e-3 });
const bodyStep = await rt.compile({ outputs: [bodyLoss], updates: [bodyOpt] });
start = performance.now();
for (let i = 0; i < n('body-iterations'); i++) bodyStep.run();
await bodyLoss.read();
const bodySeconds = (performance.now() - start) / 1000;
log(
  `multi-head body: ${K} scenarios, ${n('body-iterations')} iterations in ${bodySeconds.toFixed(1)} s, loss ${(await bodyLoss.read())[0].toExponential(3)}`,
);
body.freeze('');

// the frozen features and their derivatives, once: feature j differentiated on its own row block
start = performance.now();
const rowsP = Float32Array.from({ length: P * NT }, (_, r) => times[r % NT]);
const maskP = Float32Array.from({ length: P * NT * P }, (_, j) =>
  Math.floor(j / P / NT) === j % P ? 1 : 0,
);
const tp = rt.tensor(rowsP, [P * NT, 1], { requiresGrad: true });
const diag = w.sum(w.mul(feats(tp), rt.tensor(maskP, [P * NT, P])), 1, true); // phi_j at block j
const [f1] = w.grad(w.sum(diag), [tp]);
const [f2] = w.grad(w.sum(f1), [tp]);
const [phi, phi1, phi2] = await Promise.all([diag.read(), f1.read(), f2.read()]); // [P NT]
const featSeconds = (performance.now() - start) / 1000;

/** theta, theta', theta'' rows: linear maps of the head (w_0..w_{P-1}, b) at time i. */
function design(i) {
  const t = times[i];
  const [a0, a1, a2] = [new Float64Array(P + 1), new Float64Array(P + 1), new Float64Array(P + 1)];
  for (let j = 0; j <= P; j++) {
    const [f, g, h] = j < P ? [phi[j * NT + i], phi1[j * NT + i], phi2[j * NT + i]] : [1, 0, 0];
    [a0[j], a1[j], a2[j]] = [t * t * f, 2 * t * f + t * t * g, 2 * f + 4 * t * g + t * t * h];
  }
  return [a0, a1, a2];
}

/** Gauss-Newton (Levenberg-damped) over x = (w, b, c) on the same loss as full training. */
function fewShot(v, data) {
  const A = Array.from({ length: NT }, (_, i) => design(i));
  const x = new Float64Array(P + 2);
  x[P + 1] = 0.1;
  const dot = (a, y) => a.reduce((s, ai, j) => s + ai * y[j], 0);
  for (let it = 0; it < 50; it++) {
    const rows = []; // [residual, gradient row]
    for (let i = 0; i < NT; i++) {
      const [a0, a1, a2] = A[i];
      const [th, dth, ddth] = [dot(a0, x), dot(a1, x), dot(a2, x)];
      const c = x[P + 1];
      const r = ddth + c * dth + Math.sin(th) - v[i];
      const j = Float64Array.from({ length: P + 2 }, (_, k) =>
        k <= P ? a2[k] + c * a1[k] + Math.cos(th) * a0[k] : dth,
      );
      rows.push([r / Math.sqrt(NT), j.map((q) => q / Math.sqrt(NT))]);
      const s = Math.sqrt(100 / NT);
      rows.push([
        (th - data[i]) * s,
        Float64Array.from({ length: P + 2 }, (_, k) => (k <= P ? a0[k] * s : 0)),
      ]);
    }
    const D = P + 2;
    const H = new Float64Array(D * D);
    const g = new Float64Array(D);
    for (const [r, j] of rows)
      for (let a = 0; a < D; a++) {
        g[a] += j[a] * r;
        for (let b = 0; b < D; b++) H[a * D + b] += j[a] * j[b];
      }
    for (let a = 0; a < D; a++) H[a * D + a] += 1e-8 + 1e-6 * H[a * D + a];
    const step = solve(H, g, D);
    let size = 0;
    for (let a = 0; a < D; a++) [x[a], size] = [x[a] - step[a], Math.max(size, Math.abs(step[a]))];
    if (size < 1e-10) break;
  }
  return x[P + 1];
}

/** Dense symmetric solve by Gaussian elimination with partial pivoting. */
function solve(H, g, D) {
  const a = Float64Array.from(H);
  const b = Float64Array.from(g);
  for (let k = 0; k < D; k++) {
    let p = k;
    for (let i = k + 1; i < D; i++) if (Math.abs(a[i * D + k]) > Math.abs(a[p * D + k])) p = i;
    for (let j = 0; j < D; j++) [a[k * D + j], a[p * D + j]] = [a[p * D + j], a[k * D + j]];
    [b[k], b[p]] = [b[p], b[k]];
    for (let i = k + 1; i < D; i++) {
      const f = a[i * D + k] / a[k * D + k];
      for (let j = k; j < D; j++) a[i * D + j] -= f * a[k * D + j];
      b[i] -= f * b[k];
    }
  }
  for (let k = D - 1; k >= 0; k--) {
    let s = b[k];
    for (let j = k + 1; j < D; j++) s -= a[k * D + j] * b[j];
    b[k] = s / a[k * D + k];
  }
  return b;
}

start = performance.now();
const cFew = fewShot(vTruth, meas);
const fewSeconds = (performance.now() - start) / 1000;
log(
  `few-shot: c = ${cFew.toFixed(4)} (true ${C_TRUE}); features once ${featSeconds.toFixed(2)} s, head solve ${(fewSeconds * 1000).toFixed(1)} ms`,
);

const result = {
  args: arg,
  actuator: { iterations: ITER_A, seconds: actSeconds, testRelL2: actuatorRelL2 },
  full: { c: cFull, relError: Math.abs(cFull - C_TRUE) / C_TRUE, seconds: fullSeconds },
  body: { heads: K, seconds: bodySeconds },
  fewShot: {
    c: cFew,
    relError: Math.abs(cFew - C_TRUE) / C_TRUE,
    featureSeconds: featSeconds,
    solveSeconds: fewSeconds,
  },
};
console.log(JSON.stringify(result));
if (arg.out) await writeFile(arg.out, JSON.stringify(result, null, 2));
rt.destroy();
