/**
 * The epoch loop the training commands share (`wgno train`, `wgno darcy-train`). After every
 * epoch it writes into the run folder, atomically: checkpoint.safetensors (the Trainer's
 * checkpoint, with the log in its metadata key `wgno.train.log`), weights.safetensors, log.csv
 * and report.html. `--resume` rewrites log.csv from the checkpoint's copy, so a run killed between
 * the checkpoint and the log loses no line, and the elapsed time goes on from the last epoch's.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WgnoError } from '../errors';
import { writeFileAtomic } from '../io/atomic_file';
import { parseSafetensors, writeSafetensors } from '../io/safetensors';
import type { Module } from '../nn/module';
import type { HostArray } from '../train/data';
import { writeCheckpointFile, type Checkpoint } from '../train/checkpoint';
import type { Optimizer } from '../train/optim_base';
import type { Trainer } from '../train/trainer';
import type { Progress } from './progress';
import { report } from './report';

const LOG_HEADER = 'epoch,train_rel_l2,test_rel_l2,lr,seconds';
const LOG_KEY = 'wgno.train.log';

/** The rows of log.csv (without the header). */
export type History = string[];

const csv = (history: History) => `${[LOG_HEADER, ...history].join('\n')}\n`;
const utf8 = (s: string) => new TextEncoder().encode(s);

/** A run of a training command: where it writes, what it trains, what it tests on. */
export interface Run {
  /** The command, for errors. */
  op: string;
  out: string;
  epochs: number;
  trainer: Trainer;
  /** The model whose state_dict is weights.safetensors. */
  model: Module;
  optimizer: Optimizer;
  test: { inputs: HostArray; targets: HostArray };
  /** Divides the Trainer's summed batch loss into a per-sample relative L2 for the log. */
  lossScale: number;
}

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

/**
 * Writes config.json and the log so far (empty, or the resumed checkpoint's), then trains to
 * `run.epochs`, saving after every epoch; stops early (with an 'aborted' error) on `signal`.
 */
export async function trainEpochs(
  run: Run,
  ckpt: Checkpoint | null,
  config: unknown,
  bar: Progress,
  signal: AbortSignal,
): Promise<void> {
  const logPath = join(run.out, 'log.csv');
  const history = ckpt ? await historyOf(ckpt, run.trainer.epoch, logPath) : [];
  await writeFileAtomic(logPath, utf8(csv(history)));
  await writeFileAtomic(join(run.out, 'config.json'), utf8(`${JSON.stringify(config, null, 2)}\n`));
  // Elapsed time goes on from the last logged epoch (a resumed run keeps its total).
  const before = history.length ? Number(history.at(-1)!.split(',').at(-1)) : 0;
  const t0 = performance.now() - before * 1000;
  while (run.trainer.epoch < run.epochs && !signal.aborted) {
    const lr = run.optimizer.lr;
    const { losses } = await run.trainer.fit(1);
    const test = await run.trainer.evaluate(run.test.inputs, run.test.targets);
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    const trainLoss = losses.at(-1)! / run.lossScale;
    history.push(`${run.trainer.epoch},${trainLoss},${test.relL2},${lr},${secs}`);
    await saveEpoch(run, history);
    const note = `train ${trainLoss.toPrecision(4)}, test ${test.relL2.toPrecision(4)} (relative L2)`;
    bar.update(run.trainer.epoch, run.epochs, note);
  }
  bar.stop();
  if (signal.aborted)
    throw new WgnoError(
      run.op,
      `aborted after epoch ${run.trainer.epoch} (its weights and checkpoint are in ${run.out}); continue with --resume`,
    );
  process.stderr.write(`wrote ${run.out}/weights.safetensors, config.json, log.csv, report.html\n`);
}

/** Every epoch leaves a resumable checkpoint (with the log), usable weights, the log and report. */
async function saveEpoch(run: Run, history: History): Promise<void> {
  const ckpt = withLog(await run.trainer.saveCheckpoint(), history);
  await writeCheckpointFile(join(run.out, 'checkpoint.safetensors'), ckpt);
  const weights = writeSafetensors(await run.model.stateDict());
  await writeFileAtomic(join(run.out, 'weights.safetensors'), weights);
  await writeFileAtomic(join(run.out, 'log.csv'), utf8(csv(history)));
  await report(run.out);
}
