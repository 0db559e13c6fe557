/**
 * Trainer: batched replay of one compiled step without allocation, GPU-side loss accumulation,
 * autoregressive rollout training, evaluation vs a float64 reference, bit-identical resume from a
 * checkpoint, and the errors a user can run into.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Adam,
  FNO,
  NonFiniteLossError,
  SGD,
  StepLR,
  Trainer,
  init,
  permute,
  type HostArray,
  type Progress,
  type Runtime,
  type Tensor,
  type TrainableModel,
  type TrainerOptions,
} from '../../src/index';
import { TinyLinear, linearRef, recurrence, relErr, sample } from './trainer-util';

let rt: Runtime;
beforeAll(async () => (rt = await init()));
afterAll(() => rt?.destroy());

const rollout = { tIn: 2, tOut: 3 };

describe('Trainer batching and replay', () => {
  it('replays one compiled step per batch (+1 for the remainder) without allocating', async () => {
    const data = recurrence(1, 10, 8, 3, 2); // no rollout: [10, 3, 8] -> [10, 2, 8]
    const model = new TinyLinear(rt, 3, 2, 5);
    const optimizer = new Adam(model.namedParameters(), { lr: 1e-2 });
    const seen: Progress[] = [];
    const trainer = await Trainer.create({
      model,
      optimizer,
      ...data,
      batchSize: 4,
      onProgress: (p) => seen.push(p),
    });
    expect(trainer.stepsPerEpoch).toBe(3); // 4 + 4 + 2
    const before = { ...rt.stats };
    await trainer.fit(1);
    const mid = { ...rt.stats };
    const { losses } = await trainer.fit(2);
    const after = { ...rt.stats };
    for (const s of [mid, after]) {
      expect(s.buffersCreated).toBe(before.buffersCreated);
      expect(s.bindGroupsCreated).toBe(before.bindGroupsCreated);
      expect(s.pipelinesCreated).toBe(before.pipelinesCreated);
    }
    expect(after.submits - before.submits).toBe(9); // one submit per step
    expect(optimizer.stepCount).toBe(9);
    expect(seen.map((p) => [p.epoch, p.step, p.loss !== undefined])).toEqual(
      [0, 1, 2].flatMap((e) => [
        [e, 1, false],
        [e, 2, false],
        [e, 3, true],
      ]),
    );
    expect(losses.length).toBe(2);
    expect(seen.every((p) => p.stepsPerEpoch === 3 && p.elapsedMs >= 0)).toBe(true);
    trainer.destroy();
  });

  it('the logged loss is the GPU-summed mean step loss (lr 0: checked in float64)', async () => {
    const data = recurrence(2, 10, 8, 3, 2);
    const model = new TinyLinear(rt, 3, 2, 6);
    const [w, b] = [await model.w.read(), await model.b.read()];
    for (const dropLast of [false, true]) {
      const trainer = await Trainer.create({
        model,
        optimizer: new SGD(model.namedParameters(), { lr: 0 }),
        ...data,
        batchSize: 4,
        dropLast,
        shuffle: false,
        logEvery: 1,
      });
      expect(trainer.stepsPerEpoch).toBe(dropLast ? 2 : 3);
      const { losses } = await trainer.fit(1);
      // Per step: lpLoss 'sum' over the (sample, channel) pairs of that batch.
      const ref = [0, 1, 2].slice(0, trainer.stepsPerEpoch).map((s) => {
        let sum = 0;
        for (let i = 4 * s; i < Math.min(10, 4 * s + 4); i++) {
          const p = linearRef(w, b, sample(data.inputs, i), 3);
          const y = sample(data.targets, i);
          for (let c = 0; c < 2; c++)
            sum += relErr(p.subarray(8 * c, 8 * c + 8), y.subarray(8 * c, 8 * c + 8));
        }
        return sum;
      });
      expect(losses.length).toBe(ref.length);
      losses.forEach((l, i) => expect(Math.abs(l - ref[i]) / ref[i]).toBeLessThan(1e-5));
      trainer.destroy();
    }
  });
});

describe('Trainer autoregressive rollout', () => {
  it('trains a tiny FNO-1D on a rollout (window of tIn steps as channels) and reduces the loss', async () => {
    const data = recurrence(3, 8, 16, rollout.tIn, rollout.tOut);
    const model = new FNO(rt, {
      nModes: [4],
      inChannels: rollout.tIn,
      outChannels: 1,
      hiddenChannels: 4,
      nLayers: 1,
      seed: 2,
    });
    const trainer = await Trainer.create({
      model,
      optimizer: new Adam(model.namedParameters(), { lr: 2e-2 }),
      ...data,
      batchSize: 4,
      rollout,
    });
    const first = await trainer.evaluate(data.inputs, data.targets);
    const { losses } = await trainer.fit(25);
    const last = await trainer.evaluate(data.inputs, data.targets);
    console.log(
      `rollout FNO-1D: train loss ${losses[0].toFixed(3)} -> ${losses.at(-1)!.toFixed(4)}, eval rel L2 ${first.relL2.toFixed(3)} -> ${last.relL2.toFixed(4)} per step [${last.perStep!.map((v) => v.toFixed(4)).join(', ')}]`,
    );
    expect(losses.at(-1)!).toBeLessThan(0.25 * losses[0]);
    expect(last.relL2).toBeLessThan(0.25 * first.relL2);
    trainer.destroy();
  });

  it('evaluate() matches a float64 rollout, with a remainder batch', async () => {
    const data = recurrence(4, 7, 8, rollout.tIn, rollout.tOut);
    const model = new TinyLinear(rt, rollout.tIn, 1, 7);
    const trainer = await Trainer.create({
      model,
      optimizer: new Adam(model.namedParameters()),
      ...data,
      batchSize: 4,
      rollout,
    });
    const before = { ...rt.stats };
    const got = await trainer.evaluate(data.inputs, data.targets, { batchSize: 3 });
    const again = await trainer.evaluate(data.inputs, data.targets, { batchSize: 3 });
    expect(rt.stats.buffersCreated).toBeGreaterThan(before.buffersCreated); // eval steps, once
    expect(again).toEqual(got);
    const [w, b] = [await model.w.read(), await model.b.read()];
    const perStep = new Array<number>(rollout.tOut).fill(0);
    for (let s = 0; s < 7; s++) {
      let win = sample(data.inputs, s);
      const y = sample(data.targets, s);
      for (let t = 0; t < rollout.tOut; t++) {
        const p = linearRef(w, b, win, rollout.tIn);
        perStep[t] += relErr(p, y.subarray(8 * t, 8 * t + 8)) / 7;
        win = Float64Array.from([...win.subarray(8), ...p]);
      }
    }
    got.perStep!.forEach((v, t) =>
      expect(Math.abs(v - perStep[t]) / perStep[t]).toBeLessThan(1e-5),
    );
    const mean = perStep.reduce((a, v) => a + v) / rollout.tOut;
    expect(Math.abs(got.relL2 - mean) / mean).toBeLessThan(1e-5);
    trainer.destroy();
  });
});

describe('Trainer layout', () => {
  /** [n, c, N] -> [n, N, c] on the host. */
  const pointMajor = (a: HostArray): HostArray => {
    const [n, c, N] = a.shape;
    const data = new Float32Array(a.data.length);
    for (let s = 0; s < n; s++)
      for (let k = 0; k < c; k++)
        for (let i = 0; i < N; i++) data[(s * N + i) * c + k] = a.data[(s * c + k) * N + i];
    return { data, shape: [n, N, c] };
  };

  it("'channels-last' scores a point-major model [B, points, C] as channels-first scores [B, C, points]", async () => {
    const data = recurrence(8, 6, 8, 3, 2); // [6, 3, 8] -> [6, 2, 8]
    const model = new TinyLinear(rt, 3, 2, 10);
    const swap = (x: Tensor) => permute(x, [0, 2, 1]);
    const points: TrainableModel = {
      forward: (x) => swap(model.forward(swap(x))),
      namedParameters: () => model.namedParameters(),
    };
    const common = { batchSize: 4, shuffle: false, logEvery: 1 };
    const sgd = () => new SGD(model.namedParameters(), { lr: 0 });
    const first = await Trainer.create({ model, optimizer: sgd(), ...data, ...common });
    const last = await Trainer.create({
      model: points,
      optimizer: sgd(),
      inputs: pointMajor(data.inputs),
      targets: pointMajor(data.targets),
      layout: 'channels-last',
      ...common,
    });
    const [a, b] = [(await first.fit(1)).losses, (await last.fit(1)).losses];
    expect(b.length).toBe(2);
    b.forEach((l, i) => expect(Math.abs(l - a[i]) / a[i]).toBeLessThan(1e-5));
    const ea = (await first.evaluate(data.inputs, data.targets)).relL2;
    const eb = (await last.evaluate(pointMajor(data.inputs), pointMajor(data.targets))).relL2;
    expect(Math.abs(eb - ea) / ea).toBeLessThan(1e-5);
    for (const t of [first, last]) t.destroy();
    const roll = { ...recurrence(8, 6, 8, 2, 3), rollout: { tIn: 2, tOut: 3 } };
    await expect(
      Trainer.create({ model, optimizer: sgd(), ...roll, ...common, layout: 'channels-last' }),
    ).rejects.toThrow(/layout 'channels-last' does not apply to rollout/);
  });
});

