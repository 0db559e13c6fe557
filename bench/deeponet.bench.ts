/**
 * DeepONet training steps, wgno against jax-js in one headless Chromium page (`npm run bench --
 * bench/deeponet.bench.ts`), with the same weights (wgno's, read back):
 *   - antiderivative (data-driven, DeepXDE's sizes): DeepONetCartesianProd branch [100, 40, 40],
 *     trunk [1, 40, 40], ReLU, 150 functions x 100 points, mean squared error, Adam;
 *   - the physics-informed pendulum (second order): aligned DeepONet branch [20, 40, 40], trunk
 *     [1, 40, 40], tanh, 32 forcings x 20 times, theta = t^2 net, loss = mean (theta'' +
 *     sin(theta) - v)^2, Adam. wgno: grad of grad; jax-js: theta' and theta'' by jvp of jvp with
 *     respect to t (the rows are independent, so a tangent of ones gives every row's
 *     derivative), the parameter gradient by valueAndGrad over that, as JAX users write it.
 * wgno rows go through bench/harness.ts (its sidecar has the planner's peak vs naive memory);
 * jax-js rows are jit-compiled steps waited on with blockUntilReady. A peer that cannot run a row
 * is left out with its reason. The first loss of each (before any update) is compared.
 */
import { bench, describe } from 'vitest';
import { commands } from 'vitest/browser';
import { blockUntilReady, jit, jvp, nn, numpy as np, tree, valueAndGrad } from '@jax-js/jax';
import {
  Adam,
  DeepONet,
  DeepONetCartesianProd,
  Rng,
  add,
  grad,
  init,
  mean,
  mul,
  sin,
  square,
  sub,
  sum,
  type Module,
} from '../src/index';
import {
  adapterLine,
  benchStep,
  describeError as why,
  calibrate,
  writeMeta,
  type StepCase,
} from './harness';

const LR = 1e-3;
const rt = await init();
const rng = new Rng(11);
type Params = Record<string, np.Array>;
// ---- wgno ------------------------------------------------------------------------------------
const [B, M, N] = [150, 100, 100];
const anti = new DeepONetCartesianProd(rt, {
  branch: [M, 40, 40],
  trunk: [1, 40, 40],
  activation: 'relu',
  seed: 1,
});
const aData = { v: rng.normals(B * M), x: rng.uniforms(N), y: rng.normals(B * N, 0.1) };
const aLoss = mean(
  square(
    sub(
      anti.forward(rt.tensor(aData.v, [B, M]), rt.tensor(aData.x, [N, 1])),
      rt.tensor(aData.y, [B, N]),
    ),
  ),
);
aLoss.backward();
const aStep = await rt.compile({
  outputs: [aLoss],
  updates: [new Adam(anti.namedParameters(), { lr: LR })],
  label: 'deeponet-antiderivative',
});

const [F, T] = [32, 20];
const pend = new DeepONet(rt, {
  branch: [T, 40, 40],
  trunk: [1, 40, 40],
  activation: 'tanh',
  seed: 2,
});
const pv = rng.normals(F * T);
const pRows = new Float32Array(F * T * T).map((_, j) => pv[Math.floor(j / T / T) * T + (j % T)]);
const pT = new Float32Array(F * T).map((_, r) => (r % T) / (T - 1));
const tt = rt.tensor(pT, [F * T, 1], { requiresGrad: true });
const theta = mul(square(tt), pend.forward(rt.tensor(pRows, [F * T, T]), tt));
const [d1] = grad(sum(theta), [tt]);
const [d2] = grad(sum(d1), [tt]);
const pLoss = mean(square(sub(add(d2, sin(theta)), rt.tensor(pv, [F * T, 1]))));
pLoss.backward();
const pStep = await rt.compile({
  outputs: [pLoss],
  updates: [new Adam(pend.namedParameters(), { lr: LR })],
  label: 'deeponet-pendulum-pinn',
});

