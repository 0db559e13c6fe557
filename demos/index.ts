/**
 * The demo index (`npm run demo`): trains a 1 -> 32 -> 32 -> 1 GELU MLP on y = sin(pi x) with
 * Adam, entirely on the GPU, through wgno's public API only. The training step (forward, backward,
 * Adam) is compiled once and replayed; the page shows the adapter, the planned step's dispatch
 * and submit counts, the loss every 20 steps and the fit at the end.
 */
import { Adam, Rng, add, gelu, init, matmul, mean, square, sub } from '../src/index';
import type { Runtime, Step, Tensor } from '../src/index';
import { runPage, setState } from './page';

const STEPS = 200;
const LOG_EVERY = 20;
const POINTS = 64;
const HIDDEN = 32;

const $ = (id: string): HTMLElement => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo page is missing #${id}`);
  return el;
};
const show = (id: string) => ($(id).hidden = false);
const setText = (id: string, text: string) => ($(id).textContent = text);

function addRow(tableId: string, cells: readonly string[]): void {
  const tr = document.createElement('tr');
  for (const c of cells) tr.appendChild(document.createElement('td')).textContent = c;
  $(tableId).querySelector('tbody')!.appendChild(tr);
}

function showDevice(rt: Runtime): void {
  const info = rt.adapterInfo;
  setText('vendor', info.vendor || '(not reported)');
  setText('architecture', info.architecture || '(not reported)');
  setText('description', info.description || '(not reported)');
  setText('features', [...rt.device.features].sort().join(', ') || '(none)');
  show('device');
}

interface Model {
  xs: Float32Array;
  target: Float32Array;
  loss: Tensor;
  pred: Tensor;
  params: Tensor[];
}

/** x on a grid over [-1, 1], seeded He-style initial weights. */
function buildModel(rt: Runtime): Model {
  const rng = new Rng(2024);
  const xs = Float32Array.from({ length: POINTS }, (_, i) => -1 + (2 * i) / (POINTS - 1));
  const target = xs.map((v) => Math.sin(Math.PI * v));
  const layer = (fanIn: number, fanOut: number): [Tensor, Tensor] => [
    rt.tensor(rng.normals(fanIn * fanOut, Math.sqrt(2 / fanIn)), [fanIn, fanOut], {
      requiresGrad: true,
    }),
    rt.zeros([fanOut], { requiresGrad: true }),
  ];
  const [w1, b1] = layer(1, HIDDEN);
  const [w2, b2] = layer(HIDDEN, HIDDEN);
  const [w3, b3] = layer(HIDDEN, 1);
  const x = rt.tensor(xs, [POINTS, 1]);
  const h1 = gelu(add(matmul(x, w1), b1));
  const h2 = gelu(add(matmul(h1, w2), b2));
  const pred = add(matmul(h2, w3), b3);
  const loss = mean(square(sub(pred, rt.tensor(target, [POINTS, 1]))));
  return { xs, target, loss, pred, params: [w1, b1, w2, b2, w3, b3] };
}

function showStep(step: Step, submitsPerStep: number, msPerStep: number): void {
  const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
  setText('dispatches', String(step.dispatchCount));
  setText('submits', String(submitsPerStep));
  setText('memory', `${kib(step.memory.peakBytes)} planned (${kib(step.memory.naiveBytes)} naive)`);
  setText(
    'ms-per-step',
    `${msPerStep.toFixed(2)} ms (including a loss readback every ${LOG_EVERY} steps)`,
  );
  show('step');
}

async function train(rt: Runtime): Promise<void> {
  const m = buildModel(rt);
  m.loss.backward();
  const step = await rt.compile({
    outputs: [m.loss, m.pred],
    updates: [new Adam(m.params, { lr: 0.01 })],
    label: 'demo-train',
  });
  show('training');
  const submits0 = rt.stats.submits;
  const t0 = performance.now();
  for (let i = 1; i <= STEPS; i++) {
    step.run();
    if (i === 1 || i % LOG_EVERY === 0) {
      const [loss] = await m.loss.read();
      addRow('loss', [String(i), loss.toExponential(3)]);
      setText('status', `Training: step ${i} of ${STEPS}`);
    }
  }
  showStep(step, (rt.stats.submits - submits0) / STEPS, (performance.now() - t0) / STEPS);
  const pred = await m.pred.read();
  for (let i = 0; i < POINTS; i += 9) {
    addRow('predictions', [m.xs[i].toFixed(3), m.target[i].toFixed(4), pred[i].toFixed(4)]);
  }
  show('fit');
}

void runPage(async () => {
  const rt = await init();
  try {
    showDevice(rt);
    setText('status', 'Compiling the training step…');
    await train(rt);
    setState('done', `Done: ${STEPS} Adam steps on the GPU.`);
  } finally {
    rt.destroy();
  }
});
