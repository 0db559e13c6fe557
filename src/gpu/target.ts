/**
 * What plan-time lowering may specialise on, fixed per Runtime: kernels differ in speed between
 * GPUs and CPU implementations of WebGPU far more than any flag can hide, so ops pick a lowering
 * from this rather than from the device at run time.
 */

/**
 * How an FFT line that fits is transformed in one dispatch:
 *  - 'workgroup': lines in workgroup memory, threads cooperate with a barrier between radix passes
 *    (the GPU layout: one global read and write per axis);
 *  - 'lane': one invocation per line in private memory, no workgroup memory and no barriers (CPU
 *    adapters: SwiftShader runs barriers and workgroup memory ~40x slower than private arrays).
 */
export type FftStrategy = 'lane' | 'workgroup';

export interface Target {
  readonly fft: FftStrategy;
}

export const DEFAULT_TARGET: Target = { fft: 'workgroup' };

/** WebGPU implemented on the CPU: SwiftShader (Chromium, Dawn), Mesa's llvmpipe/lavapipe, WARP. */
export function isCpuAdapter(info: GPUAdapterInfo): boolean {
  if ((info as { isFallbackAdapter?: boolean }).isFallbackAdapter) return true;
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
  return /swiftshader|llvmpipe|lavapipe|microsoft basic render/i.test(text);
}

/** `fftStrategy` 'auto' (the default) picks 'lane' on CPU adapters and 'workgroup' on GPUs. */
export function chooseTarget(
  info: GPUAdapterInfo,
  fftStrategy: FftStrategy | 'auto' = 'auto',
): Target {
  return {
    fft: fftStrategy === 'auto' ? (isCpuAdapter(info) ? 'lane' : 'workgroup') : fftStrategy,
  };
}
