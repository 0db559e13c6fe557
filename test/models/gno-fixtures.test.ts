// GNO model fixtures through Node's WebGPU (the `webgpu` package): the headless runtime path.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import { expectErrors } from '../nn/gno_block_fixtures';
import { GNO_MODEL_FIXTURES, checkGnoModelFixture } from './gno-fixtures';

describe('GNO model vs PyTorch fixtures (node)', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  for (const name of GNO_MODEL_FIXTURES)
    it(name, async () => {
      const errors = await checkGnoModelFixture(rt, name);
      if (process.env.WGNO_PRINT_ERRORS) console.log(name, errors);
      expectErrors(name, errors, 10);
    });
});
