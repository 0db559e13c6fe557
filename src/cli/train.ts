/**
 * `wgno train --config FILE [--resume]`: an FNO on a Navier-Stokes data set with the paper's
 * autoregressive setup (tIn steps in, one step out, relative L2 summed over tOut rollout steps),
 * Adam with L2 weight decay and a step schedule. Writes into `out`: config.json at the start, and
 * after every epoch (atomically) checkpoint.safetensors (`--resume` continues from it),
 * weights.safetensors (what `wgno eval` and the demo read), log.csv and report.html (the loss
 * curves so far).
 *
 * The checkpoint also holds the log (metadata key `wgno.train.log`), so `--resume` rewrites
 * log.csv from it: a run killed between the checkpoint and the log loses no line, and the
 * elapsed time goes on from the last epoch's.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WgnoError } from '../errors';
import { writeFileAtomic } from '../io/atomic_file';
import type { HostTensor } from '../io/host_tensor';
import { parseSafetensors, readSafetensors, writeSafetensors } from '../io/safetensors';
import { FNO, type FNOConfig } from '../models/fno';
import { nsRolloutPairs } from '../pde/dataset';
import type { Runtime } from '../runtime/runtime';
import { readCheckpointFile, writeCheckpointFile, type Checkpoint } from '../train/checkpoint';
import { Adam, StepLR } from '../train/optim';
import { Trainer } from '../train/trainer';
import { readTrainConfig, type TrainConfig } from './config';
import { prepareOutputDir, readInputFile } from './files';
import { gpuJob, type Progress } from './progress';
import { report } from './report';

export { readTrainConfig, type TrainConfig } from './config';

const LOG_HEADER = 'epoch,train_rel_l2,test_rel_l2,lr,seconds';
const LOG_KEY = 'wgno.train.log';

/** The rows of log.csv (without the header). */
type History = string[];

const csv = (history: History) => `${[LOG_HEADER, ...history].join('\n')}\n`;

/** The checkpoint with the log in its metadata. */
function withLog(ckpt: Checkpoint, history: History): Checkpoint {
  const { tensors, metadata } = parseSafetensors(ckpt.weights);
  return { ...ckpt, weights: writeSafetensors(tensors, { ...metadata, [LOG_KEY]: csv(history) }) };
}

/**
 * The log rows up to the checkpoint's epoch: from the checkpoint, or (a checkpoint written before
 * it carried the log) from the log.csv beside it.
 */
async function historyOf(ckpt: Checkpoint, epoch: number, logPath: string): Promise<History> {
  const log =
    parseSafetensors(ckpt.weights).metadata[LOG_KEY] ??
    (await readFile(logPath, 'utf8').catch(() => ''));
  const rows = log.split('\n').slice(1).filter(Boolean);
  return rows.filter((r) => Number(r.split(',')[0]) <= epoch);
}

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
    const trainer = await makeTrainer(rt, cfg, u, ckpt);
    const logPath = join(cfg.out, 'log.csv');
    const history = ckpt ? await historyOf(ckpt, trainer.epoch, logPath) : [];
    await writeFileAtomic(logPath, new TextEncoder().encode(csv(history)));
    await writeFileAtomic(
      join(cfg.out, 'config.json'),
      new TextEncoder().encode(
        `${JSON.stringify({ model: trainer.model.config, tIn: cfg.tIn, tOut: cfg.tOut }, null, 2)}\n`,
      ),
    );
    await runEpochs(cfg, trainer, u, history, bar, signal);
  });
}

interface CliTrainer {
  trainer: Trainer;
  model: FNO;
  optimizer: Adam;
  epoch: number;
}

async function makeTrainer(
  rt: Runtime,
  cfg: TrainConfig,
  u: HostTensor,
  ckpt: Checkpoint | null,
): Promise<CliTrainer> {
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
  return {
    trainer,
    model,
    optimizer,
    get epoch() {
      return trainer.epoch;
    },
  };
}

async function runEpochs(
  cfg: TrainConfig,
  t: CliTrainer,
  u: HostTensor,
  history: History,
  bar: Progress,
  signal: AbortSignal,
): Promise<void> {
  const te = nsRolloutPairs(u, cfg.tIn, cfg.tOut, u.shape[0] - cfg.nTest, cfg.nTest);
  // Elapsed time goes on from the last logged epoch (a resumed run keeps its total).
  const before = history.length ? Number(history.at(-1)!.split(',').at(-1)) : 0;
  const t0 = performance.now() - before * 1000;
  while (t.epoch < cfg.epochs && !signal.aborted) {
    const lr = t.optimizer.lr;
    const { losses } = await t.trainer.fit(1);
    const test = await t.trainer.evaluate(te.inputs, te.targets);
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    const trainLoss = losses.at(-1)! / (cfg.batchSize * cfg.tOut);
    history.push(`${t.epoch},${trainLoss},${test.relL2},${lr},${secs}`);
    await saveEpoch(cfg, t, history);
    bar.update(
      t.epoch,
      cfg.epochs,
      `train ${trainLoss.toPrecision(4)}, test ${test.relL2.toPrecision(4)} (relative L2)`,
    );
  }
  bar.stop();
  if (signal.aborted)
    throw new WgnoError(
      'train',
      `aborted after epoch ${t.epoch} (its weights and checkpoint are in ${cfg.out}); continue with --resume`,
    );
  process.stderr.write(`wrote ${cfg.out}/weights.safetensors, config.json, log.csv, report.html\n`);
}

/** Every epoch leaves a resumable checkpoint (with the log), usable weights, the log and report. */
async function saveEpoch(cfg: TrainConfig, t: CliTrainer, history: History): Promise<void> {
  const ckpt = withLog(await t.trainer.saveCheckpoint(), history);
  await writeCheckpointFile(join(cfg.out, 'checkpoint.safetensors'), ckpt);
  const weights = writeSafetensors(await t.model.stateDict());
  await writeFileAtomic(join(cfg.out, 'weights.safetensors'), weights);
  await writeFileAtomic(join(cfg.out, 'log.csv'), new TextEncoder().encode(csv(history)));
  await report(cfg.out);
}
