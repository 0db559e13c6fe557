// The same fixtures through Node's WebGPU (the `webgpu` package): the headless runtime path.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { init, type Runtime } from '../../src/index';
import { GNO_FIXTURES, checkGnoFixture, expectGnoErrors } from './integral_transform_fixtures';

describe('IntegralTransform vs neuraloperator fixtures (node)', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  for (const name of GNO_FIXTURES)
    it(name, async () => {
      const errors = await checkGnoFixture(rt, name);
      if (process.env.WGNO_PRINT_ERRORS) console.log(name, errors);
      expectGnoErrors(name, errors);
    });
});
