import { afterAll, beforeAll, describe, it } from 'vitest';
import { init, type Runtime } from '../../src/index';
import { TFNO_FIXTURES, checkFnoFixture } from './fno-fixtures';

// Node (the `webgpu` package): the TFNO fixture, as the browser suite checks it.
describe('TFNO matches PyTorch/neuraloperator (Node)', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());
  for (const name of TFNO_FIXTURES) it(name, () => checkFnoFixture(rt, name).then(() => undefined));
});
