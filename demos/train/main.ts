/**
 * Train an FNO live in the browser: 1-D viscous Burgers as in the FNO paper (initial condition ->
 * solution at a later time; here viscosity 0.02 at t = 0.5, where shocks have formed), with exact
 * solutions from the Cole-Hopf transform made on the page, and every forward pass, backward pass and Adam update on this browser's GPU through wgno.
 * The loss curves and a held-out prediction update as it learns.
 */
import GUI from 'lil-gui';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import {
  Adam,
  FNO,
  Rng,
  Trainer,
  burgersColeHopf,
  init,
  sampleGrf1d,
  type HostArray,
} from '../../src/index';
import { runPage, setState } from '../page';

const N = 128; // grid points the FNO sees
const FINE = 512; // grid the exact solutions are computed on (the shocks need it), then subsampled
const TRAIN = 128;
const TEST = 32;
const BURGERS = { nu: 0.02, t: 0.5 };

/** Pairs (u0, u(t)) as [count, 1, N] arrays, seeded. */
function burgersData(count: number, seed: number): { x: HostArray; y: HostArray } {
  const rng = new Rng(seed);
  const x = new Float32Array(count * N);
  const y = new Float32Array(count * N);
  const coarse = (u: Float64Array) => u.filter((_, i) => i % (FINE / N) === 0);
  for (let i = 0; i < count; i++) {
    const u0 = sampleGrf1d(rng, FINE, { sigma: 50, modes: 48 });
    x.set(coarse(u0), i * N);
    y.set(coarse(burgersColeHopf(u0, BURGERS)), i * N);
  }
  return { x: { data: x, shape: [count, 1, N] }, y: { data: y, shape: [count, 1, N] } };
}

function lossPlot(parent: HTMLElement): uPlot {
  return new uPlot(
    {
      title: 'relative L2 error (log scale)',
      width: 460,
      height: 260,
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [
        { label: 'epoch', stroke: 'currentColor' },
        { stroke: 'currentColor', size: 60 },
      ],
      series: [
        {},
        { label: 'train', stroke: '#2166ac', width: 2 },
        { label: 'test', stroke: '#b2182b', width: 2 },
      ],
    },
    [[], [], []],
    parent,
  );
}

function samplePlot(parent: HTMLElement): uPlot {
  return new uPlot(
    {
      title: 'a held-out sample',
      width: 460,
      height: 260,
      scales: { x: { time: false } },
      axes: [{ label: 'x', stroke: 'currentColor' }, { stroke: 'currentColor' }],
      series: [
        {},
        { label: 'u0', stroke: '#999', width: 1 },
        { label: 'exact u(t)', stroke: '#2166ac', width: 2 },
        { label: 'FNO', stroke: '#b2182b', width: 2, dash: [6, 4] },
      ],
    },
    [[], [], [], []],
    parent,
  );
}

void runPage(async () => {
  setState(
    'loading',
    'Making the data (exact Burgers solutions) and compiling the training step...',
  );
  const rt = await init();
  const train = burgersData(TRAIN, 1);
  const test = burgersData(TEST, 2);
  const fno = new FNO(rt, {
    nModes: [16],
    hiddenChannels: 32,
    inChannels: 1,
    outChannels: 1,
    seed: 0,
  });
  const settings = { training: true, lr: 3e-3, epochs: 0 };
  const trainer = await Trainer.create({
    model: fno,
    optimizer: new Adam(fno.namedParameters(), { lr: settings.lr }),
    inputs: train.x,
    targets: train.y,
    batchSize: 16,
  });
  const plots = document.getElementById('plots')!;
  const losses = lossPlot(plots);
  const sample = samplePlot(plots);
  const curve: [number[], number[], number[]] = [[], [], []];
  const page = { epoch: 0, train: [] as number[], test: [] as number[], msPerEpoch: NaN };
  (window as unknown as { wgnoTrain: typeof page }).wgnoTrain = page;
  const gui = new GUI({ container: document.getElementById('controls')!, title: 'training' });
  gui.add(settings, 'training').name('train');
  gui
    .add(settings, 'lr', 1e-4, 1e-2)
    .name('learning rate')
    .onChange((lr: number) => {
      trainer.optimizer.lr = lr;
    });

  const xs = Array.from({ length: N }, (_, i) => i / N);
  const showSample = async () => {
    const x0 = test.x.data.subarray(0, N);
    const y = await fno.forward(rt.tensor(x0, [1, 1, N])).read();
    sample.setData([xs, Array.from(x0), Array.from(test.y.data.subarray(0, N)), Array.from(y)]);
  };

  setState('running', 'Training on the GPU...');
  for (;;) {
    if (!settings.training) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const t0 = performance.now();
    const { losses: l } = await trainer.fit(1);
    page.msPerEpoch = performance.now() - t0;
    const trainErr = l[l.length - 1] / 16; // the loss is summed over a batch of 16
    const { relL2 } = await trainer.evaluate(test.x, test.y);
    page.epoch = trainer.epoch;
    page.train.push(trainErr);
    page.test.push(relL2);
    curve[0].push(page.epoch);
    curve[1].push(trainErr);
    curve[2].push(relL2);
    losses.setData(curve);
    await showSample();
    setState(
      'running',
      `Epoch ${page.epoch}: train ${trainErr.toFixed(4)}, test ${relL2.toFixed(4)} (relative L2), ${page.msPerEpoch.toFixed(0)} ms per epoch of ${trainer.stepsPerEpoch} steps.`,
    );
  }
});
