/**
 * FFT ops (kernels/fft.wgsl): `fft` (complex64, any axis, either direction), `rfft` (f32 -> the
 * N/2 + 1 half-spectrum bins of the last axis, optionally only the first nOut) and `irfft`
 * (half spectrum of M <= n/2 + 1 bins -> f32 of length n, bins >= M taken as 0).
 *
 * Conventions follow numpy/torch.fft: forward e^{-2 pi i jk/N}; norm 'backward' scales the inverse
 * by 1/N, 'forward' the forward by 1/N, 'ortho' both by 1/sqrt(N). irfft ignores the imaginary
 * parts of the DC and (even n) Nyquist bins.
 *
 * Lowering (fft_plan.ts): mixed-radix Stockham (radices 4, 2, 3, 5, 7), the whole transform in
 * one dispatch when it fits (in workgroup memory for N <= 1024 on GPUs; one line per invocation in
 * private memory for N <= 256 on CPU adapters, see gpu/target.ts) and one pass per radix through
 * scratch beyond; any other N by
 * Bluestein's chirp z-transform (a convolution done with power-of-two FFTs). rfft reads the real
 * signal in the first load; irfft rebuilds the Hermitian full spectrum there and keeps the real part.
 * Pruning: rfft computes the full transform and stores only the first nOut bins (it saves the
 * writes, not the arithmetic). The float64 references (direct DFT sums) are in fft_reference.ts.
 *
 * VJPs (PyTorch's complex-gradient convention, g = dL/d re y + i dL/d im y):
 *  - fft: the transform in the opposite direction with the same scale, i.e. norm swapped
 *    (backward <-> forward, ortho stays): the adjoint of s F is s conj(F).
 *  - rfft: y_k = s w_k sum_j x_j e^{-2 pi i jk/N} with w_k = 1 (or, with `adjoint`, 2 on interior
 *    bins). For real x, dL/dx_j = Re sum_k conj(dy_k/dx_j) g_k = s Re sum_k w_k g_k e^{+2 pi i jk/N}.
 *    irfft(h)_j = t Re sum_k c_k h_k e^{+2 pi i jk/N}, c_k = 2 on interior bins, 1 on DC/Nyquist, so
 *    the gradient is irfft with t = s (norm swapped) and the opposite `adjoint` flag: the irfft that
 *    halves interior bins cancels c_k (the transpose of the plain rfft), and vice versa.
 *  - irfft: dL/dZ_k = t c_k sum_j g_j e^{-2 pi i jk/n} (the ignored imaginary parts of DC/Nyquist
 *    get 0, which this already gives): rfft with nOut = M, norm swapped, opposite `adjoint`.
 */
import { WgnoError, fmtShape } from '../errors';
import { registerOp } from '../graph/registry';
import { apply } from '../graph/apply';
import { normAxis, numel, type TensorSpec } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import type { OpDef } from '../graph/op';
import { lowerFft, LOAD, STORE, WEIGHT, type Norm } from './fft_plan';
import { fftReference, irfftReference, normScale, rfftReference } from './fft_reference';

export type { Norm } from './fft_plan';

export interface FftAttrs {
  readonly axis: number;
  readonly inverse: boolean;
  readonly norm: Norm;
}
export interface RfftAttrs {
  readonly norm: Norm;
  /** Bins 0..nOut-1 are computed (pruned transform); nOut <= N/2 + 1. */
  readonly nOut: number;
  /** Double the interior bins: the transpose of a plain irfft. */
  readonly adjoint: boolean;
}
export interface IrfftAttrs {
  readonly n: number;
  readonly norm: Norm;
  /** Halve the interior bins first: the transpose of a plain rfft. */
  readonly adjoint: boolean;
}

const NORMS: readonly Norm[] = ['backward', 'forward', 'ortho'];

