// GNOBlock fixtures through Node's WebGPU (the `webgpu` package): the headless runtime path.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import { BLOCK_FIXTURES, checkBlockFixture, expectErrors } from './gno_block_fixtures';

describe('GNOBlock vs neuraloperator fixtures (node)', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  for (const name of BLOCK_FIXTURES)
    it(name, async () => {
      const errors = await checkBlockFixture(rt, name);
      if (process.env.WGNO_PRINT_ERRORS) console.log(name, errors);
      expectErrors(name, errors);
    });
});