async function paramsOf(m: Module): Promise<Params> {
  const p: Params = {};
  for (const [name, t] of m.namedParameters())
    p[name] = np.array(await t.read()).reshape([...t.shape]);
  return p;
}

// ---- jax-js ----------------------------------------------------------------------------------
/** DeepXDE's FNN: x W^T + b, activation after all but the last layer. */
function fnn(
  p: Params,
  prefix: string,
  x: np.Array,
  layers: number,
  act: (a: np.Array) => np.Array,
) {
  for (let i = 0; i < layers; i++) {
    x = np
      .einsum('bi,oi->bo', x, p[`${prefix}.linears.${i}.weight`])
      .add(p[`${prefix}.linears.${i}.bias`]);
    if (i < layers - 1) x = act(x);
  }
  return x;
}

/** A jitted Adam step around `lossFn(p, ...data)` (tree-wise, as optax), the FNO peer's pattern. */
function adamStep(
  lossFn: (p: Params, ...d: np.Array[]) => np.Array,
  params0: Params,
  data: np.Array[],
) {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const step = jit((p: Params, m: Params, v: Params, bc: np.Array, ...d: np.Array[]) => {
    const [loss, grads] = valueAndGrad(lossFn)(tree.ref(p), ...d);
    const [np2, nm, nv]: Params[] = [{}, {}, {}];
    const s = bc.ref.slice([0, 1]).reshape([]);
    const c2 = bc.slice([1, 2]).reshape([]);
    for (const k of Object.keys(p)) {
      const g = grads[k];
      nm[k] = m[k].mul(b1).add(g.ref.mul(1 - b1));
      nv[k] = v[k].mul(b2).add(np.square(g).mul(1 - b2));
      np2[k] = p[k].sub(nm[k].ref.mul(s.ref).div(np.sqrt(nv[k].ref.mul(c2.ref)).add(eps)));
    }
    s.dispose();
    c2.dispose();
    return { loss, p: np2, m: nm, v: nv };
  });
  let [p, m, v] = [
    params0,
    tree.map((a: np.Array) => np.zerosLike(a), tree.ref(params0)) as Params,
    tree.map((a: np.Array) => np.zerosLike(a), tree.ref(params0)) as Params,
  ];
  let t = 0;
  return async (read: boolean): Promise<number> => {
    t++;
    const bc = np.array(new Float32Array([LR / (1 - b1 ** t), 1 / (1 - b2 ** t)]));
    const out = step(p, m, v, bc, ...data.map((d) => d.ref));
    [p, m, v] = [out.p, out.m, out.v];
    await blockUntilReady(out);
    if (!read) {
      out.loss.dispose();
      return NaN;
    }
    return (await out.loss.data())[0];
  };
}

function antiLoss(p: Params, v: np.Array, x: np.Array, y: np.Array): np.Array {
  const yb = fnn(p, 'branch', v, 2, nn.relu);
  const yt = nn.relu(fnn(p, 'trunk', x, 2, nn.relu));
  const u = np.einsum('bi,ni->bn', yb, yt).add(p['b.0']);
  return np
    .square(u.sub(y))
    .sum()
    .mul(1 / (B * N));
}

function pendLoss(p: Params, xf: np.Array, t: np.Array, v: np.Array): np.Array {
  const th = (s: np.Array) => {
    const yb = fnn(tree.ref(p) as Params, 'branch', xf.ref, 2, np.tanh);
    const yt = np.tanh(fnn(tree.ref(p) as Params, 'trunk', s.ref, 2, np.tanh));
    return np.square(s).mul(yb.mul(yt).sum(1, { keepdims: true }).add(p['b.0'].ref));
  };
  const dth = (s: np.Array) => jvp(th, [s.ref], [np.onesLike(s)])[1];
  const ddth = jvp(dth, [t.ref], [np.onesLike(t.ref)])[1];
  const r = ddth.add(np.sin(th(t))).sub(v);
  tree.dispose(p);
  xf.dispose();
  return np
    .square(r)
    .sum()
    .mul(1 / (F * T));
}

