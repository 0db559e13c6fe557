/**
 * `wgno train --config FILE [--resume]`: an FNO on a Navier-Stokes data set with the paper's
 * autoregressive setup (tIn steps in, one step out, relative L2 summed over tOut rollout steps),
 * Adam with L2 weight decay and a step schedule. Writes into `out`: config.json at the start, and
 * after every epoch (atomically) checkpoint.safetensors (`--resume` continues from it),
 * weights.safetensors (what `wgno eval` and the demo read), a line of log.csv and report.html
 * (the loss curves so far).
 */
import { mkdir, readFile, writeFile, appendFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WgnoError } from '../errors';
import { writeFileAtomic } from '../io/atomic_file';
import { readSafetensors, writeSafetensors } from '../io/safetensors';
import { FNO, type FNOConfig } from '../models/fno';
import { nsRolloutPairs } from '../pde/dataset';
import { readCheckpointFile, writeCheckpointFile } from '../train/checkpoint';
import { Adam, StepLR } from '../train/optim';
import { Trainer } from '../train/trainer';
import { gpuJob } from './progress';
import { report } from './report';

export interface TrainConfig {
  /** Data set file (wgno ns-generate): u [n, s, s, T]. */
  data: string;
  nTrain: number;
  nTest: number;
  tIn: number;
  tOut: number;
  /** FNO options; inChannels = tIn and outChannels = 1 are set from the rollout. */
  model: Omit<FNOConfig, 'inChannels' | 'outChannels'>;
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  stepSize: number;
  gamma: number;
  seed: number;
  /** Output folder. */
  out: string;
}

const DEFAULTS = {
  tIn: 10,
  tOut: 10,
  lr: 1e-3,
  weightDecay: 1e-4,
  stepSize: 100,
  gamma: 0.5,
  seed: 0,
};
const REQUIRED = ['data', 'nTrain', 'nTest', 'model', 'epochs', 'batchSize', 'out'] as const;

/** Reads and checks a training config (JSON); unknown keys are errors. */
export async function readTrainConfig(path: string): Promise<TrainConfig> {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new WgnoError('train', `${path}: ${(e as Error).message}`);
  }
  const known = new Set([...REQUIRED, ...Object.keys(DEFAULTS)]);
  const unknown = Object.keys(raw).filter((k) => !known.has(k as never));
  if (unknown.length)
    throw new WgnoError(
      'train',
      `${path}: unknown key '${unknown[0]}'; valid keys: ${[...known].join(', ')}`,
    );
  for (const k of REQUIRED)
    if (raw[k] === undefined) throw new WgnoError('train', `${path}: missing key '${k}'`);
  return { ...DEFAULTS, ...raw } as TrainConfig;
}

export async function train(
  configPath: string,
  resume: boolean,
  signal: AbortSignal,
): Promise<void> {
  const cfg = await readTrainConfig(configPath);
  const u = readSafetensors(await readFile(cfg.data)).get('u');
  if (!u) throw new WgnoError('train', `${cfg.data} has no tensor 'u' [n, s, s, T]`);
  if (cfg.nTrain + cfg.nTest > u.shape[0])
    throw new WgnoError(
      'train',
      `nTrain + nTest = ${cfg.nTrain + cfg.nTest} but ${cfg.data} has ${u.shape[0]} trajectories`,
    );
  const tr = nsRolloutPairs(u, cfg.tIn, cfg.tOut, 0, cfg.nTrain);
  const te = nsRolloutPairs(u, cfg.tIn, cfg.tOut, u.shape[0] - cfg.nTest, cfg.nTest);
  await mkdir(cfg.out, { recursive: true });
  const ckptPath = join(cfg.out, 'checkpoint.safetensors');
  const logPath = join(cfg.out, 'log.csv');
  await gpuJob('train (epochs)', async (rt, bar) => {
    const modelConfig: FNOConfig = { ...cfg.model, inChannels: cfg.tIn, outChannels: 1 };
    const model = new FNO(rt, { seed: cfg.seed, ...modelConfig });
    const optimizer = new Adam(model.namedParameters(), {
      lr: cfg.lr,
      weightDecay: cfg.weightDecay,
    });
    const scheduler = new StepLR(optimizer, { stepSize: cfg.stepSize, gamma: cfg.gamma });
    const opts = {
      model,
      optimizer,
      scheduler,
      inputs: tr.inputs,
      targets: tr.targets,
      batchSize: cfg.batchSize,
      seed: cfg.seed,
      rollout: { tIn: cfg.tIn, tOut: cfg.tOut },
    };
    if (resume && !existsSync(ckptPath))
      throw new WgnoError('train', `--resume: ${ckptPath} does not exist`);
    const trainer = resume
      ? await Trainer.resume(opts, await readCheckpointFile(ckptPath))
      : await Trainer.create(opts);
    if (!resume) await writeFile(logPath, 'epoch,train_rel_l2,test_rel_l2,lr,seconds\n');
    await writeFile(
      join(cfg.out, 'config.json'),
      `${JSON.stringify({ model: modelConfig, tIn: cfg.tIn, tOut: cfg.tOut }, null, 2)}\n`,
    );
    const t0 = performance.now();
    while (trainer.epoch < cfg.epochs && !signal.aborted) {
      const lr = optimizer.lr;
      const { losses } = await trainer.fit(1);
      const test = await trainer.evaluate(te.inputs, te.targets);
      // Every epoch leaves a resumable checkpoint and usable weights on disk.
      await writeCheckpointFile(ckptPath, await trainer.saveCheckpoint());
      const weights = writeSafetensors(await model.stateDict());
      await writeFileAtomic(join(cfg.out, 'weights.safetensors'), weights);
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      const trainLoss = losses.at(-1)! / (cfg.batchSize * cfg.tOut);
      await appendFile(logPath, `${trainer.epoch},${trainLoss},${test.relL2},${lr},${secs}\n`);
      await report(cfg.out);
      bar.update(trainer.epoch, cfg.epochs);
    }
    bar.stop();
    if (signal.aborted)
      throw new WgnoError(
        'train',
        `aborted after epoch ${trainer.epoch} (its weights and checkpoint are in ${cfg.out}); continue with --resume`,
      );
    process.stderr.write(
      `wrote ${cfg.out}/weights.safetensors, config.json, log.csv, report.html\n`,
    );
  });
}
