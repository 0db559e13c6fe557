// MgNO fixtures through Node's WebGPU (the `webgpu` package), on both kernel lowerings.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import { MGNO_FIXTURES, checkMgNOFixture, expectMgNOErrors } from './mgno-fixtures';

for (const kernels of ['lane', 'workgroup'] as const)
  describe(`MgNO vs the official MgNO_DC / MgNO_NS (transcribed; node, ${kernels} kernels)`, () => {
    let rt: Runtime;
    beforeAll(async () => {
      rt = await init({ kernels });
    });
    afterAll(() => rt?.destroy());

    // The first case compiles every conv pipeline: 2-8 s alone, over 100 s on a loaded CPU adapter.
    for (const name of MGNO_FIXTURES)
      it(name, { timeout: 300_000 }, async () => {
        const errors = await checkMgNOFixture(rt, name);
        if (process.env.WGNO_PRINT_ERRORS) console.log(name, errors);
        expectMgNOErrors(name, errors);
      });
  });
