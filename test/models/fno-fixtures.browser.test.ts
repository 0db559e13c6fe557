import { afterAll, beforeAll, describe, it } from 'vitest';
import { init, type Runtime } from '../../src/index';
import { FNO_FIXTURES, checkFnoFixture, checkLossFixture } from './fno-fixtures';

describe('FNO matches PyTorch/neuraloperator (browser)', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());
  for (const name of FNO_FIXTURES) {
    it(name, async () => {
      const e = await checkFnoFixture(rt, name);
      console.log(
        `${name}: ${Object.entries(e)
          .map(([k, v]) => `${k} ${v.toExponential(2)}`)
          .join(', ')}`,
      );
    });
  }
  for (const name of ['fno1d', 'fno2d_nonsquare', 'fno3d']) {
    it(`lpLoss and h1Loss on ${name}`, () => checkLossFixture(rt, name));
  }
});
