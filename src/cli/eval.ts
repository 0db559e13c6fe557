/**
 * `wgno eval <run dir | config.json> <data>` (or `--weights W --config C --data FILE`): the error
 * of a trained model of any kind on a Navier-Stokes data set u [n, s, s, T], at the data's grid
 * (zero-shot at another resolution than the training one). FNO and MgNO: the FNO paper's rollout
 * score, u[..., 0:tIn] in and the rest of the trajectory predicted autoregressively (tOut =
 * T - tIn unless --t-out says otherwise). Space-time FNO: one window per trajectory, tIn frames in
 * and the next tOut out at once, and with `--refine K` also after K Spectral-Refiner iterations
 * (eval_window.ts). Reports the mean over trajectories of the relative L2 over the grid at each
 * predicted step and the mean over steps, as text or (--json) as one JSON line.
 */
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WgnoError } from '../errors';
import type { HostTensor } from '../io/host_tensor';
import { parseSafetensors, readSafetensors } from '../io/safetensors';
import { parseModelConfig, type SavedModelConfig } from '../models/registry';
import type { SpaceTimeFNO } from '../models/spacetime_fno';
import type { Runtime } from '../runtime/runtime';
import { Trainer } from '../train/trainer';
import { evaluateWindows, type RefineArgs } from './eval_window';
import { readInputFile } from './files';
import { checkGrid, nsModel } from './ns_models';
import { gpuJob } from './progress';

export interface EvalArgs extends RefineArgs {
  /** A run folder (config.json, weights.safetensors) or its config.json (positional). */
  run?: string;
  weights?: string;
  config?: string;
  data?: string;
  tIn?: number;
  tOut?: number;
  n?: number;
  batch: number;
  json?: boolean;
}

/** Mean over trajectories of the relative L2 at each predicted step, and its mean over steps. */
export interface StepErrors {
  mean: number;
  perStep: number[];
}

export interface EvalReport extends StepErrors {
  kind: SavedModelConfig['kind'];
  trajectories: number;
  size: [number, number];
  tIn: number;
  tOut: number;
  /** With --refine: the plain prediction's errors (mean and perStep are the refined ones). */
  plain?: StepErrors;
  /** With --refine: the iterations. */
  refine?: number;
}

/** The files of a run: `run` is its folder or its config.json; --config / --weights override. */
function runFiles(args: EvalArgs): { config: string; weights: string; data: string } {
  let dir: string | undefined;
  let config = args.config;
  if (args.run) {
    let isDir = false;
    try {
      isDir = statSync(args.run).isDirectory();
    } catch {
      // a missing file is reported by readInputFile, with the argument's name
    }
    config ??= isDir ? join(args.run, 'config.json') : args.run;
    dir = isDir ? args.run : dirname(args.run);
  }
  if (!config)
    throw new WgnoError(
      'eval',
      'give a run folder (or its config.json) and a data set: wgno eval <run> <data>',
    );
  const weights = args.weights ?? join(dir ?? dirname(config), 'weights.safetensors');
  if (!args.data) throw new WgnoError('eval', 'give the data set: wgno eval <run> <data>');
  return { config, weights, data: args.data };
}

export async function evaluate(args: EvalArgs, signal?: AbortSignal): Promise<EvalReport> {
  const files = runFiles(args);
  const text = new TextDecoder().decode(await readInputFile('eval', files.config, 'the config'));
  const saved = parseModelConfig('eval', text, files.config);
  if (args.refine !== undefined && saved.kind !== 'spacetime_fno')
    throw new WgnoError(
      'eval',
      `--refine refines a space-time FNO (model.kind 'spacetime_fno'); ${files.config} holds a '${saved.kind}' model`,
    );
  const ds = parseSafetensors(await readInputFile('eval', files.data, 'the data set'));
  const u = ds.tensors.get('u');
  if (!u || u.shape.length !== 4 || u.shape[1] !== u.shape[2])
    throw new WgnoError('eval', `${files.data} has no tensor 'u' [n, s, s, T]`);
  checkGrid('eval', saved, u.shape[1]);
  const weights = readSafetensors(await readInputFile('eval', files.weights, 'the weights'));
  const count = Math.min(args.n ?? u.shape[0], u.shape[0]);
  const label = args.refine ? 'eval (refinement iterations)' : 'eval (trajectories)';
  return gpuJob(label, async (rt, bar) => {
    if (saved.kind === 'spacetime_fno') {
      const tIn = args.tIn ?? saved.tIn ?? 10;
      const tOut = args.tOut ?? saved.tOut ?? 10;
      checkFrames(files.data, u, tIn, tOut);
      const m = nsModel(rt, { ...saved, tIn, tOut }, u);
      m.module.loadStateDict(weights);
      const nu = Number(ds.metadata.nu ?? 1e-3);
      const w = { u, tIn, tOut, first: u.shape[0] - count, count, nu };
      const r = await evaluateWindows(m.built.model as SpaceTimeFNO, w, args, bar, signal);
      return {
        ...r,
        kind: saved.kind,
        trajectories: count,
        size: [u.shape[1], u.shape[2]],
        tIn,
        tOut,
      };
    }
    return rollout(rt, saved, u, weights, args, count);
  });
}

