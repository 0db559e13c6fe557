/**
 * `wgno eval --weights W --config C --data FILE`: the FNO paper's rollout score. Feeds
 * u[..., 0:tIn] of every trajectory (or the last --n) and predicts the rest of the trajectory
 * autoregressively (tOut = T - tIn steps unless --t-out says otherwise; the config's tOut is the
 * training window, not the score's); reports the mean relative L2 error over trajectories and
 * steps, and the error of each step, as text or (--json) as one JSON line.
 */
import { WgnoError } from '../errors';
import { readSafetensors } from '../io/safetensors';
import { FNO } from '../models/fno';
import { parseSavedConfig } from '../models/load';
import { nsRolloutPairs } from '../pde/dataset';
import { init } from '../runtime/runtime';
import { Trainer } from '../train/trainer';
import { readInputFile } from './files';

export interface EvalArgs {
  weights: string;
  config: string;
  data: string;
  tIn?: number;
  tOut?: number;
  n?: number;
  batch: number;
  json?: boolean;
}

export interface EvalReport {
  trajectories: number;
  size: [number, number];
  tIn: number;
  tOut: number;
  mean: number;
  perStep: number[];
}

export async function evaluate(args: EvalArgs): Promise<EvalReport> {
  const text = new TextDecoder().decode(await readInputFile('eval', args.config, '--config'));
  const saved = parseSavedConfig('eval', text, args.config);
  const tIn = args.tIn ?? saved.tIn ?? 10;
  if (saved.model.inChannels !== tIn)
    throw new WgnoError(
      'eval',
      `the model takes ${saved.model.inChannels} input steps; --t-in is ${tIn}`,
    );
  const u = readSafetensors(await readInputFile('eval', args.data, '--data')).get('u');
  if (!u || u.shape.length !== 4)
    throw new WgnoError('eval', `${args.data} has no tensor 'u' [n, s, s, T]`);
  const tOut = args.tOut ?? u.shape[3] - tIn;
  if (tOut < 1 || tIn + tOut > u.shape[3])
    throw new WgnoError(
      'eval',
      `${args.data} has T = ${u.shape[3]} steps; tIn = ${tIn} and tOut = ${tOut} need ${tIn + Math.max(tOut, 1)}`,
    );
  const weights = readSafetensors(await readInputFile('eval', args.weights, '--weights'));
  const count = Math.min(args.n ?? u.shape[0], u.shape[0]);
  const { inputs, targets } = nsRolloutPairs(u, tIn, tOut, u.shape[0] - count, count);
  const rt = await init();
  try {
    const model = new FNO(rt, saved.model);
    model.loadStateDict(weights);
    const trainer = Trainer.forEvaluation({
      model,
      inputs,
      targets,
      batchSize: args.batch,
      rollout: { tIn, tOut },
    });
    const r = await trainer.evaluate(inputs, targets);
    trainer.destroy();
    const size: [number, number] = [u.shape[1], u.shape[2]];
    return { trajectories: count, size, tIn, tOut, mean: r.relL2, perStep: r.perStep! };
  } finally {
    rt.destroy();
  }
}

/** The report as text; with `json`, its last line is `{"mean": ..., "perStep": [...]}`. */
export function formatEval(r: EvalReport, json: boolean): string {
  const head = `${r.trajectories} trajectories at ${r.size[0]}x${r.size[1]}, ${r.tIn} steps in, ${r.tOut} out`;
  if (json) return `${head}\n${JSON.stringify({ mean: r.mean, perStep: r.perStep })}`;
  const steps = r.perStep.map((e, k) => `  t = ${r.tIn + k + 1}: ${e.toFixed(5)}`);
  return [
    head,
    `relative L2 (mean over trajectories and steps): ${r.mean.toFixed(5)}`,
    'per step:',
    ...steps,
  ].join('\n');
}
