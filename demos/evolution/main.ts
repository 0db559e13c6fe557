/**
 * Neuroevolution live: the genetic algorithm evolves CartPole policies on the browser's GPU
 * (src/train/evolution/), the return curve draws generation by generation, and the canvas replays
 * the best member's episode, its weights rebuilt on the host from its genome (a list of seeds).
 * `?population=N` sets the population (default 200: SwiftShader-sized; a GPU runs 1000 easily).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import {
  GeneticAlgorithm,
  PopulationFNN,
  RandomSeed,
  cartpoleReturns,
  cartpoleStart,
  cartpoleStep,
  init,
  mean,
  rebuildGenome,
  type ParamSlot,
} from '../../src/index';
import { runPage, setState } from '../page';

const H = 16;
const population = Number(new URLSearchParams(location.search).get('population') ?? 200);

/** The policy's output for state s, from a member's flat weights (the layout's order). */
function policy(w: Float32Array, layout: readonly ParamSlot[], s: number[]): number {
  let x = s;
  for (let k = 0; k < layout.length; k += 2) {
    const [W, b] = [layout[k], layout[k + 1]];
    const [out, inp] = W.shape;
    const y = Array.from({ length: out }, (_, i) => {
      let a = w[b.offset + i];
      for (let j = 0; j < inp; j++) a += w[W.offset + i * inp + j] * x[j];
      return k + 2 < layout.length ? Math.tanh(a) : a;
    });
    x = y;
  }
  return x[0];
}

/** The states of one episode of the policy w, from episode seed `seed`. */
function episode(w: Float32Array, layout: readonly ParamSlot[], seed: number): number[][] {
  let s = cartpoleStart(seed, 0);
  const states = [s];
  for (let t = 0; t < 500; t++) {
    s = cartpoleStep(s, policy(w, layout, s) > 0);
    states.push(s);
    if (Math.abs(s[0]) > 2.4 || Math.abs(s[2]) > (12 * Math.PI) / 180) break;
  }
  return states;
}

function draw(ctx: CanvasRenderingContext2D, s: number[], t: number, n: number): void {
  const { width: W, height: Hc } = ctx.canvas;
  const scale = W / 6; // 6 m of track across the canvas
  const cx = W / 2 + s[0] * scale;
  const ground = Hc - 60;
  ctx.clearRect(0, 0, W, Hc);
  ctx.strokeStyle = '#888';
  ctx.beginPath();
  ctx.moveTo(W / 2 - 2.4 * scale, ground);
  ctx.lineTo(W / 2 + 2.4 * scale, ground);
  ctx.stroke();
  ctx.fillStyle = '#2166ac';
  ctx.fillRect(cx - 25, ground - 15, 50, 30);
  ctx.strokeStyle = '#b2182b';
  ctx.lineWidth = 6;
  ctx.beginPath();
  ctx.moveTo(cx, ground - 15);
  ctx.lineTo(cx + Math.sin(s[2]) * scale, ground - 15 - Math.cos(s[2]) * scale);
  ctx.stroke();
  ctx.lineWidth = 1;
  ctx.fillStyle = 'currentColor';
  ctx.fillText(`step ${t} / ${n - 1}`, 10, 20);
}

void runPage(async () => {
  setState('loading', 'Compiling the generation step...');
  const rt = await init();
  const pop = new PopulationFNN(rt, {
    population,
    layerSizes: [4, H, H, 1],
    activation: 'tanh',
    seed: 1,
  });
  const episodes = new RandomSeed(0);
  const fitness = () => mean(cartpoleReturns(pop, { episodes: 1, seed: episodes }), 1);
  const ga = new GeneticAlgorithm(pop, fitness, {
    truncation: Math.min(20, population),
    sigma: 0.1,
    seed: 1,
  });
  const plot = new uPlot(
    {
      title: 'return (max 500)',
      width: 460,
      height: 260,
      scales: { x: { time: false } },
      axes: [{ label: 'generation', stroke: 'currentColor' }, { stroke: 'currentColor' }],
      series: [
        {},
        { label: 'best', stroke: '#b2182b', width: 2 },
        { label: 'mean', stroke: '#2166ac', width: 2 },
      ],
    },
    [[], [], []],
    document.getElementById('plots')!,
  );
  const curve: [number[], number[], number[]] = [[], [], []];
  const page = { generation: 0, best: [] as number[], mean: [] as number[], replayed: 0 };
  (window as unknown as { wgnoEvolution: typeof page }).wgnoEvolution = page;

  const ctx = (document.getElementById('cart') as HTMLCanvasElement).getContext('2d')!;
  let replay: number[][] = [cartpoleStart(0, 0)];
  let frame = 0;
  const animate = () => {
    frame = (frame + 1) % replay.length;
    draw(ctx, replay[frame], frame, replay.length);
    page.replayed++;
    requestAnimationFrame(animate);
  };
  requestAnimationFrame(animate);

  setState('running', 'Evolving on the GPU...');
  for (let g = 0; g < 1000; g++) {
    episodes.value = g;
    const t0 = performance.now();
    const gen = await ga.generation();
    const ms = performance.now() - t0;
    page.generation = g + 1;
    page.best.push(gen.best);
    page.mean.push(gen.mean);
    curve[0].push(g);
    curve[1].push(gen.best);
    curve[2].push(gen.mean);
    plot.setData(curve);
    replay = episode(rebuildGenome(pop.layout, gen.bestGenome, ga.sigma), pop.layout, g);
    frame = 0;
    setState(
      'running',
      `Generation ${g}: best return ${gen.best}, mean ${gen.mean.toFixed(1)} over ${population} policies (${ms.toFixed(0)} ms); the best member's genome has ${gen.bestGenome.length} seeds.`,
    );
  }
  setState('done');
});
