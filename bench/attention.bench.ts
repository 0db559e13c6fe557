/**
 * Multi-head attention at GAOT's processor sizes (batch 1, 8 heads, hidden 256, 1024 tokens: its
 * 64 x 64 latent grid in 2 x 2 patches; and a smaller 256-token row), forward and forward +
 * backward (the gradients of sum(y * cot) with respect to q, k and v), in one headless Chromium
 * page (`npm run bench -- bench/attention.bench.ts`):
 *   - wgno: the fused op (src/ops/attention.ts) on both kernel lowerings, compiled into Steps;
 *   - jax-js: `nn.dotProductAttention` (einsum scores, softmax, einsum: the jnp way, an
 *     Nq x Nk matrix per head) under `jit`, and `jit(grad(...))` for the backward.
 * Every row is warmed up once and timed for SAMPLES samples; a timed run is "issue the work, then
 * wait until the GPU has finished it"; nothing is read back. Before timing, the outputs and
 * gradients are checked to agree (relative L2 against wgno's 'lane' run).
 */
import { bench, describe } from 'vitest';
import { commands } from 'vitest/browser';
import { Rng, init, mul, sum, type Runtime, type Step, type Tensor } from '../src/index';
import { attention } from '../src/ops/attention';
import { adapterLine, describeError as why } from './harness';
import { relL2 } from './peers/spec';

const SAMPLES = 3;
const TARGET_MS = 20;
const [BATCH, HIDDEN, HEADS] = [1, 256, 8];
const TOKENS = [256, 1024];
type Lib = 'wgno' | 'wgno-workgroup' | 'jax-js';

interface Inputs {
  n: number;
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  cot: Float32Array;
}
interface Runner {
  infer: () => Promise<void>;
  train: () => Promise<void>;
  /** The output and the q, k, v gradients. */
  values: () => Promise<Float32Array[]>;
}

async function wgnoRunner(rt: Runtime, x: Inputs): Promise<Runner> {
  const shape = [BATCH, x.n, HIDDEN];
  const [q, k, v] = [x.q, x.k, x.v].map((d) => rt.tensor(d, shape, { requiresGrad: true }));
  const y = attention(q, k, v, { heads: HEADS });
  const loss = sum(mul(attention(q, k, v, { heads: HEADS }), rt.tensor(x.cot, shape)));
  loss.backward();
  const grads = [q.grad!, k.grad!, v.grad!];
  const inferStep = await rt.compile({ outputs: [y], label: `attention ${x.n}` });
  const trainStep = await rt.compile({ outputs: grads, label: `attention grad ${x.n}` });
  const run = (step: Step) => async () => {
    step.run();
    await rt.device.queue.onSubmittedWorkDone();
  };
  return {
    infer: run(inferStep),
    train: run(trainStep),
    async values() {
      inferStep.run();
      trainStep.run();
      return Promise.all([y, ...grads].map((t: Tensor) => t.read()));
    },
  };
}

/**
 * jax-js as a JAX user writes it: heads split by a reshape to [B, N, heads, D], then
 * `nn.dotProductAttention`; `jit` for the forward, `jit(grad(...))` of sum(y * cot) for the
 * backward. jax-js arrays are reference-counted: a call consumes its arguments, `.ref` keeps one.
 */
function jaxRunner(jax: typeof import('@jax-js/jax'), x: Inputs): Runner {
  const { jit, grad, nn, numpy: np, blockUntilReady } = jax;
  type A = InstanceType<typeof np.Array>;
  const shape = [BATCH, x.n, HIDDEN];
  const split = [BATCH, x.n, HEADS, HIDDEN / HEADS];
  const [q, k, v, cot] = [x.q, x.k, x.v, x.cot].map((d) => np.array(d).reshape(shape));
  const f = (a: A, b: A, c: A) =>
    nn.dotProductAttention(a.reshape(split), b.reshape(split), c.reshape(split)).reshape(shape);
  const fwd = jit(f);
  const loss = (a: A, b: A, c: A, t: A) => f(a, b, c).mul(t).sum();
  const back = jit(grad(loss, { argnums: [0, 1, 2] }));
  const forward = () => fwd(q.ref, k.ref, v.ref);
  const backward = () => back(q.ref, k.ref, v.ref, cot.ref) as A[];
  return {
    async infer() {
      const y = forward();
      await y.blockUntilReady();
      y.dispose();
    },
    async train() {
      const g = backward();
      await blockUntilReady(g);
      g.forEach((t) => t.dispose());
    },
    async values() {
      const all = [forward(), ...backward()];
      return Promise.all(all.map(async (t) => new Float32Array(await t.data())));
    },
  };
}

