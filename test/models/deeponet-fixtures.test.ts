// DeepONet fixtures through Node's WebGPU (the `webgpu` package), on both kernel lowerings.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import { DEEPONET_FIXTURES, checkDeepONetFixture, expectDeepONetErrors } from './deeponet-fixtures';

for (const kernels of ['lane', 'workgroup'] as const)
  describe(`DeepONet vs DeepXDE transcription (node, ${kernels} kernels)`, () => {
    let rt: Runtime;
    beforeAll(async () => {
      rt = await init({ kernels });
    });
    afterAll(() => rt?.destroy());

    for (const name of DEEPONET_FIXTURES)
      it(name, async () => {
        const errors = await checkDeepONetFixture(rt, name);
        if (process.env.WGNO_PRINT_ERRORS) console.log(name, errors);
        expectDeepONetErrors(name, errors);
      });
  });
