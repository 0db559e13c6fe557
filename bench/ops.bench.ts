/**
 * Micro-benchmarks of planned steps (`npm run bench`): matmul, GELU and a full reduction at
 * realistic sizes, and one training step of an MLP (forward + backward + Adam in one submit).
 * Sizes are chosen so the whole file runs in well under a minute on SwiftShader (a CPU Vulkan).
 */
import { describe } from 'vitest';
import { Adam, Rng, add, gelu, init, matmul, mean, square, sub, sum } from '../src/index';
import type { Step, Tensor } from '../src/index';
import { adapterLine, benchStep, calibrate, writeMeta, type StepCase, type Work } from './harness';

const rt = await init();
const rng = new Rng(1);
console.log(`[bench] adapter: ${adapterLine(rt)}`);

const randn = (shape: number[], scale = 1): Tensor =>
  rt.tensor(
    rng.normals(
      shape.reduce((a, b) => a * b, 1),
      scale,
    ),
    shape,
  );

async function matmulCase(n: number): Promise<StepCase> {
  const c = matmul(randn([n, n]), randn([n, n]));
  const step = await rt.compile({ outputs: [c], label: `matmul${n}` });
  return calibrate(rt, `matmul ${n}x${n}x${n}`, step, { flop: 2 * n * n * n });
}

async function geluCase(n: number): Promise<StepCase> {
  const step = await rt.compile({ outputs: [gelu(randn([n]))], label: 'gelu' });
  return calibrate(rt, `gelu 2^${Math.log2(n)} f32`, step, { bytes: 8 * n });
}

async function sumCase(n: number): Promise<StepCase> {
  const step = await rt.compile({ outputs: [sum(randn([n]))], label: 'sum' });
  return calibrate(rt, `sum 2^${Math.log2(n)} f32`, step, { bytes: 4 * n });
}

/**
 * A batch-256 GELU MLP [64, 256, 256, 64] regressing random targets with Adam. FLOPs count the
 * matmuls only: the forward product and the weight gradient of every layer, and the input
 * gradient of every layer but the first (the data needs none).
 */
async function mlpStepCase(batch: number, widths: number[]): Promise<StepCase> {
  const params: Tensor[] = [];
  let h = randn([batch, widths[0]]);
  let macs = 0;
  for (let i = 0; i + 1 < widths.length; i++) {
    const [fanIn, fanOut] = [widths[i], widths[i + 1]];
    const w = rt.tensor(rng.normals(fanIn * fanOut, 1 / Math.sqrt(fanIn)), [fanIn, fanOut], {
      requiresGrad: true,
    });
    const b = rt.zeros([fanOut], { requiresGrad: true });
    params.push(w, b);
    h = add(matmul(h, w), b);
    if (i + 2 < widths.length) h = gelu(h);
    macs += batch * fanIn * fanOut * (i === 0 ? 2 : 3);
  }
  const loss = mean(square(sub(h, randn([batch, widths.at(-1)!]))));
  loss.backward();
  const optimizer = new Adam(params, { lr: 1e-3 });
  const step: Step = await rt.compile({
    outputs: [loss],
    updates: [optimizer],
    label: 'mlp-train',
  });
  const name = `mlp train step b${batch} [${widths.join(', ')}]`;
  const work: Work = { flop: 2 * macs };
  return calibrate(rt, name, step, work);
}

const cases = {
  matmul: [await matmulCase(256), await matmulCase(512)],
  elementwise: [await geluCase(1 << 20)],
  reduce: [await sumCase(1 << 20)],
  train: [await mlpStepCase(256, [64, 256, 256, 64])],
};
await writeMeta(rt, 'ops', Object.values(cases).flat());

for (const [group, list] of Object.entries(cases)) {
  describe(group, () => list.forEach((c) => benchStep(rt, c)));
}
