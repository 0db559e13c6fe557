/**
 * `wgno darcy-train --config FILE [--resume]`: a GNO or GINO on Darcy point clouds (see
 * darcy_cloud.ts) from a darcy-generate set: the first nTrain samples train, the last nTest test,
 * all on one cloud of `points` nodes (seed cloudSeed). Adam + StepLR, relative L2; the run folder
 * is written as epochs.ts describes (config.json is what `wgno darcy-eval` reads).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { WgnoError } from '../errors';
import type { GINOConfig } from '../models/gino';
import type { GNOConfig } from '../models/gno';
import { readCheckpointFile } from '../train/checkpoint';
import { Adam, StepLR } from '../train/optim';
import { Trainer } from '../train/trainer';
import { int, integer, nonNegative, path, positive, readConfig } from './config';
import {
  cloudData,
  makeCloudModel,
  onCloud,
  readDarcySet,
  type CloudRun,
  type DarcySet,
} from './darcy_cloud';
import { trainEpochs } from './epochs';
import { prepareOutputDir } from './files';
import { gpuJob } from './progress';

/** The model's own options pass through to GNO / GINO, which check them (unknown keys included). */
const modelSchema = z.discriminatedUnion(
  'type',
  [
    z.looseObject({ type: z.literal('gno'), hiddenChannels: int(1), radius: positive }),
    z.looseObject({ type: z.literal('gino'), inGnoRadius: positive, outGnoRadius: positive }),
  ],
  { error: "an object whose type is 'gno' or 'gino'" },
);

const darcySchema = z.strictObject(
  {
    /** wgno darcy-generate's file: coeff, sol [n, s, s]. */
    data: path,
    nTrain: int(1),
    nTest: int(1),
    points: int(4).default(300),
    cloudSeed: integer.default(100),
    latent: int(2).default(16),
    model: modelSchema,
    epochs: int(1),
    batchSize: int(1),
    lr: positive.default(5e-3),
    weightDecay: nonNegative.default(0),
    stepSize: int(1).default(100),
    gamma: positive.default(0.5),
    seed: integer.default(0),
    out: path,
  },
  { error: 'a JSON object' },
);

export type DarcyTrainConfig = z.output<typeof darcySchema>;

/** The model's constructor options: the config's, with the channels and dimension of the setup. */
function modelOptions(cfg: DarcyTrainConfig): CloudRun['model'] {
  const { type: _type, ...opts } = cfg.model;
  const io = { inChannels: 3, outChannels: 1, seed: cfg.seed };
  return cfg.model.type === 'gno'
    ? ({ ...opts, ...io, coordDim: 2 } as GNOConfig)
    : ({ fnoInChannels: 3, ...opts, ...io, gnoCoordDim: 2 } as GINOConfig);
}

function cloudRun(cfg: DarcyTrainConfig, ds: DarcySet): CloudRun {
  const n = ds.sol.shape[0];
  if (cfg.nTrain + cfg.nTest > n)
    throw new WgnoError(
      'darcy-train',
      `nTrain + nTest = ${cfg.nTrain + cfg.nTest} but ${cfg.data} has ${n} samples`,
    );
  const size = ds.sol.shape[1] * ds.sol.shape[2];
  const trainSol = ds.sol.data.subarray(0, cfg.nTrain * size);
  const uScale = trainSol.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  const { points, cloudSeed, latent } = cfg;
  return { type: cfg.model.type, model: modelOptions(cfg), points, cloudSeed, latent, uScale };
}

export async function darcyTrain(
  configPath: string,
  resume: boolean,
  signal: AbortSignal,
): Promise<void> {
  const cfg = await readConfig('darcy-train', configPath, darcySchema);
  await prepareOutputDir('darcy-train', cfg.out, "'out'");
  const ckptPath = join(cfg.out, 'checkpoint.safetensors');
  if (resume && !existsSync(ckptPath))
    throw new WgnoError('darcy-train', `--resume: ${ckptPath} does not exist`);
  const ds = await readDarcySet('darcy-train', cfg.data, "'data'");
  const run = cloudRun(cfg, ds);
  const n = ds.sol.shape[0];
  const train = cloudData(ds, [0, cfg.nTrain], cfg.points, cfg.cloudSeed, run.uScale);
  const test = cloudData(ds, [n - cfg.nTest, cfg.nTest], cfg.points, cfg.cloudSeed, run.uScale);
  const ckpt = resume ? await readCheckpointFile(ckptPath) : null;
  await gpuJob('darcy-train (epochs)', async (rt, bar) => {
    const model = makeCloudModel(rt, run);
    const onTrain = await onCloud(rt, run, model, train);
    const optimizer = new Adam(model.namedParameters(), {
      lr: cfg.lr,
      weightDecay: cfg.weightDecay,
    });
    const scheduler = new StepLR(optimizer, { stepSize: cfg.stepSize, gamma: cfg.gamma });
    const opts = {
      ...{ model: onTrain, optimizer, scheduler, inputs: train.inputs, targets: train.targets },
      ...{ batchSize: cfg.batchSize, seed: cfg.seed, layout: 'channels-last' as const },
    };
    const trainer = ckpt ? await Trainer.resume(opts, ckpt) : await Trainer.create(opts);
    try {
      const common = { op: 'darcy-train', out: cfg.out, epochs: cfg.epochs, trainer, optimizer };
      const r = { ...common, model, test, lossScale: cfg.batchSize };
      await trainEpochs(r, ckpt, run, bar, signal);
    } finally {
      trainer.destroy();
      onTrain.destroy();
    }
  });
}
