/**
 * Node: checkpoints written atomically to disk resume training bit for bit, and the file alone
 * (its metadata carries the trainer state) is enough to resume.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  Adam,
  StepLR,
  Trainer,
  init,
  readCheckpointFile,
  readSafetensors,
  writeCheckpointFile,
  type Runtime,
  type TrainerOptions,
} from '../../src/index';
import { TinyLinear, recurrence } from './trainer-util';

let rt: Runtime;
let dir: string;
beforeAll(async () => {
  rt = await init();
  dir = await mkdtemp(join(tmpdir(), 'wgno-ckpt-'));
});
afterAll(async () => {
  rt?.destroy();
  await rm(dir, { recursive: true, force: true });
});

const options = (seed: number): [TrainerOptions, TinyLinear] => {
  const model = new TinyLinear(rt, 2, 1, seed);
  const optimizer = new Adam(model.namedParameters(), { lr: 1e-2 });
  return [
    {
      model,
      optimizer,
      scheduler: new StepLR(optimizer, { stepSize: 2, gamma: 0.5 }),
      ...recurrence(3, 9, 8, 2, 3),
      batchSize: 4,
      rollout: { tIn: 2, tOut: 3 },
      seed: 4,
    },
    model,
  ];
};

it('writes a checkpoint file atomically and resumes from it bit for bit', async () => {
  const [o1, m1] = options(1);
  const straight = await Trainer.create(o1);
  await straight.fit(4);
  const ref = [await m1.w.read(), await m1.b.read()];

  const [o2] = options(1);
  const first = await Trainer.create(o2);
  await first.fit(3);
  const path = join(dir, 'run.safetensors');
  await writeCheckpointFile(path, await first.saveCheckpoint());
  await writeCheckpointFile(path, await first.saveCheckpoint()); // overwrite in place
  expect(await readdir(dir)).toEqual(['run.safetensors']); // no temporary files left
  const ckpt = await readCheckpointFile(path);
  expect(JSON.parse(ckpt.state)).toMatchObject({ epoch: 3, stepCount: 9, schedulerEpoch: 3 });
  // Plain weights plus the optimizer state under __optim__.
  expect([...readSafetensors(ckpt.weights).keys()]).toEqual([
    '__optim__.b.exp_avg',
    '__optim__.b.exp_avg_sq',
    '__optim__.w.exp_avg',
    '__optim__.w.exp_avg_sq',
    'b',
    'w',
  ]);

  const [o3, m3] = options(99);
  const resumed = await Trainer.resume(o3, ckpt);
  await resumed.fit(1);
  expect(await m3.w.read()).toEqual(ref[0]);
  expect(await m3.b.read()).toEqual(ref[1]);
  expect(o3.optimizer.lr).toBe(o1.optimizer.lr);

  const [o4] = options(1);
  await expect(Trainer.resume({ ...o4, batchSize: 3 }, ckpt)).rejects.toThrow(
    /checkpoint's batchSize is 4 but this trainer's is 3/,
  );
});
