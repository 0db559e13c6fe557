// Score a trained FNO the way the FNO paper does: give it `tIn` vorticity snapshots, let it
// predict the next `tOut` one at a time, each prediction fed back as input (an autoregressive
// rollout), and report the relative L2 error of every predicted step against the solver's.
//
//   node examples/evaluate_rollout.mjs [--weights W --config C] [--tiny]
//
// The default model is the one wgno ships (models/ns2d-fno-32, trained on 32x32 trajectories
// with dt = 1e-3; its README has its scores); --weights/--config take any pair that
// `wgno train` or examples/train_fno_navier_stokes.mjs --out wrote. The test data are new
// trajectories solved here by wgno's GPU solver. --tiny: one trajectory, two predicted steps and
// a coarse solver time step, to run in seconds on a CPU implementation of WebGPU (what CI uses).
import { parseArgs } from 'node:util';
import { Trainer, generateNavierStokes, init, loadFNO, nsRolloutPairs } from 'wgno';

const { values: arg } = parseArgs({
  options: {
    // The package exports its shipped weights as 'wgno/models/*'; in Node, loadFNO takes file
    // paths and file: URLs as well as http(s) URLs.
    weights: {
      type: 'string',
      default: import.meta.resolve('wgno/models/ns2d-fno-32/weights.safetensors'),
    },
    config: { type: 'string', default: import.meta.resolve('wgno/models/ns2d-fno-32/config.json') },
    tiny: { type: 'boolean', default: false },
  },
});
const size = arg.tiny
  ? { count: 1, res: 32, dt: 1e-2, tOut: 2 }
  : { count: 4, res: 32, dt: 1e-3, tOut: 10 };

const rt = await init();
try {
  const t0 = performance.now();
  const { fno, config } = await loadFNO(rt, arg.weights, arg.config);
  const tIn = config.tIn ?? config.model.inChannels; // input steps = the model's input channels
  const { count, res, dt, tOut } = size;
  // Seed 7: trajectories the shipped model was not trained on.
  const data = await generateNavierStokes(rt, {
    count,
    res,
    solverRes: res,
    dt,
    t: tIn + tOut,
    seed: 7,
  });
  console.log(`${count} trajectories at ${res}x${res}, ${tIn} steps in, ${tOut} predicted`);

  // data.u is [count, res, res, T] (time last, as the paper's files); the model wants time as
  // channels: inputs [count, tIn, res, res] and targets [count, tOut, res, res].
  const { inputs, targets } = nsRolloutPairs(data.u, tIn, tOut);

  // An evaluation-only Trainer: no optimizer; it compiles one forward step and replays it.
  const evaluator = Trainer.forEvaluation({
    model: fno,
    inputs,
    targets,
    batchSize: count,
    rollout: { tIn, tOut },
  });
  const { relL2, perStep } = await evaluator.evaluate(inputs, targets);
  evaluator.destroy();
  perStep.forEach((e, k) => console.log(`  t = ${tIn + k + 1}: relative L2 ${e.toFixed(4)}`));
  console.log(`mean over trajectories and steps: ${relL2.toFixed(4)}`);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`result ${JSON.stringify({ mean: relL2, perStep, seconds })}`);
} finally {
  rt.destroy();
}
