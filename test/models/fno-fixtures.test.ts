import { afterAll, beforeAll, describe, it } from 'vitest';
import { init, type Runtime } from '../../src/index';
import { checkFnoFixture, checkLossFixture } from './fno-fixtures';

// Node (the `webgpu` package) runs the same checks on a subset, to keep the suite short on SwiftShader.
describe('FNO matches PyTorch/neuraloperator (Node)', () => {
  let rt: Runtime;
  // The GPU lowering ('workgroup' kernels), which 'auto' does not pick on SwiftShader, so the
  // models are checked through both (the browser suite runs 'auto').
  beforeAll(async () => (rt = await init({ kernels: 'workgroup' })));
  afterAll(() => rt?.destroy());
  for (const name of ['fno1d', 'fno2d', 'fno3d'])
    it(name, () => checkFnoFixture(rt, name).then(() => undefined));
  it('lpLoss and h1Loss on fno2d_padding', () => checkLossFixture(rt, 'fno2d_padding'));
});