function checkFrames(data: string, u: HostTensor, tIn: number, tOut: number): void {
  if (tOut < 1 || tIn + tOut > u.shape[3])
    throw new WgnoError(
      'eval',
      `${data} has T = ${u.shape[3]} frames; ${tIn} in and ${Math.max(tOut, 1)} predicted need T >= ${tIn + Math.max(tOut, 1)}`,
    );
}

/** The FNO paper's autoregressive rollout score of a one-step model (FNO, MgNO). */
async function rollout(
  rt: Runtime,
  saved: SavedModelConfig,
  u: HostTensor,
  weights: ReadonlyMap<string, HostTensor>,
  args: EvalArgs,
  count: number,
): Promise<EvalReport> {
  const inChannels = (saved.model as { inChannels: number }).inChannels;
  const tIn = args.tIn ?? saved.tIn ?? inChannels;
  if (inChannels !== tIn)
    throw new WgnoError('eval', `the model takes ${inChannels} input steps; --t-in is ${tIn}`);
  const tOut = args.tOut ?? u.shape[3] - tIn;
  checkFrames(args.data ?? 'the data set', u, tIn, tOut);
  const m = nsModel(rt, { ...saved, tIn, tOut }, u);
  m.module.loadStateDict(weights);
  const { inputs, targets } = m.pairs(u.shape[0] - count, count);
  const opts = {
    model: m.trainable,
    inputs,
    targets,
    batchSize: args.batch,
    rollout: { tIn, tOut },
  };
  const trainer = Trainer.forEvaluation(opts);
  const r = await trainer.evaluate(inputs, targets);
  trainer.destroy();
  const size: [number, number] = [u.shape[1], u.shape[2]];
  const report = { trajectories: count, size, tIn, tOut, mean: r.relL2, perStep: r.perStep! };
  return { ...report, kind: saved.kind };
}

const steps = (e: StepErrors, tIn: number) =>
  e.perStep.map((x, k) => `  t = ${tIn + k + 1}: ${x.toFixed(5)}`);

/**
 * The report as text; with `json`, its last line is `{"mean": ..., "perStep": [...]}` (with
 * --refine also `"plain": {"mean": ..., "perStep": [...]}`).
 */
export function formatEval(r: EvalReport, json: boolean): string {
  const what = r.kind === 'spacetime_fno' ? 'predicted at once' : 'out';
  const head = `${r.trajectories} trajectories at ${r.size[0]}x${r.size[1]}, ${r.tIn} steps in, ${r.tOut} ${what}`;
  if (json) {
    const line = { mean: r.mean, perStep: r.perStep, ...(r.plain ? { plain: r.plain } : {}) };
    return `${head}\n${JSON.stringify(line)}`;
  }
  const title = (e: StepErrors, name: string) =>
    `${name}relative L2 (mean over trajectories and steps): ${e.mean.toFixed(5)}`;
  if (!r.plain) return [head, title(r, ''), 'per step:', ...steps(r, r.tIn)].join('\n');
  return [
    head,
    title(r.plain, 'plain: '),
    `refined (${r.refine} iterations): ${title(r, '')}`,
    'per step (plain -> refined):',
    ...r.perStep.map(
      (x, k) => `  t = ${r.tIn + k + 1}: ${r.plain!.perStep[k].toFixed(5)} -> ${x.toFixed(5)}`,
    ),
  ].join('\n');
}