describe('Trainer.forEvaluation', () => {
  it('needs no optimizer, evaluates as a training trainer does, and refuses to train', async () => {
    const data = recurrence(9, 5, 8, 3, 2);
    const model = new TinyLinear(rt, 3, 2, 11);
    const ev = Trainer.forEvaluation({ model, ...data, batchSize: 2 }); // no optimizer
    const trained = await Trainer.create({
      model,
      optimizer: new SGD(model.namedParameters(), { lr: 0 }),
      ...data,
      batchSize: 2,
    });
    const got = await ev.evaluate(data.inputs, data.targets);
    expect(got).toEqual(await trained.evaluate(data.inputs, data.targets));
    const msg =
      /Trainer\.(\w+): this trainer was made by Trainer\.forEvaluation and only evaluates; use Trainer\.create/;
    await expect(ev.fit(1)).rejects.toThrow(msg);
    await expect(ev.saveCheckpoint()).rejects.toThrow(/Trainer\.saveCheckpoint: this trainer/);
    const ckpt = await trained.saveCheckpoint();
    expect(() => ev.loadCheckpoint(ckpt)).toThrow(/Trainer\.loadCheckpoint: this trainer/);
    expect(() => ev.optimizer).toThrow(/Trainer\.optimizer: this trainer/);
    expect(trained.optimizer).toBeInstanceOf(SGD);
    // An optimizer spread in from a training run's options changes nothing: still evaluation only.
    const spread = Trainer.forEvaluation({
      ...data,
      model,
      batchSize: 2,
      optimizer: trained.optimizer,
    });
    await expect(spread.fit(1)).rejects.toThrow(msg);
    for (const t of [ev, trained, spread]) t.destroy();
    const noOptimizer = { model, ...data, batchSize: 2 } as unknown as TrainerOptions;
    await expect(Trainer.create(noOptimizer)).rejects.toThrow(
      /Trainer: training needs an optimizer \(Trainer\.forEvaluation does not\)/,
    );
  });
});