/** The norm whose opposite-direction transform has the same scale (the adjoint's norm). */
const swapNorm = (norm: Norm): Norm =>
  norm === 'ortho' ? 'ortho' : norm === 'forward' ? 'backward' : 'forward';

function checkNorm(op: string, norm: Norm): void {
  if (!NORMS.includes(norm))
    throw new WgnoError(
      op,
      `norm '${String(norm)}' is invalid; use 'backward', 'forward' or 'ortho'`,
    );
}

function requireDtype(op: string, x: TensorSpec, dtype: 'f32' | 'complex64'): void {
  if (x.dtype !== dtype)
    throw new WgnoError(
      op,
      `input has dtype ${x.dtype} ${fmtShape(x.shape)}; ${op} takes ${dtype}`,
    );
}

export const fftDef: OpDef<FftAttrs> = {
  name: 'fft',
  infer([x], { axis, norm }) {
    requireDtype('fft', x, 'complex64');
    checkNorm('fft', norm);
    if (normAxis('fft', axis, x.shape.length) !== axis)
      throw new WgnoError('fft', `axis ${axis} must be normalized to 0..${x.shape.length - 1}`);
    return { shape: x.shape, dtype: 'complex64' };
  },
  lower({ inputs: [x], attrs: { axis, inverse, norm }, target }) {
    const n = x.shape[axis];
    const inner = numel(x.shape.slice(axis + 1));
    return lowerFft({
      n,
      lines: numel(x.shape) / n,
      inner,
      inLen: n,
      outLen: n,
      load: LOAD.complex,
      store: STORE.complex,
      weight: WEIGHT.none,
      inverse,
      scale: normScale(norm, inverse, n),
      strategy: target.kernels,
    });
  },
  vjp: ({ g, attrs: { axis, inverse, norm } }) => [
    apply('fft', [g], { axis, inverse: !inverse, norm: swapNorm(norm) }),
  ],
  reference: ([x], [sx], { axis, inverse, norm }) => fftReference(x, sx.shape, axis, inverse, norm),
};

export const rfftDef: OpDef<RfftAttrs> = {
  name: 'rfft',
  infer([x], { norm, nOut }) {
    requireDtype('rfft', x, 'f32');
    checkNorm('rfft', norm);
    if (x.shape.length < 1) throw new WgnoError('rfft', 'input must have at least one axis');
    const n = x.shape[x.shape.length - 1];
    const bins = Math.floor(n / 2) + 1;
    if (!Number.isInteger(nOut) || nOut < 1 || nOut > bins)
      throw new WgnoError(
        'rfft',
        `nOut = ${nOut} for input ${fmtShape(x.shape)}; the last axis of length ${n} has ${bins} bins, so 1 <= nOut <= ${bins}`,
      );
    return { shape: [...x.shape.slice(0, -1), nOut], dtype: 'complex64' };
  },
  lower({ inputs: [x], attrs: { norm, nOut, adjoint }, target }) {
    const n = x.shape[x.shape.length - 1];
    return lowerFft({
      n,
      lines: numel(x.shape) / n,
      inner: 1,
      inLen: n,
      outLen: nOut,
      load: LOAD.real,
      store: STORE.complex,
      weight: adjoint ? WEIGHT.double : WEIGHT.none,
      inverse: false,
      scale: normScale(norm, false, n),
      strategy: target.kernels,
    });
  },
  vjp: ({ g, inputs: [x], attrs: { norm, adjoint } }) => [
    apply('irfft', [g], {
      n: x.shape[x.shape.length - 1],
      norm: swapNorm(norm),
      adjoint: !adjoint,
    }),
  ],
  reference: ([x], [sx], { norm, nOut, adjoint }) =>
    rfftReference(x, sx.shape, norm, nOut, adjoint),
};

