import { describe, expect, it } from 'vitest';
import { UniformLayout } from '../../src/gpu/uniforms';

describe('UniformLayout', () => {
  it('packs by WGSL alignment rules', () => {
    const l = new UniformLayout('P', {
      n: 'u32',
      x: 'f32',
      shape: { vec4: 'u32', length: 8 },
      k: 'i32',
    });
    // n@0 x@4, shape aligns to 16 (2 x vec4 = 32 bytes), k@48, size rounds to 64.
    expect(l.size).toBe(64);
    const v = new DataView(l.pack({ n: 7, x: 0.5, shape: [1, 2, 3], k: -2 }));
    expect([
      v.getUint32(0, true),
      v.getFloat32(4, true),
      v.getUint32(16, true),
      v.getUint32(24, true),
      v.getUint32(28, true),
      v.getInt32(48, true),
    ]).toEqual([7, 0.5, 1, 3, 0, -2]);
  });

  it('rejects values that do not fit their type', () => {
    const l = new UniformLayout('P', { n: 'u32', s: { vec4: 'u32', length: 4 } });
    expect(() => l.pack({ n: 1.5, s: [] })).toThrow(/P.n: 1.5 is not a valid u32/);
    expect(() => l.pack({ n: 1, s: [1, 2, 3, 4, 5] })).toThrow(/P.s: 5 values for 4 slots/);
  });

  it('prints the WGSL struct that kernels are given (src/gpu/kernel.ts puts it in front)', () => {
    const l = new UniformLayout('P', { n: 'u32', shape: { vec4: 'u32', length: 5 }, x: 'f32' });
    expect(l.wgslStruct()).toBe(
      'struct P {\n  n: u32,\n  shape: array<vec4<u32>, 2>,\n  x: f32,\n}',
    );
  });
});
