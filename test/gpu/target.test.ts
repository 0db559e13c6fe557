import { describe, expect, it } from 'vitest';
import { chooseTarget, isCpuAdapter } from '../../src/gpu/target';
import { init } from '../../src/index';

const info = (o: Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean }) =>
  ({ vendor: '', architecture: '', device: '', description: '', ...o }) as GPUAdapterInfo;

describe('lowering target', () => {
  it('recognises CPU implementations of WebGPU', () => {
    expect(isCpuAdapter(info({ vendor: 'google', architecture: 'swiftshader' }))).toBe(true);
    expect(isCpuAdapter(info({ description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }))).toBe(true);
    expect(isCpuAdapter(info({ description: 'Microsoft Basic Render Driver' }))).toBe(true);
    expect(isCpuAdapter(info({ vendor: 'nvidia', isFallbackAdapter: true }))).toBe(true);
    expect(isCpuAdapter(info({ vendor: 'nvidia', architecture: 'hopper' }))).toBe(false);
    expect(isCpuAdapter(info({ vendor: 'apple', architecture: 'metal-3' }))).toBe(false);
  });

  it("'auto' picks lane kernels on CPU adapters and workgroup kernels on GPUs; explicit wins", () => {
    const cpu = info({ architecture: 'swiftshader' });
    const gpu = info({ vendor: 'nvidia', architecture: 'hopper' });
    expect(chooseTarget(cpu).kernels).toBe('lane');
    expect(chooseTarget(gpu, 'auto').kernels).toBe('workgroup');
    expect(chooseTarget(cpu, 'workgroup').kernels).toBe('workgroup');
    expect(chooseTarget(gpu, 'lane').kernels).toBe('lane');
  });

  it('init rejects an unknown kernel style before touching the GPU', async () => {
    await expect(init({ kernels: 'fast' as 'lane' })).rejects.toThrow(
      /init: kernels 'fast' is invalid; use 'auto', 'lane' or 'workgroup'/,
    );
  });
});
