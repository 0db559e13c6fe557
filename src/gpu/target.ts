/**
 * What plan-time lowering may specialise on, fixed per Runtime: kernels differ in speed between
 * GPUs and CPU implementations of WebGPU far more than any flag can hide, so ops pick a lowering
 * from this rather than from the device at run time.
 */

/**
 * How kernels that can cooperate across a workgroup are lowered:
 *  - 'workgroup': threads share tiles or whole FFT lines in workgroup memory, with barriers
 *    between phases (the GPU layout: few global reads and writes);
 *  - 'lane': every invocation does an independent unit (a 4 x 4 matmul block from global memory,
 *    a whole FFT line in private memory), no workgroup memory and no barriers. For CPU adapters:
 *    on SwiftShader this is 40x faster for the FFT and ~5x for small-K matmuls.
 */
export type KernelStyle = 'lane' | 'workgroup';

export interface Target {
  readonly kernels: KernelStyle;
}

export const DEFAULT_TARGET: Target = { kernels: 'workgroup' };

/** WebGPU implemented on the CPU: SwiftShader (Chromium, Dawn), Mesa's llvmpipe/lavapipe, WARP. */
export function isCpuAdapter(info: GPUAdapterInfo): boolean {
  if ((info as { isFallbackAdapter?: boolean }).isFallbackAdapter) return true;
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
  return /swiftshader|llvmpipe|lavapipe|microsoft basic render/i.test(text);
}

/** 'auto' (the default) picks 'lane' on CPU adapters and 'workgroup' on GPUs. */
export function chooseTarget(info: GPUAdapterInfo, kernels: KernelStyle | 'auto' = 'auto'): Target {
  return { kernels: kernels === 'auto' ? (isCpuAdapter(info) ? 'lane' : 'workgroup') : kernels };
}