export const irfftDef: OpDef<IrfftAttrs> = {
  name: 'irfft',
  infer([z], { n, norm }) {
    requireDtype('irfft', z, 'complex64');
    checkNorm('irfft', norm);
    if (z.shape.length < 1) throw new WgnoError('irfft', 'input must have at least one axis');
    const m = z.shape[z.shape.length - 1];
    if (!Number.isInteger(n) || n < 1 || m > Math.floor(n / 2) + 1)
      throw new WgnoError(
        'irfft',
        `n = ${n} for input ${fmtShape(z.shape)} with ${m} bins; need an integer n >= 1 with ${m} <= n/2 + 1 (n >= ${Math.max(1, 2 * m - 2)})`,
      );
    return { shape: [...z.shape.slice(0, -1), n], dtype: 'f32' };
  },
  lower({ inputs: [z], attrs: { n, norm, adjoint }, target }) {
    const m = z.shape[z.shape.length - 1];
    return lowerFft({
      n,
      lines: numel(z.shape) / m,
      inner: 1,
      inLen: m,
      outLen: n,
      load: LOAD.half,
      store: STORE.real,
      weight: adjoint ? WEIGHT.halve : WEIGHT.none,
      inverse: true,
      scale: normScale(norm, true, n),
      strategy: target.kernels,
    });
  },
  vjp: ({ g, inputs: [z], attrs: { norm, adjoint } }) => [
    apply('rfft', [g], {
      norm: swapNorm(norm),
      nOut: z.shape[z.shape.length - 1],
      adjoint: !adjoint,
    }),
  ],
  reference: ([z], [sz], { n, norm, adjoint }) => irfftReference(z, sz.shape, n, norm, adjoint),
};

/**
 * Complex FFT along `axis` (negative counts from the end), numpy/torch semantics; `inverse` for
 * the inverse transform. @example fft(x, 2, { norm: 'forward' }) // [B, C, H, W] complex64, along H
 */
export function fft(x: Tensor, axis = -1, opts: { inverse?: boolean; norm?: Norm } = {}): Tensor {
  const a = normAxis('fft', axis, x.shape.length);
  return apply('fft', [x], {
    axis: a,
    inverse: opts.inverse ?? false,
    norm: opts.norm ?? 'backward',
  });
}

/** Inverse complex FFT along `axis`: ifft(fft(x)) == x for every norm. */
export const ifft = (x: Tensor, axis = -1, opts: { norm?: Norm } = {}): Tensor =>
  fft(x, axis, { ...opts, inverse: true });

/**
 * Real FFT of the last axis: N f32 -> N/2 + 1 complex bins, or only the first `nOut` (pruned,
 * for spectral layers). @example rfft(u, { norm: 'forward', nOut: 12 }) // [B, C, 64] -> [B, C, 12]
 */
export function rfft(x: Tensor, opts: { norm?: Norm; nOut?: number } = {}): Tensor {
  const n = x.shape[x.shape.length - 1] ?? 0;
  const nOut = opts.nOut ?? Math.floor(n / 2) + 1;
  return apply('rfft', [x], { norm: opts.norm ?? 'backward', nOut, adjoint: false });
}

/**
 * Inverse real FFT of the last axis to length n (default 2 (M - 1)); bins beyond the input's M
 * count as zero. @example irfft(z, { n: 64, norm: 'forward' }) // [B, C, 12] complex64 -> [B, C, 64] f32
 */
export function irfft(z: Tensor, opts: { n?: number; norm?: Norm } = {}): Tensor {
  const m = z.shape[z.shape.length - 1] ?? 1;
  return apply('irfft', [z], {
    n: opts.n ?? 2 * (m - 1),
    norm: opts.norm ?? 'backward',
    adjoint: false,
  });
}

declare module '../graph/registry' {
  interface OpAttrs {
    /** FFTs (fft.ts): complex along any axis; real <-> half spectrum along the last axis. */
    fft: FftAttrs;
    rfft: RfftAttrs;
    irfft: IrfftAttrs;
  }
}

registerOp('fft', fftDef);
registerOp('rfft', rfftDef);
registerOp('irfft', irfftDef);