describe('Trainer checkpoints', () => {
  const setup = async (seed: number): Promise<[Trainer, FNO, Adam]> => {
    const data = recurrence(5, 6, 16, rollout.tIn, rollout.tOut);
    const model = new FNO(rt, {
      nModes: [4],
      inChannels: rollout.tIn,
      outChannels: 1,
      hiddenChannels: 4,
      nLayers: 1,
      seed,
    });
    const optimizer = new Adam(model.namedParameters(), { lr: 1e-2, weightDecay: 1e-4 });
    const opts: TrainerOptions = {
      model,
      optimizer,
      scheduler: new StepLR(optimizer, { stepSize: 1, gamma: 0.5 }),
      ...data,
      batchSize: 4, // 4 + a remainder of 2, shuffled with seed 9
      seed: 9,
      rollout,
    };
    return [await Trainer.create(opts), model, optimizer];
  };
  const weights = async (m: FNO, o: Adam) => {
    const out: Float32Array[] = [];
    for (const [, t] of [...m.namedParameters(), ...o.stateTensors()]) out.push(await t.read());
    return out;
  };

  it('2 epochs + save + fresh model/trainer + load + 1 epoch == 3 epochs, bit for bit', async () => {
    const [straight, m1, o1] = await setup(1);
    await straight.fit(3);
    const ref = await weights(m1, o1);

    const [first, , o2] = await setup(1);
    await first.fit(2);
    const ckpt = await first.saveCheckpoint();
    expect(JSON.parse(ckpt.state)).toMatchObject({ epoch: 2, stepCount: 4, lr: 2.5e-3 });
    expect(o2.stepCount).toBe(4);
    first.destroy();

    const [resumed, m3, o3] = await setup(77); // different initial weights
    resumed.loadCheckpoint({ weights: ckpt.weights }); // state from the file's metadata
    expect([resumed.epoch, o3.stepCount, o3.lr]).toEqual([2, 4, 2.5e-3]);
    await resumed.fit(1);
    const got = await weights(m3, o3);
    expect(got.length).toBe(ref.length);
    const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
    got.forEach((g, i) => expect(bits(g)).toEqual(bits(ref[i])));
    expect([o3.stepCount, o3.lr]).toEqual([o1.stepCount, o1.lr]);
    straight.destroy();
    resumed.destroy();
  });
});

