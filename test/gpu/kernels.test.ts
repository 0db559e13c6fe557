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

  // WGSL validation (Tint, in createShaderModule) of every assembled kernel. Pipelines are not
  // created here: on SwiftShader that is an LLVM compile of 10-50 s per tiled kernel, which the
  // op tests that dispatch each kernel already pay.
  it('validates on the device, with its generated struct and constants and its includes', async () => {
    const names = new Set(allKernels.map((k) => k.name));
    for (const name of ['unary', 'binary', 'matmul', 'fft', 'knn', 'neighbor_search', 'darcy_cg'])
      expect(names, name).toContain(name);
    const failures: string[] = [];
    for (const k of allKernels) {
      const module = rt.device.createShaderModule({ label: k.name, code: k.source });
      const info = await module.getCompilationInfo();
      for (const m of info.messages)
        if (m.type === 'error') failures.push(`kernels/${k.name}.wgsl: ${m.message}`);
      if (!new RegExp(`fn ${k.entry}\\s*\\(`).test(k.source))
        failures.push(`kernels/${k.name}.wgsl: no entry point ${k.entry}`);
    }
    expect(failures).toEqual([]);
  });

  it('compiles a pipeline with the base overrides', async () => {
    const unary = allKernels.find((k) => k.name === 'unary');
    expect(unary).toBeDefined();
    await expect(rt.pipeline(unary!, baseOverrides())).resolves.toBeDefined();
  });

  it('takes WG from the TS constant', () => {
    for (const k of allKernels)
      expect(k.source, `kernels/${k.name}.wgsl`).toMatch(/^override WG: u32/m);
  });
});
