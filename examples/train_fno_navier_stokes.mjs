// Train an FNO on Navier-Stokes data that wgno generates itself on the GPU, the FNO paper's
// autoregressive setup: the model sees `tIn` vorticity snapshots and predicts the next one; the
// loss is the relative L2 error summed over `tOut` predicted steps, each fed back as input.
//
//   node examples/train_fno_navier_stokes.mjs [--out runs/ns-fno] [--tiny]
//
// --out writes weights.safetensors and config.json in the layout `loadFNO` and
// examples/evaluate_rollout.mjs read. --tiny shrinks everything to run in seconds on a CPU
// implementation of WebGPU (what CI uses); its numbers show that it runs, not that it learns.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  Adam,
  FNO,
  StepLR,
  Trainer,
  generateNavierStokes,
  init,
  nsRolloutPairs,
  writeSafetensors,
} from 'wgno';

const { values: arg } = parseArgs({
  options: { out: { type: 'string' }, tiny: { type: 'boolean', default: false } },
});
// Data: trajectories solved at `solverRes` and stored at `res`, one record per time unit.
// The full size is a small version of the paper's (it uses res 64 from 256, 1000 trajectories).
const size = arg.tiny
  ? { nTrain: 4, nTest: 2, res: 16, solverRes: 16, dt: 2.5e-2, tIn: 3, tOut: 2, epochs: 2 }
  : { nTrain: 40, nTest: 8, res: 32, solverRes: 64, dt: 1e-3, tIn: 10, tOut: 4, epochs: 20 };

const rt = await init(); // Node: the `webgpu` package (Dawn); a CPU fallback when there is no GPU
try {
  const t0 = performance.now();
  const { nTrain, nTest, res, solverRes, dt, tIn, tOut } = size;
  const data = await generateNavierStokes(rt, {
    count: nTrain + nTest,
    res,
    solverRes,
    dt,
    t: tIn + tOut, // time units simulated: exactly what one rollout window needs
    seed: 0,
  });
  console.log(
    `data: ${nTrain + nTest} trajectories at ${res}x${res}, T = ${tIn + tOut}, ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  // inputs [k, tIn, s, s] (steps 0..tIn-1) and targets [k, tOut, s, s] (the next) per trajectory
  const train = nsRolloutPairs(data.u, tIn, tOut, 0, nTrain);
  const test = nsRolloutPairs(data.u, tIn, tOut, nTrain, nTest);

  // The input steps are the channels; one output channel, the next step.
  const config = {
    nModes: [8, 8],
    hiddenChannels: 16,
    nLayers: 4,
    inChannels: tIn,
    outChannels: 1,
  };
  const model = new FNO(rt, { ...config, seed: 0 });
  const optimizer = new Adam(model.namedParameters(), { lr: 3e-3, weightDecay: 1e-4 });
  const scheduler = new StepLR(optimizer, { stepSize: Math.max(1, size.epochs / 2), gamma: 0.5 });
  const batchSize = 4;
  const trainer = await Trainer.create({
    model,
    optimizer,
    scheduler,
    inputs: train.inputs,
    targets: train.targets,
    batchSize,
    seed: 0,
    rollout: { tIn, tOut },
  });
  let testErr = NaN;
  let trainErr = NaN;
  while (trainer.epoch < size.epochs) {
    const { losses } = await trainer.fit(1);
    // The loss is summed over the batch and the rollout steps: per sample and step, it is the
    // mean relative L2 error.
    trainErr = losses.at(-1) / (batchSize * tOut);
    testErr = (await trainer.evaluate(test.inputs, test.targets)).relL2;
    console.log(
      `epoch ${trainer.epoch}: train ${trainErr.toFixed(4)}, test ${testErr.toFixed(4)} (relative L2)`,
    );
  }
  trainer.destroy();

  if (arg.out) {
    await mkdir(arg.out, { recursive: true });
    await writeFile(
      join(arg.out, 'weights.safetensors'),
      writeSafetensors(await model.stateDict()),
    );
    await writeFile(join(arg.out, 'config.json'), JSON.stringify({ model: config, tIn, tOut }));
    console.log(`wrote ${arg.out}/weights.safetensors and config.json`);
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(`result ${JSON.stringify({ epochs: trainer.epoch, trainErr, testErr, seconds })}`);
} finally {
  rt.destroy();
}
