import { describe, expect, it } from 'vitest';
import { DeviceLostError, exp, init } from '../../src/index';
import { defineKernel } from '../../src/gpu/kernel';
import { UniformLayout } from '../../src/gpu/uniforms';
import { WGSL_LIBRARY } from '../../src/gpu/wgsl';

describe('Runtime (Node, webgpu package)', () => {
  it('reports the adapter and granted optional features', async () => {
    const rt = await init();
    try {
      expect(typeof rt.adapterInfo.vendor).toBe('string');
      for (const f of ['timestamp-query', 'shader-f16', 'subgroups'] as const) {
        expect(rt.hasFeature(f)).toBe(rt.device.features.has(f));
      }
    } finally {
      rt.destroy();
    }
  });

  it('names the kernel, line and source of a WGSL compile error, past the generated struct', async () => {
    const rt = await init();
    try {
      const broken = defineKernel({
        name: 'broken_test',
        source:
          'override WG: u32 = 64;\n@compute @workgroup_size(WG)\nfn main() {\n  let x: f32 = undefined_thing;\n}\n',
        params: new UniformLayout('BrokenParams', { n: 'u32' }),
        constants: { BROKEN_CODE: 1 },
        storage: [],
      });
      await expect(rt.pipeline(broken, { WG: 64 })).rejects.toThrow(
        /kernels\/broken_test\.wgsl:4:\d+: .*undefined_thing[\s\S]*\|\s+let x: f32 = undefined_thing;/,
      );
    } finally {
      rt.destroy();
    }
  });

  it('points a compile error inside an included snippet at the snippet file and line', async () => {
    const rt = await init();
    try {
      // erfc.wgsl declares SQRT1_2 again after this file has: the redeclaration is in the snippet.
      const clash = defineKernel({
        name: 'clash_test',
        source:
          'const SQRT1_2: f32 = 0.7;\n// #include lib/erfc.wgsl\noverride WG: u32 = 64;\n@compute @workgroup_size(WG)\nfn main() {}\n',
        storage: [],
      });
      const line =
        WGSL_LIBRARY['lib/erfc.wgsl'].split('\n').findIndex((l) => /^const SQRT1_2/.test(l)) + 1;
      expect(line).toBeGreaterThan(0);
      await expect(rt.pipeline(clash, { WG: 64 })).rejects.toThrow(
        new RegExp(`kernel clash_test: [\\s\\S]*kernels/lib/erfc\\.wgsl:${line}:\\d+: .*SQRT1_2`),
      );
    } finally {
      rt.destroy();
    }
  });

  it('reports device loss instead of hanging, and a new init() works', async () => {
    const rt = await init();
    const x = rt.tensor([1, 2, 3], [3]);
    rt.device.destroy();
    const info = await rt.lost;
    expect(info.reason).toBe('destroyed');
    expect(rt.isLost).toBe(true);
    expect(() => exp(x)).toThrow(DeviceLostError);
    expect(() => rt.tensor([1], [1])).toThrow(
      /device: the GPU device was lost .*call init\(\) again/,
    );
    await expect(x.read()).rejects.toThrow(DeviceLostError);
    const rt2 = await init();
    try {
      const y = exp(rt2.tensor([0, 1], [2]));
      const v = await y.read();
      expect(v[0]).toBeCloseTo(1, 6);
      expect(v[1]).toBeCloseTo(Math.E, 5);
    } finally {
      rt2.destroy();
    }
  });
});
