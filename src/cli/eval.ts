/**
 * `wgno eval --weights W --config C --data FILE`: feeds u[..., 0:tIn] of every trajectory (or the
 * last --n) and predicts the next tOut steps autoregressively; prints the mean relative L2 error
 * over trajectories and steps, and the error of each step.
 */
import { readFile } from 'node:fs/promises';
import { WgnoError } from '../errors';
import { init } from '../runtime/runtime';
import { readSafetensors } from '../io/safetensors';
import { FNO } from '../models/fno';
import { parseSavedConfig } from '../models/load';
import { nsRolloutPairs } from '../pde/dataset';
import { Trainer } from '../train/trainer';

export interface EvalArgs {
  weights: string;
  config: string;
  data: string;
  tIn?: number;
  tOut?: number;
  n?: number;
  batch: number;
}

export async function evaluate(args: EvalArgs): Promise<string> {
  const saved = parseSavedConfig('eval', await readFile(args.config, 'utf8'), args.config);
  const tIn = args.tIn ?? saved.tIn ?? 10;
  const tOut = args.tOut ?? saved.tOut ?? 10;
  if (saved.model.inChannels !== tIn)
    throw new WgnoError(
      'eval',
      `the model takes ${saved.model.inChannels} input steps; --t-in is ${tIn}`,
    );
  const u = readSafetensors(await readFile(args.data)).get('u');
  if (!u) throw new WgnoError('eval', `${args.data} has no tensor 'u' [n, s, s, T]`);
  const count = Math.min(args.n ?? u.shape[0], u.shape[0]);
  const { inputs, targets } = nsRolloutPairs(u, tIn, tOut, u.shape[0] - count, count);
  const rt = await init();
  try {
    const model = new FNO(rt, saved.model);
    model.loadStateDict(readSafetensors(await readFile(args.weights)));
    const trainer = Trainer.forEvaluation({
      model,
      inputs,
      targets,
      batchSize: args.batch,
      rollout: { tIn, tOut },
    });
    const r = await trainer.evaluate(inputs, targets);
    trainer.destroy();
    const steps = r.perStep!.map((e, k) => `  t = ${tIn + k + 1}: ${e.toFixed(5)}`);
    return [
      `${count} trajectories at ${u.shape[1]}x${u.shape[2]}, ${tIn} steps in, ${tOut} out`,
      `relative L2 (mean over trajectories and steps): ${r.relL2.toFixed(5)}`,
      'per step:',
      ...steps,
    ].join('\n');
  } finally {
    rt.destroy();
  }
}
