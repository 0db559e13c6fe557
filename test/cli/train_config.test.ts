import { describe, expect, it } from 'vitest';
import { readTrainConfig } from '../../src/cli/train';

// The shipped model's training configs must stay valid as the config format changes: train.json
// reproduces models/ns2d-fno-32, full.json is the paper-scale run its model card gives for a GPU.
describe('shipped training configs', () => {
  it('models/ns2d-fno-32/train.json reads as the 32x32 one-step setup', async () => {
    const cfg = await readTrainConfig('models/ns2d-fno-32/train.json');
    expect(cfg).toMatchObject({ nTrain: 400, nTest: 100, tIn: 10, tOut: 1, epochs: 20 });
  });

  it("models/ns2d-fno-32/full.json reads as the FNO paper's setup", async () => {
    const cfg = await readTrainConfig('models/ns2d-fno-32/full.json');
    expect(cfg).toMatchObject({
      nTrain: 1000,
      nTest: 200,
      tIn: 10,
      tOut: 10,
      model: { nModes: [12, 12], hiddenChannels: 20, nLayers: 4 },
      epochs: 500,
      batchSize: 20,
      lr: 1e-3,
      weightDecay: 1e-4,
      stepSize: 100,
      gamma: 0.5,
    });
  });
});
