/**
 * `wgno darcy-eval --run DIR --data FILE`: the relative L2 error of a darcy-train run's weights
 * on Darcy samples (the last --n of the file, default all) at a cloud of --points nodes (default:
 * the training size) drawn with --cloud-seed (default: the training cloud's seed + 1, a cloud the
 * model has not seen; the same weights run at any density). Text, or (--json) one JSON line.
 */
import { join } from 'node:path';
import { WgnoError } from '../errors';
import { readSafetensors } from '../io/safetensors';
import { init } from '../runtime/runtime';
import { Trainer } from '../train/trainer';
import { cloudData, makeCloudModel, onCloud, readDarcySet, type CloudRun } from './darcy_cloud';
import { readInputFile } from './files';

export interface DarcyEvalArgs {
  run: string;
  data: string;
  points?: number;
  cloudSeed?: number;
  n?: number;
  batch: number;
  json?: boolean;
}

async function readRun(dir: string): Promise<CloudRun> {
  const file = join(dir, 'config.json');
  const text = new TextDecoder().decode(await readInputFile('darcy-eval', file, '--run'));
  let run: CloudRun;
  try {
    run = JSON.parse(text) as CloudRun;
  } catch (e) {
    throw new WgnoError('darcy-eval', `${file} is not JSON: ${(e as Error).message}`);
  }
  if (run?.type !== 'gno' && run?.type !== 'gino')
    throw new WgnoError(
      'darcy-eval',
      `${file} is not a darcy-train run's config (no type gno/gino)`,
    );
  return run;
}

/** The mean relative L2 error over the samples; `json`: the line `{"mean": ..., "points": ...}`. */
export async function darcyEvaluate(args: DarcyEvalArgs): Promise<string> {
  const run = await readRun(args.run);
  const ds = await readDarcySet('darcy-eval', args.data, '--data');
  const weights = readSafetensors(
    await readInputFile('darcy-eval', join(args.run, 'weights.safetensors'), '--run'),
  );
  const total = ds.sol.shape[0];
  const n = Math.min(args.n ?? total, total);
  const points = args.points ?? run.points;
  const seed = args.cloudSeed ?? run.cloudSeed + 1;
  const cloud = cloudData(ds, [total - n, n], points, seed, run.uScale);
  const rt = await init();
  try {
    const model = makeCloudModel(rt, run);
    model.loadStateDict(weights);
    const adapted = await onCloud(rt, run, model, cloud);
    const trainer = Trainer.forEvaluation({
      ...{ model: adapted, inputs: cloud.inputs, targets: cloud.targets },
      ...{ batchSize: args.batch, layout: 'channels-last' },
    });
    const { relL2 } = await trainer.evaluate(cloud.inputs, cloud.targets);
    trainer.destroy();
    adapted.destroy();
    const head = `${n} samples, ${run.type.toUpperCase()} on ${points} points (cloud seed ${seed})`;
    if (args.json) return `${head}\n${JSON.stringify({ mean: relL2, points, seed })}`;
    return `${head}\nrelative L2 (mean over samples): ${relL2.toFixed(5)}`;
  } finally {
    rt.destroy();
  }
}
