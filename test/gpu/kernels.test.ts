import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/index'; // defines the kernels of every op, model and geometry module
import '../../src/pde/darcy_passes';
import '../../src/train/optim';
import { allKernels, baseOverrides } from '../../src/gpu/kernel';
import { init, type Runtime } from '../../src/index';

describe('every kernel', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  it('compiles on the device, with its generated struct and constants and its includes', async () => {
    const names = new Set(allKernels.map((k) => k.name));
    for (const name of ['unary', 'binary', 'matmul', 'fft', 'knn', 'neighbor_search', 'darcy_cg'])
      expect(names, name).toContain(name);
    const failures: string[] = [];
    await Promise.all(
      allKernels.map((k) =>
        rt.pipeline(k, baseOverrides()).catch((e: unknown) => failures.push(String(e))),
      ),
    );
    expect(failures).toEqual([]);
  });

  it('takes WG from the TS constant', () => {
    for (const k of allKernels)
      expect(k.source, `kernels/${k.name}.wgsl`).toMatch(/^override WG: u32/m);
  });
});