const rtLane = await init({ kernels: 'lane' });
const rtGroup = await init({ kernels: 'workgroup' });
console.log(`[bench] adapter: ${adapterLine(rtLane)}`);
const rng = new Rng(11);
const inputs: Inputs[] = TOKENS.map((n) => {
  const m = BATCH * n * HIDDEN;
  return { n, q: rng.normals(m), k: rng.normals(m), v: rng.normals(m), cot: rng.normals(m) };
});

const runners = new Map<string, Runner>();
const unavailable: Partial<Record<Lib, string>> = {};
for (const x of inputs) {
  runners.set(`wgno ${x.n}`, await wgnoRunner(rtLane, x));
  runners.set(`wgno-workgroup ${x.n}`, await wgnoRunner(rtGroup, x));
}
try {
  const jax = await import('@jax-js/jax');
  const devices = await jax.init();
  if (!devices.includes('webgpu')) throw new Error(`no WebGPU device (${devices.join(', ')})`);
  jax.defaultDevice('webgpu');
  for (const x of inputs) runners.set(`jax-js ${x.n}`, jaxRunner(jax, x));
} catch (e) {
  unavailable['jax-js'] = why(e);
}

// ---- agreement with wgno's 'lane' run --------------------------------------------------------
const agreement: Record<string, number | string> = {};
for (const x of inputs) {
  const base = await runners.get(`wgno ${x.n}`)!.values();
  for (const lib of ['wgno-workgroup', 'jax-js'] as const) {
    const r = runners.get(`${lib} ${x.n}`);
    if (!r) continue;
    try {
      const got = await r.values();
      ['y', 'dq', 'dk', 'dv'].forEach((what, i) => {
        agreement[`${x.n} tokens ${what} ${lib} vs wgno`] = relL2(got[i], base[i]);
      });
    } catch (e) {
      agreement[`${x.n} tokens ${lib}`] = `failed: ${why(e)}`;
      runners.delete(`${lib} ${x.n}`);
    }
  }
}

// ---- rows ----------------------------------------------------------------------------------
interface Row {
  group: string;
  lib: Lib;
  name: string;
  fn: () => Promise<void>;
  reps: number;
  flop: number;
}
const rows: Row[] = [];
async function calibrate(group: string, lib: Lib, fn: () => Promise<void>, flop: number) {
  const t = performance.now();
  await fn();
  const warmMs = performance.now() - t;
  let reps = 1;
  while (warmMs < TARGET_MS) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    if (performance.now() - t0 >= TARGET_MS || reps >= 1024) break;
    reps *= 2;
  }
  rows.push({ group, lib, name: `${lib}: ${group}`, fn, reps, flop });
}
for (const x of inputs) {
  // Nominal FLOPs: q k^T and p v, 2 N^2 C each; backward twice that (dv, dp, dq, dk).
  const fwd = 4 * BATCH * x.n * x.n * HIDDEN;
  const size = `B ${BATCH}, ${x.n} tokens, ${HEADS} heads, hidden ${HIDDEN}`;
  for (const lib of ['wgno', 'wgno-workgroup', 'jax-js'] as const) {
    const r = runners.get(`${lib} ${x.n}`);
    if (!r) continue;
    await calibrate(`attention forward ${size}`, lib, r.infer, fwd);
    await calibrate(`attention forward+backward ${size}`, lib, r.train, 3 * fwd);
  }
}

for (const [k, v] of Object.entries(agreement)) console.log(`[bench] agreement ${k}: ${v}`);
for (const [k, v] of Object.entries(unavailable)) console.log(`[bench] ${k} left out: ${v}`);
await commands.writeFile(
  'test-results/bench-meta/attention-peers.json',
  JSON.stringify(
    {
      adapter: adapterLine(rtLane),
      userAgent: navigator.userAgent,
      agreement,
      unavailable,
      cases: rows.map((r) => ({ name: r.name, reps: r.reps, flop: r.flop })),
      compare: rows.map((r) => ({ group: r.group, lib: r.lib, name: r.name })),
    },
    null,
    2,
  ),
);

for (const g of [...new Set(rows.map((r) => r.group))])
  describe(g, () => {
    for (const r of rows.filter((q) => q.group === g))
      bench(
        r.name,
        async () => {
          for (let i = 0; i < r.reps; i++) await r.fn();
        },
        { time: 0, iterations: SAMPLES, warmupTime: 0, warmupIterations: 0 },
      );
  });
