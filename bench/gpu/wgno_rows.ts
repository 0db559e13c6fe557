/**
 * wgno's rows of the GPU script, for one Runtime (one kernel lowering): the FNO-2D of
 * bench/fno.bench.ts (neuraloperator semantics, width 20, modes (12, 12), 4 blocks) inference and
 * training step (forward, backward, Adam), and the GNO layer of bench/gno.bench.ts forward and
 * forward + backward; each timed per run and profiled per kernel.
 */
import { Adam, FNO, Rng, lpLoss } from '../../src/index';
import type { Runtime, Step } from '../../src/index';
import { FNO_BENCH, type Weights } from '../peers/spec';
import { gnoProblem, type GnoCase, type GnoProblem, type GnoWeight } from '../peers/gno_spec';
import { wgnoGno } from '../peers/gno_wgno';
import { kernelTable, timeRuns } from './timing';
import type { KernelTableT, StepRowT } from './report';

export interface FnoSize {
  batch: number;
  size: number;
}

/** What the jax-js rows need to run the same model on the same data. */
export interface FnoShared extends FnoSize {
  weights: Weights;
  x: Float32Array;
  y: Float32Array;
  /** wgno's forward output with these weights. */
  out: Float32Array;
}

export interface GnoShared {
  problem: GnoProblem;
  weights: GnoWeight[];
  out: Float32Array;
}

/** Where a row goes, and the context it is measured in. */
export interface Sink {
  lowering: 'workgroup' | 'lane';
  copyGBps: number;
  profileRuns: number;
  steps: StepRowT[];
  kernels: KernelTableT[];
  /** Writes the report (after every row, so a run killed at its limit keeps each row). */
  save(): void;
  /** True once the time budget is spent: the remaining rows are skipped and named. */
  expired(what: string): boolean;
}

const lowered = (rt: Runtime) => async (step: Step) => {
  step.run();
  await rt.device.queue.onSubmittedWorkDone();
};

async function record(
  rt: Runtime,
  sink: Sink,
  row: Omit<StepRowT, 'medianMs' | 'minMs' | 'samples' | 'reps' | 'firstMs' | 'lib' | 'lowering'>,
  step: Step,
): Promise<void> {
  if (sink.expired(`wgno ${sink.lowering} ${row.name}`)) return;
  const run = lowered(rt);
  const t = await timeRuns(() => run(step));
  sink.steps.push({ ...row, lib: 'wgno', lowering: sink.lowering, ...t });
  sink.save();
  if (sink.expired(`wgno ${sink.lowering} ${row.name} kernel times`)) return;
  const meta = { step: row.name, lowering: sink.lowering, copyGBps: sink.copyGBps };
  sink.kernels.push(await kernelTable(step, { ...meta, runs: sink.profileRuns }));
  sink.save();
}

/** FNO-2D inference and training step at one size; returns the weights and data for the peers. */
export async function fnoRows(rt: Runtime, sink: Sink, s: FnoSize): Promise<FnoShared> {
  const { inChannels, outChannels, hidden, nLayers, modes, lr } = FNO_BENCH;
  const rng = new Rng(7);
  const x = rng.normals(s.batch * inChannels * s.size * s.size, 1);
  const y = rng.normals(s.batch * outChannels * s.size * s.size, 1);
  const model = new FNO(rt, {
    nModes: [...modes],
    inChannels,
    outChannels,
    hiddenChannels: hidden,
    nLayers,
    seed: 3,
  });
  const xt = rt.tensor(x, [s.batch, inChannels, s.size, s.size]);
  const yt = rt.tensor(y, [s.batch, outChannels, s.size, s.size]);
  const out = model.forward(xt);
  const infer = await rt.compile({ outputs: [out], label: 'fno-infer' });
  infer.run();
  const shared: FnoShared = { ...s, weights: new Map(), x, y, out: await out.read() };
  for (const [name, p] of model.namedParameters())
    shared.weights.set(name, {
      shape: [...p.shape],
      dtype: p.dtype === 'complex64' ? 'complex64' : 'float32',
      data: await p.read(),
    });
  const loss = lpLoss(model.forward(xt), yt);
  loss.backward();
  const adam = new Adam(model.namedParameters(), { lr });
  const train = await rt.compile({ outputs: [loss], updates: [adam], label: 'fno-train' });
  const shape = { batch: s.batch, size: s.size, width: hidden, modes: [...modes] };
  const tag = `b${s.batch} ${s.size}x${s.size}`;
  const common = { model: 'fno2d' as const, shape };
  await record(
    rt,
    sink,
    { ...common, name: `fno2d infer ${tag}`, kind: 'infer', dispatches: infer.dispatchCount },
    infer,
  );
  await record(
    rt,
    sink,
    { ...common, name: `fno2d train ${tag}`, kind: 'train', dispatches: train.dispatchCount },
    train,
  );
  infer.destroy();
  train.destroy();
  return shared;
}

/** The GNO layer's forward and forward + backward on one seeded point cloud. */
export async function gnoRows(rt: Runtime, sink: Sink, c: GnoCase): Promise<GnoShared> {
  const problem = gnoProblem(c);
  const w = await wgnoGno(rt, problem);
  w.fwd.run();
  const shared: GnoShared = { problem, weights: w.weights, out: await w.out.read() };
  const shape = { points: c.n, edges: problem.nnz, hidden: c.hidden, channels: c.channels };
  const tag = `n${c.n} h${c.hidden} c${c.channels}`;
  const common = { model: 'gno' as const, shape };
  await record(
    rt,
    sink,
    { ...common, name: `gno fwd ${tag}`, kind: 'fwd', dispatches: w.fwd.dispatchCount },
    w.fwd,
  );
  await record(
    rt,
    sink,
    { ...common, name: `gno fwd+bwd ${tag}`, kind: 'fwd+bwd', dispatches: w.fwdBwd.dispatchCount },
    w.fwdBwd,
  );
  w.fwd.destroy();
  w.fwdBwd.destroy();
  return shared;
}
