/**
 * The convolution benchmark problems (bench/conv.bench.ts), shared by every library: MgNO's sizes
 * (He et al.; SEEDS.md section 4: batch 8, 24 or 32 channels, 64 x 64), zero padding (the Darcy
 * boundary; TF.js has no circular padding). Layouts are PyTorch's: x [B, Cin, H, W] and weights
 * [Cout, Cin, k, k] for a conv, [Cin, Cout, 4, 4] for the transposed conv; peers convert once,
 * outside the timed runs. Each row runs forward, or forward + backward: the gradients of
 * sum(y * g) with respect to x and the weight.
 */
import { Rng } from '../../src/random';

export interface ConvCase {
  /** 'conv': 3 x 3, padding 1; 'transpose': k 4, stride 2, padding 1 (doubles H and W). */
  kind: 'conv' | 'transpose';
  batch: number;
  cin: number;
  cout: number;
  /** Input height and width. */
  h: number;
  w: number;
  stride: number;
}

export interface ConvProblem extends ConvCase {
  k: number;
  ho: number;
  wo: number;
  x: Float32Array;
  weight: Float32Array;
  weightShape: number[];
  /** The output cotangent of the backward rows, [B, Cout, Ho, Wo]. */
  g: Float32Array;
}

/** What a library returns for the agreement check, in PyTorch's layouts. */
export interface ConvResults {
  y: Float32Array;
  gx: Float32Array;
  gw: Float32Array;
}

export interface PeerConv {
  /** One forward run, waited for (or with its output read back). */
  forward(read?: boolean): Promise<void>;
  /** One forward + backward run (both gradients), waited for (or reading the x gradient back). */
  forwardBackward(read?: boolean): Promise<void>;
  results(): Promise<ConvResults>;
  dispose(): void;
}

export function convName(c: ConvCase): string {
  const what = c.kind === 'conv' ? `conv3x3 s${c.stride}` : 'convT k4 s2';
  return `${what} B${c.batch} ${c.cin}->${c.cout} ${c.h}x${c.w}`;
}

export function convProblem(c: ConvCase, seed = 16): ConvProblem {
  const rng = new Rng(seed);
  const k = c.kind === 'conv' ? 3 : 4;
  const [ho, wo] =
    c.kind === 'conv'
      ? [Math.floor((c.h - 1) / c.stride) + 1, Math.floor((c.w - 1) / c.stride) + 1]
      : [2 * c.h, 2 * c.w];
  const weightShape = c.kind === 'conv' ? [c.cout, c.cin, k, k] : [c.cin, c.cout, k, k];
  const fan = c.cin * k * k;
  const normals = (n: number, scale = 1) => Float32Array.from(rng.normals(n), (v) => v * scale);
  return {
    ...c,
    k,
    ho,
    wo,
    x: normals(c.batch * c.cin * c.h * c.w),
    weight: normals(c.cin * c.cout * k * k, 1 / Math.sqrt(fan)),
    weightShape,
    g: normals(c.batch * c.cout * ho * wo),
  };
}

/** Multiply-adds x 2 of the forward pass (for the transposed conv: those of the conv it transposes). */
export function convFlop(p: ConvProblem): number {
  const outPixels = p.kind === 'conv' ? p.ho * p.wo : p.h * p.w;
  return 2 * p.batch * p.cin * p.cout * p.k * p.k * outPixels;
}

/** [B, C, H, W] <-> [B, H, W, C] on the host (TF.js's layout). */
export function toNhwc(a: Float32Array, [b, c, h, w]: readonly number[]): Float32Array {
  const out = new Float32Array(a.length);
  for (let n = 0; n < b; n++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < h * w; i++) out[(n * h * w + i) * c + ch] = a[(n * c + ch) * h * w + i];
  return out;
}

export function fromNhwc(a: Float32Array, [b, c, h, w]: readonly number[]): Float32Array {
  const out = new Float32Array(a.length);
  for (let n = 0; n < b; n++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < h * w; i++) out[(n * c + ch) * h * w + i] = a[(n * h * w + i) * c + ch];
  return out;
}

/** [A, B, k, k] (PyTorch) <-> [k, k, B, A] (TF.js's conv filter, also for conv2dTranspose). */
export function toHwba(a: Float32Array, [s0, s1, kh, kw]: readonly number[]): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < s0; i++)
    for (let j = 0; j < s1; j++)
      for (let p = 0; p < kh * kw; p++) out[(p * s1 + j) * s0 + i] = a[(i * s1 + j) * kh * kw + p];
  return out;
}

export function fromHwba(a: Float32Array, [s0, s1, kh, kw]: readonly number[]): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < s0; i++)
    for (let j = 0; j < s1; j++)
      for (let p = 0; p < kh * kw; p++) out[(i * s1 + j) * kh * kw + p] = a[(p * s1 + j) * s0 + i];
  return out;
}
