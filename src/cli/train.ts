/**
 * `wgno train --config FILE [--resume]`: an FNO on a Navier-Stokes data set with the paper's
 * autoregressive setup (tIn steps in, one step out, relative L2 summed over tOut rollout steps),
 * Adam with L2 weight decay and a step schedule. Writes into `out` what epochs.ts describes:
 * config.json, and after every epoch checkpoint.safetensors (`--resume` continues from it, log
 * and elapsed time included), weights.safetensors (what `wgno eval` and the demo read), log.csv
 * and report.html.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WgnoError } from '../errors';
import type { HostTensor } from '../io/host_tensor';
import { readSafetensors } from '../io/safetensors';
import { FNO, type FNOConfig } from '../models/fno';
import { nsRolloutPairs } from '../pde/dataset';
import type { Runtime } from '../runtime/runtime';
import { readCheckpointFile, type Checkpoint } from '../train/checkpoint';
import { Adam, StepLR } from '../train/optim';
import { Trainer } from '../train/trainer';
import { readTrainConfig, type TrainConfig } from './config';
import { trainEpochs, type Run } from './epochs';
import { prepareOutputDir, readInputFile } from './files';
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
  await prepareOutputDir('train', cfg.out, "'out'");
  const ckptPath = join(cfg.out, 'checkpoint.safetensors');
  if (resume && !existsSync(ckptPath))
    throw new WgnoError('train', `--resume: ${ckptPath} does not exist`);
  const u = await readRollout(cfg);
  const ckpt = resume ? await readCheckpointFile(ckptPath) : null;
  await gpuJob('train (epochs)', async (rt, bar) => {
    const run = await fnoRun(rt, cfg, u, ckpt);
    const saved = { model: run.model.config, tIn: cfg.tIn, tOut: cfg.tOut };
    await trainEpochs(run, ckpt, saved, bar, signal);
  });
}

/** The FNO, its Adam + StepLR, and the rollout pairs: the first nTrain train, the last nTest test. */
async function fnoRun(
  rt: Runtime,
  cfg: TrainConfig,
  u: HostTensor,
  ckpt: Checkpoint | null,
): Promise<Run & { model: FNO }> {
  const tr = nsRolloutPairs(u, cfg.tIn, cfg.tOut, 0, cfg.nTrain);
  const modelConfig: FNOConfig = { ...cfg.model, inChannels: cfg.tIn, outChannels: 1 };
  const model = new FNO(rt, { seed: cfg.seed, ...modelConfig });
  const optimizer = new Adam(model.namedParameters(), { lr: cfg.lr, weightDecay: cfg.weightDecay });
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
  const trainer = ckpt ? await Trainer.resume(opts, ckpt) : await Trainer.create(opts);
  const test = nsRolloutPairs(u, cfg.tIn, cfg.tOut, u.shape[0] - cfg.nTest, cfg.nTest);
  const lossScale = cfg.batchSize * cfg.tOut;
  return {
    op: 'train',
    out: cfg.out,
    epochs: cfg.epochs,
    trainer,
    model,
    optimizer,
    test,
    lossScale,
  };
}
