/**
 * Checkpoints keep per-group learning rates (the DeepONet recipes train a head and a body at
 * different rates): a group lr changed by setGroupLr during training survives save and resume,
 * resuming continues bit for bit, a file without groupLrs keeps the resuming optimizer's ratios,
 * and a different number of groups is an error.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Adam, StepLR, Trainer, init, type Runtime, type TrainerOptions } from '../../src/index';
import { TinyLinear, recurrence } from './trainer-util';
import { expectWgnoError } from '../util/errors';

let rt: Runtime;
beforeAll(async () => {
  rt = await init();
});
afterAll(() => rt?.destroy());

function options(grouped = true): [TrainerOptions, TinyLinear, Adam] {
  const model = new TinyLinear(rt, 2, 1, 1);
  const optimizer = grouped
    ? new Adam(
        [
          { params: [['w', model.w]], lr: 1e-2 },
          { params: [['b', model.b]], lr: 1e-3 },
        ],
        { lr: 1e-2 },
      )
    : new Adam(model.namedParameters(), { lr: 1e-2 });
  const opts: TrainerOptions = {
    model,
    optimizer,
    scheduler: new StepLR(optimizer, { stepSize: 2, gamma: 0.5 }),
    ...recurrence(3, 9, 8, 2, 3),
    batchSize: 4,
    rollout: { tIn: 2, tOut: 3 },
    seed: 4,
  };
  return [opts, model, optimizer];
}

it('a group lr set during training survives save and resume; training continues bit for bit', async () => {
  const [o1, m1, opt1] = options();
  const straight = await Trainer.create(o1);
  await straight.fit(1);
  opt1.setGroupLr(1, 4e-3); // the head's rate raised mid-run
  await straight.fit(3);
  const ref = [await m1.w.read(), await m1.b.read()];

  const [o2, , opt2] = options();
  const first = await Trainer.create(o2);
  await first.fit(1);
  opt2.setGroupLr(1, 4e-3);
  await first.fit(1);
  const ckpt = await first.saveCheckpoint();
  expect(JSON.parse(ckpt.state).groupLrs).toEqual([opt2.groupLr(0), opt2.groupLr(1)]);

  const [o3, m3, opt3] = options(); // made with the original 10:1 ratio
  const resumed = await Trainer.create(o3);
  resumed.loadCheckpoint(ckpt);
  expect([opt3.groupLr(0), opt3.groupLr(1)]).toEqual([opt2.groupLr(0), opt2.groupLr(1)]);
  expect(opt3.groupLr(1) / opt3.groupLr(0)).toBeCloseTo(0.4, 12);
  await resumed.fit(2);
  expect([await m3.w.read(), await m3.b.read()]).toEqual(ref);
  for (const t of [straight, first, resumed]) t.destroy();
});

it('older files keep the resuming ratios; a different group count is an error', async () => {
  const [o1, , opt1] = options();
  const a = await Trainer.create(o1);
  await a.fit(1);
  opt1.setGroupLr(1, 4e-3);
  const ckpt = await a.saveCheckpoint();
  const old = JSON.parse(ckpt.state);
  delete old.groupLrs;

  const [o2, , opt2] = options();
  const b = await Trainer.create(o2);
  b.loadCheckpoint({ weights: ckpt.weights, state: JSON.stringify(old) });
  expect(opt2.groupLr(1) / opt2.groupLr(0)).toBeCloseTo(0.1, 12);

  const [o3] = options(false);
  const c = await Trainer.create(o3);
  expectWgnoError(
    () => c.loadCheckpoint(ckpt),
    'loadCheckpoint',
    /2 parameter groups, this optimizer 1/,
  );
  for (const t of [a, b, c]) t.destroy();
});
