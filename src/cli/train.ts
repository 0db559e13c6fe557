/**
 * `wgno train --config FILE [--resume]`: a model of `model.kind` on a Navier-Stokes data set. The
 * FNO ('fno', the default) and MgNO ('mgno') with the FNO paper's autoregressive setup (tIn steps
 * in, one step out, relative L2 summed over tOut rollout steps); the space-time FNO
 * ('spacetime_fno') maps tIn frames to the next tOut at once (relative L2 per frame). Adam with L2 weight decay and a step schedule. Writes into `out` what epochs.ts describes:
 * config.json, and after every epoch checkpoint.safetensors (`--resume` continues from it, log
 * and elapsed time included), weights.safetensors (what `wgno eval` and the demo read), log.csv
 * and report.html.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WgnoError } from '../errors';
import type { HostTensor } from '../io/host_tensor';
import { readSafetensors } from '../io/safetensors';
import { readCheckpointFile, type Checkpoint } from '../train/checkpoint';
import { Adam, StepLR } from '../train/optim';
import { Trainer } from '../train/trainer';
import { readTrainConfig, type TrainConfig } from './config';
import { trainEpochs, type Run } from './epochs';
import { prepareOutputDir, readInputFile } from './files';
import { checkGrid, configJson, nsModel, savedConfig, type NsModel } from './ns_models';
import { gpuJob } from './progress';

export { readTrainConfig, type TrainConfig } from './config';

async function readRollout(cfg: TrainConfig): Promise<HostTensor> {
  const u = readSafetensors(await readInputFile('train', cfg.data, "'data'")).get('u');
  if (!u) throw new WgnoError('train', `${cfg.data} has no tensor 'u' [n, s, s, T]`);
  if (u.shape.length !== 4 || u.shape[3] < cfg.tIn + cfg.tOut)
    throw new WgnoError(
      'train',
      `${cfg.data}: u is [${u.shape.join(', ')}]; tIn + tOut = ${cfg.tIn + cfg.tOut} needs [n, s, s, T >= ${cfg.tIn + cfg.tOut}]`,
    );
  if (cfg.nTrain + cfg.nTest > u.shape[0])
    throw new WgnoError(
      'train',
      `nTrain + nTest = ${cfg.nTrain + cfg.nTest} but ${cfg.data} has ${u.shape[0]} trajectories`,
    );
  return u;
}

export async function train(
  configPath: string,
  resume: boolean,
  signal: AbortSignal,
): Promise<void> {
  const cfg = await readTrainConfig(configPath);
  const saved = savedConfig(cfg);
  if (saved.kind === 'mgno' && saved.model.variant === 'ns' && cfg.tIn !== 1)
    throw new WgnoError(
      'train',
      `model.variant 'ns' adds its input to its one-frame output, so it needs tIn = 1, got ${cfg.tIn}; use variant 'dc' for ${cfg.tIn} frames in`,
    );
  await prepareOutputDir('train', cfg.out, "'out'");
  const ckptPath = join(cfg.out, 'checkpoint.safetensors');
  if (resume && !existsSync(ckptPath))
    throw new WgnoError('train', `--resume: ${ckptPath} does not exist`);
  const u = await readRollout(cfg);
  checkGrid('train', saved, u.shape[1]);
  const ckpt = resume ? await readCheckpointFile(ckptPath) : null;
  await gpuJob('train (epochs)', async (rt, bar) => {
    const run = await modelRun(cfg, nsModel(rt, saved, u), ckpt);
    await trainEpochs(run, ckpt, configJson(saved), bar, signal);
  });
}

/** The model's Adam + StepLR and its pairs: the first nTrain train, the last nTest test. */
async function modelRun(cfg: TrainConfig, m: NsModel, ckpt: Checkpoint | null): Promise<Run> {
  const tr = m.pairs(0, cfg.nTrain);
  const params = m.trainable.namedParameters();
  const optimizer = new Adam(params, { lr: cfg.lr, weightDecay: cfg.weightDecay });
  const scheduler = new StepLR(optimizer, { stepSize: cfg.stepSize, gamma: cfg.gamma });
  const opts = {
    model: m.trainable,
    optimizer,
    scheduler,
    inputs: tr.inputs,
    targets: tr.targets,
    batchSize: cfg.batchSize,
    seed: cfg.seed,
    ...m.trainerOptions,
  };
  const trainer = ckpt ? await Trainer.resume(opts, ckpt) : await Trainer.create(opts);
  return {
    op: 'train',
    out: cfg.out,
    epochs: cfg.epochs,
    trainer,
    model: m.module,
    optimizer,
    test: m.pairs(m.total - cfg.nTest, cfg.nTest),
    // The Trainer's loss sums the relative L2 over a batch's samples and predicted frames.
    lossScale: cfg.batchSize * cfg.tOut,
  };
}