const unavailable: Record<string, string> = {};
const losses: Record<string, number> = {};
const jaxRows: Record<string, (read: boolean) => Promise<number>> = {};
try {
  const jax = await import('./peers/jaxjs');
  await jax.initJaxWebGpu();
  const cases: [string, (p: Params, ...d: np.Array[]) => np.Array, Module, np.Array[]][] = [
    [
      'antiderivative',
      antiLoss as never,
      anti,
      [
        np.array(aData.v).reshape([B, M]),
        np.array(aData.x).reshape([N, 1]),
        np.array(aData.y).reshape([B, N]),
      ],
    ],
    [
      'pendulum',
      pendLoss as never,
      pend,
      [
        np.array(pRows).reshape([F * T, T]),
        np.array(pT).reshape([F * T, 1]),
        np.array(pv).reshape([F * T, 1]),
      ],
    ],
  ];
  for (const [name, lossFn, model, data] of cases)
    try {
      const run = adamStep(lossFn, await paramsOf(model), data);
      losses[`jax-js ${name}`] = await run(true);
      jaxRows[name] = run;
    } catch (e) {
      unavailable[`jax-js ${name}`] = why(e);
    }
} catch (e) {
  unavailable['jax-js'] = why(e);
}

// wgno's first losses (before any update), then the timed cases
aStep.run();
losses['wgno antiderivative'] = (await aLoss.read())[0];
pStep.run();
losses['wgno pendulum'] = (await pLoss.read())[0];
const groups = {
  antiderivative: `deeponet antiderivative train step ${B}x${N}`,
  pendulum: `deeponet pendulum PINN train step (2nd order) ${F}x${T}`,
};
const wg: Record<string, StepCase> = {
  antiderivative: await calibrate(rt, `wgno: ${groups.antiderivative}`, aStep, {}),
  pendulum: await calibrate(rt, `wgno: ${groups.pendulum}`, pStep, {}),
};
await writeMeta(rt, 'deeponet', Object.values(wg));
const agreement: Record<string, number> = {};
for (const k of ['antiderivative', 'pendulum'])
  if (losses[`jax-js ${k}`] !== undefined)
    agreement[`first loss ${k} jax-js vs wgno`] =
      Math.abs(losses[`jax-js ${k}`] - losses[`wgno ${k}`]) / losses[`wgno ${k}`];
console.log(`[bench] adapter: ${adapterLine(rt)}`);
for (const [k, v] of Object.entries(losses)) console.log(`[bench] loss ${k}: ${v}`);
for (const [k, v] of Object.entries(agreement)) console.log(`[bench] agreement ${k}: ${v}`);
for (const [k, c] of Object.entries(wg))
  console.log(
    `[bench] memory ${k}: peak ${c.meta.peakBytes} B vs naive ${c.meta.naiveBytes} B, ${c.meta.dispatchesPerRun} dispatches`,
  );
for (const [k, v] of Object.entries(unavailable)) console.log(`[bench] ${k} left out: ${v}`);
await commands.writeFile(
  'test-results/bench-meta/deeponet-peers.json',
  JSON.stringify(
    {
      adapter: adapterLine(rt),
      losses,
      agreement,
      unavailable,
      memory: Object.fromEntries(
        Object.entries(wg).map(([k, c]) => [
          k,
          { peakBytes: c.meta.peakBytes, naiveBytes: c.meta.naiveBytes },
        ]),
      ),
    },
    null,
    2,
  ),
);

for (const [k, g] of Object.entries(groups))
  describe(g, () => {
    benchStep(rt, wg[k], 3);
    const run = jaxRows[k];
    if (run)
      bench(`jax-js: ${g}`, () => run(false).then(() => undefined), {
        time: 0,
        iterations: 3,
        warmupTime: 0,
        warmupIterations: 1,
      });
  });
