import { it } from 'vitest';
import { init } from '../../src/index';
import { overfitHeat1d } from './fno-train';

it('a small FNO-1D overfits the heat-equation operator on the GPU', async () => {
  const rt = await init();
  try {
    const { first, last, dispatches } = await overfitHeat1d(rt);
    console.log(
      `FNO-1D overfit: relative L2 (sum over 4 samples) ${first.toFixed(4)} -> ${last.toExponential(3)}, ${dispatches} dispatches per step`,
    );
  } finally {
    rt.destroy();
  }
}, 300_000);