describe('Trainer errors', () => {
  const base = (): TrainerOptions => {
    const model = new TinyLinear(rt, 3, 2, 8);
    return {
      model,
      optimizer: new Adam(model.namedParameters()),
      ...recurrence(6, 5, 8, 3, 2),
      batchSize: 2,
    };
  };
  const rejects = (o: TrainerOptions, msg: RegExp) =>
    expect(Trainer.create(o)).rejects.toThrow(msg);

  it('rejects bad data, batch sizes and model/target shapes with a clear message', async () => {
    const o = base();
    await rejects(
      { ...o, targets: recurrence(6, 4, 8, 3, 2).targets },
      /inputs hold 5 samples .* targets hold 4/,
    );
    await rejects({ ...o, batchSize: 0 }, /batchSize must be an integer >= 1, got 0/);
    await rejects({ ...o, batchSize: 8, dropLast: true }, /leaves no batch/);
    const empty = { data: new Float32Array(0), shape: [0, 3, 8] };
    await rejects(
      { ...o, inputs: empty, targets: { ...empty, shape: [0, 2, 8] } },
      /dataset is empty/,
    );
    await rejects(
      { ...o, inputs: { data: new Float32Array(7), shape: [5, 3, 8] } },
      /inputs has 7 values but shape \[5, 3, 8\] needs 120/,
    );
    const wide = recurrence(6, 5, 8, 4, 2); // 4 input channels, the model takes 3
    await rejects(
      { ...o, ...wide },
      /the model rejected a batch of inputs \[2, 4, 8\]: channel_linear/,
    );
    await rejects(
      { ...o, targets: recurrence(6, 5, 8, 3, 1).targets },
      /maps inputs \[2, 3, 8\] to \[2, 2, 8\] but the targets are \[2, 1, 8\]/,
    );
    await rejects({ ...o, rollout: { tIn: 2, tOut: 2 } }, /needs inputs \[n, 2, \.\.\.\]/);
  });

  it('stops at a NaN loss, names the epoch and step, and keeps the last good checkpoint', async () => {
    const o = base();
    const saved: number[] = [];
    const trainer = await Trainer.create({
      ...o,
      checkpointEvery: 1,
      onCheckpoint: (_c, epoch) => void saved.push(epoch),
    });
    await trainer.fit(2);
    const good = trainer.lastGoodCheckpoint!;
    expect(JSON.parse(good.state).epoch).toBe(2);
    const model = o.model as TinyLinear;
    model.w.write(new Float32Array(6).fill(NaN));
    const err = await trainer.fit(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as NonFiniteLossError).message).toMatch(/loss is NaN at epoch 2, step 3/);
    expect((err as NonFiniteLossError).lastGood).toBe(good);
    expect(saved).toEqual([1, 2]);
    trainer.loadCheckpoint(good);
    expect((await model.w.read()).every(Number.isFinite)).toBe(true);
    const { losses } = await trainer.fit(1);
    expect(Number.isFinite(losses[0])).toBe(true);
    trainer.destroy();
  });
});
