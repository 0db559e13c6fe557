/**
 * Digital-twin demo: identify the damping c of theta'' + c theta' + sin(theta) = v(t) from noisy
 * measurements of theta, with a physics-informed network trained on this browser's GPU (the
 * identification part of tools/experiments/deeponet_digital_twin.mjs). The user changes the true
 * damping, the noise and the forcing (URL parameters c, noise, seed set the first run); each
 * change makes new measurements and restarts the fit, and the plot shows c converging.
 */
import GUI from 'lil-gui';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import {
  Adam,
  FNN,
  Grf1d,
  Rng,
  add,
  grad,
  init,
  mean,
  mul,
  mulScalar,
  pendulumRk4,
  sin,
  square,
  sub,
  sum,
  type Runtime,
  type Step,
  type Tensor,
} from '../../src/index';
import { runPage, setState } from '../page';

const NT = 41; // measurement and collocation times on [0, 1]
const FINE = 401; // RK4's grid (half steps are samples of v)
const STEPS_PER_FRAME = 25;
const times = Float32Array.from(Grf1d.linspace(0, 1, NT));
const grf = new Grf1d(Grf1d.linspace(0, 1, FINE), { lengthScale: 0.2 });

interface Settings {
  c: number;
  noise: number;
  seed: number;
}

/** The forcing and the noisy measurements of the true system. */
function measure(s: Settings) {
  const rng = new Rng(s.seed);
  const vf = grf.sample(rng, 1);
  const v = times.map((_, i) => vf[(i * (FINE - 1)) / (NT - 1)]);
  const th = pendulumRk4(vf, 1 / (FINE - 1), s.c);
  const theta = times.map((_, i) => th[(i * (FINE - 1)) / 2 / (NT - 1)]);
  const amp = Math.max(...theta.map(Math.abs));
  const meas = theta.map((x) => x + s.noise * amp * rng.normal());
  return { v, theta, meas };
}

/** The fit: theta = t^2 net(t), c in its own group, loss = residual MSE + 100 misfit MSE. */
async function buildFit(rt: Runtime, v: Float32Array, meas: Float32Array) {
  const net = new FNN(rt, { layerSizes: [1, 24, 24, 1], activation: 'tanh', seed: 1 });
  const t = rt.tensor(times, [NT, 1], { requiresGrad: true });
  const c = rt.tensor([0.1], [1], { requiresGrad: true });
  const theta = mul(square(t), net.forward(t));
  const [d1] = grad(sum(theta), [t]);
  const [d2] = grad(sum(d1), [t]);
  const res = sub(add(add(d2, mul(c, d1)), sin(theta)), rt.tensor(v, [NT, 1]));
  const misfit = sub(theta, rt.tensor(meas, [NT, 1]));
  const loss = add(mean(square(res)), mulScalar(mean(square(misfit)), 100));
  loss.backward();
  const opt = new Adam([{ params: net.namedParameters() }, { params: [['c', c]], lr: 2e-2 }], {
    lr: 3e-3,
  });
  const step: Step = await rt.compile({ outputs: [loss, theta], updates: [opt] });
  return { step, c, loss, theta: theta as Tensor };
}

function plot(parent: HTMLElement, title: string, x: string, series: uPlot.Series[]): uPlot {
  return new uPlot(
    {
      title,
      width: 460,
      height: 260,
      scales: { x: { time: false } },
      axes: [
        { label: x, stroke: 'currentColor' },
        { stroke: 'currentColor', size: 50 },
      ],
      series: [{}, ...series],
    },
    [[], ...series.map(() => [])] as unknown as uPlot.AlignedData,
    parent,
  );
}

void runPage(async () => {
  setState('loading', 'Compiling the physics-informed step...');
  const rt = await init();
  const q = new URLSearchParams(location.search);
  const settings: Settings = {
    c: Number(q.get('c') ?? 0.5),
    noise: Number(q.get('noise') ?? 0.01),
    seed: Number(q.get('seed') ?? 0),
  };
  const page = {
    run: 0,
    iteration: 0,
    c: NaN,
    cTrue: settings.c,
    loss: NaN,
    history: [] as number[],
  };
  (window as unknown as { wgnoTwin: typeof page }).wgnoTwin = page;
  const plots = document.getElementById('plots')!;
  const cPlot = plot(plots, 'identified damping c', 'iteration', [
    { label: 'c', stroke: '#b2182b', width: 2 },
    { label: 'true c', stroke: '#999', width: 1, dash: [6, 4] },
  ]);
  const fitPlot = plot(plots, 'theta(t)', 't', [
    { label: 'measured', stroke: '#999', width: 0, points: { show: true, size: 4 } },
    { label: 'true', stroke: '#2166ac', width: 2 },
    { label: 'network', stroke: '#b2182b', width: 2, dash: [6, 4] },
  ]);
  let restart = true;
  const gui = new GUI({ container: document.getElementById('controls')!, title: 'measurements' });
  gui.add(settings, 'c', 0, 2, 0.05).name('true damping c');
  gui.add(settings, 'noise', 0, 0.1, 0.005).name('noise (fraction)');
  gui.add(settings, 'seed', 0, 99, 1).name('forcing seed');
  gui.onFinishChange(() => (restart = true));

  let fit: Awaited<ReturnType<typeof buildFit>> | null = null;
  let data = measure(settings);
  const curve: number[][] = [[], [], []];
  for (;;) {
    if (restart) {
      restart = false;
      fit?.step.destroy();
      data = measure(settings);
      setState('loading', 'New measurements: compiling the fit...');
      fit = await buildFit(rt, data.v, data.meas);
      Object.assign(page, { run: page.run + 1, iteration: 0, cTrue: settings.c, history: [] });
      curve.forEach((a) => (a.length = 0));
    }
    for (let i = 0; i < STEPS_PER_FRAME; i++) fit!.step.run();
    page.iteration += STEPS_PER_FRAME;
    [page.c, page.loss] = [(await fit!.c.read())[0], (await fit!.loss.read())[0]];
    page.history.push(page.c);
    curve[0].push(page.iteration);
    curve[1].push(page.c);
    curve[2].push(settings.c);
    cPlot.setData(curve as uPlot.AlignedData);
    const th = await fit!.theta.read();
    fitPlot.setData([[...times], [...data.meas], [...data.theta], [...th]]);
    setState(
      'running',
      `Iteration ${page.iteration}: c = ${page.c.toFixed(3)} (true ${settings.c}), loss ${page.loss.toExponential(2)}.`,
    );
    await new Promise((r) => setTimeout(r, 0));
  }
});
