/**
 * Plan-time lowering of one FFT line set to dispatches of kernels/fft.wgsl (see its header for
 * the layout). N with factors 2, 3, 5, 7 only: one dispatch does every Stockham pass when the line
 * fits, in workgroup memory for N <= 1024 (floor(1024 / N) lines per workgroup; strategy
 * 'workgroup', GPUs) or in one invocation's private memory for N <= 256 (strategy 'lane', CPU
 * adapters, gpu/target.ts); longer N take one dispatch per radix,
 * ping-ponging through two scratch buffers. Any other N: Bluestein, X_k = c_k sum_j (x_j c_j) conj(c_{k-j}) with the
 * chirp c_j = e^{-i pi j^2/N} (forward), a linear convolution done circularly at the power of two
 * M >= 2N - 1 with the same passes (Bluestein 1970; Rabiner, Schafer & Rader 1969).
 */
import { WgnoError } from '../errors';
import { defineKernel, grid1d, WORKGROUP_SIZE } from '../gpu/kernel';
import type { KernelStyle } from '../gpu/target';
import { UniformLayout } from '../gpu/uniforms';
import { codes } from '../gpu/wgsl';
import source from '../../kernels/fft.wgsl?raw';
import type { Dispatch, Slot } from '../graph/op';
import { CHIRP_FLOPS, lineRead, lineWrite, passCost, type LineLoad } from './fft_cost';

/** FFT scaling, as numpy/torch: 'backward' scales the inverse by 1/n, 'forward' the forward, 'ortho' both by 1/sqrt(n). */
export type Norm = 'backward' | 'forward' | 'ortho';

export const fftParams = new UniformLayout('FftParams', {
  lines: 'u32',
  len: 'u32',
  inner: 'u32',
  ns: 'u32',
  in_len: 'u32',
  out_len: 'u32',
  n_real: 'u32',
  chirp_n: 'u32',
  scale: 'f32',
  inverse: 'u32',
  radix: { vec4: 'u32', length: 12 },
  stages: 'u32',
  per_group: 'u32',
});
/** Longest line of the 'lane' kernel (the WGSL constant LANE_MAX: two private arrays of it per invocation). */
const LANE_MAX = 256;
/** Override codes of kernels/fft.wgsl (WGSL names them LOAD_COMPLEX, ..., WEIGHT_DOUBLE). */
export const LOAD = { complex: 0, real: 1, half: 2 } as const;
export const STORE = { complex: 0, real: 1 } as const;
export const WEIGHT = { none: 0, halve: 1, double: 2 } as const;
const constants = {
  ...codes('LOAD', LOAD),
  ...codes('STORE', STORE),
  ...codes('WEIGHT', WEIGHT),
  LANE_MAX,
};
const entry = (name: string, storage: ('read' | 'read_write')[]) =>
  defineKernel({ name: 'fft', entry: name, source, params: fftParams, constants, storage });
const K = {
  pass: entry('main', ['read', 'read_write']),
  table: entry('chirp_table', ['read', 'read_write']),
  pre: entry('chirp_pre', ['read', 'read_write']),
  mul: entry('chirp_mul', ['read', 'read_write', 'read']),
  post: entry('chirp_post', ['read', 'read_write']),
  whole: entry('whole', ['read', 'read_write']),
  lane: entry('lane', ['read', 'read_write']),
};

/** Complex elements per workgroup array of the shared kernel (two arrays: 16 KiB, the default limit). */
const SMEM = 1024;
/** Uniform fields only the shared kernel reads. */
const NOT_SHARED = { radix: [] as number[], stages: 0, per_group: 0 };

/** Largest Bluestein length: the chirp index j^2 mod 2N is formed in u32. */
const MAX_BLUESTEIN = 32768;

export interface FftLines {
  /** Transform length. */
  readonly n: number;
  /** Independent transforms: outer * inner. */
  readonly lines: number;
  /** Element stride of the transformed axis (product of the axes after it). */
  readonly inner: number;
  /** Axis lengths of the input and output buffers (zero-filled reads, dropped writes). */
  readonly inLen: number;
  readonly outLen: number;
  readonly load: number;
  readonly store: number;
  readonly weight: number;
  readonly inverse: boolean;
  readonly scale: number;
  readonly strategy: KernelStyle;
}

/** Radices of n from {4, 2, 3, 5, 7} (largest first), or null when another prime divides n. */
export function radices(n: number): number[] | null {
  if (n === 1) return [1];
  const out: number[] = [];
  let m = n;
  for (const r of [4, 2, 3, 5, 7])
    while (m % r === 0) {
      out.push(r);
      m /= r;
    }
  return m === 1 ? out : null;
}

/** Which algorithm a length takes (exposed for tests and benchmarks). */
export const fftPath = (n: number): 'stockham' | 'bluestein' =>
  radices(n) ? 'stockham' : 'bluestein';

type Params = Record<string, number | readonly number[]> & {
  len: number;
  lines: number;
  n_real: number;
};

const loadKind = (load: number): LineLoad =>
  load === LOAD.real ? 'real' : load === LOAD.half ? 'half' : 'complex';

/** Whether a line of `len` is transformed in one dispatch, and by which kernel. */
function oneDispatch(len: number, strategy: KernelStyle): 'lane' | 'whole' | null {
  if (strategy === 'lane' && len <= LANE_MAX) return 'lane';
  return len <= SMEM ? 'whole' : null;
}

/**
 * Stockham passes of length `len` over `lines` lines: pass i reads `from(i)` and writes `to(i)`;
 * the first pass reads with `first`'s load mode, the last writes with `last`'s store mode and scale.
 */
function passes(
  rs: number[],
  base: Params,
  first: { load: number; in_len: number },
  last: { store: number; out_len: number; scale: number },
  weight: number,
  slots: (i: number) => [Slot, Slot],
  strategy: KernelStyle,
): Dispatch[] {
  const one = oneDispatch(base.len, strategy);
  if (one) return [sharedPass(one, rs, base, first, last, weight, slots)];
  let ns = 1;
  return rs.map((r, i) => {
    const isFirst = i === 0;
    const isLast = i === rs.length - 1;
    const read = isFirst
      ? lineRead(loadKind(first.load), first.in_len, base.len, base.n_real)
      : 8 * base.len;
    const write = isLast
      ? lineWrite(last.store === STORE.real, last.out_len, base.len)
      : 8 * base.len;
    const d: Dispatch = {
      kernel: K.pass,
      overrides: {
        R: r,
        LOAD: isFirst ? first.load : LOAD.complex,
        STORE: isLast ? last.store : STORE.complex,
        WEIGHT:
          (isFirst && weight === WEIGHT.halve) || (isLast && weight === WEIGHT.double) ? weight : 0,
      },
      params: {
        ...base,
        ...NOT_SHARED,
        ns,
        in_len: isFirst ? first.in_len : base.len,
        out_len: isLast ? last.out_len : base.len,
        scale: isLast ? last.scale : 1,
      },
      bindings: slots(i),
      grid: grid1d((base.lines * base.len) / r),
      cost: passCost(base.lines, base.len, [r], { read, write }),
    };
    ns *= r;
    return d;
  });
}

/**
 * All passes in one dispatch: 'whole' puts per_group lines in each workgroup's memory, 'lane' one
 * line in each invocation's private memory.
 */
function sharedPass(
  kernel: 'lane' | 'whole',
  rs: number[],
  base: Params,
  first: { load: number; in_len: number },
  last: { store: number; out_len: number; scale: number },
  weight: number,
  slots: (i: number) => [Slot, Slot],
): Dispatch {
  const perGroup = kernel === 'lane' ? 1 : Math.floor(SMEM / base.len);
  const groups = Math.ceil(base.lines / perGroup);
  return {
    kernel: K[kernel],
    overrides: { LOAD: first.load, STORE: last.store, WEIGHT: weight, SMEM },
    params: {
      ...base,
      ns: 1,
      in_len: first.in_len,
      out_len: last.out_len,
      scale: last.scale,
      radix: rs,
      stages: rs.length,
      per_group: perGroup,
    },
    bindings: slots(0),
    grid: kernel === 'lane' ? grid1d(base.lines) : grid1d(groups * WORKGROUP_SIZE),
    cost: passCost(base.lines, base.len, rs, {
      read: lineRead(loadKind(first.load), first.in_len, base.len, base.n_real),
      write: lineWrite(last.store === STORE.real, last.out_len, base.len),
    }),
  };
}

/** Dispatches one transform of length len takes: one when it fits, else one per radix. */
const passCount = (len: number, rs: number[], strategy: KernelStyle): number =>
  oneDispatch(len, strategy) ? 1 : rs.length;

/** Dispatches and scratch sizes (bytes) of one batched transform; input 0 -> output. */
export function lowerFft(p: FftLines): { dispatches: Dispatch[]; scratch?: number[] } {
  const rs = radices(p.n);
  return rs ? lowerStockham(p, rs) : lowerBluestein(p);
}

function lowerStockham(p: FftLines, rs: number[]): { dispatches: Dispatch[]; scratch: number[] } {
  const base = {
    lines: p.lines,
    len: p.n,
    inner: p.inner,
    n_real: p.n,
    chirp_n: 0,
    inverse: p.inverse ? 1 : 0,
  };
  const m = passCount(p.n, rs, p.strategy);
  const slot = (i: number): Slot =>
    i < 0 ? { input: 0 } : i === m - 1 ? { output: true } : { scratch: i % 2 };
  const dispatches = passes(
    rs,
    base,
    { load: p.load, in_len: p.inLen },
    { store: p.store, out_len: p.outLen, scale: p.scale },
    p.weight,
    (i) => [slot(i - 1), slot(i)],
    p.strategy,
  );
  const bytes = p.lines * p.n * 8;
  const passBuffers = dispatches.length > 2 ? 2 : dispatches.length - 1;
  return { dispatches, scratch: new Array<number>(passBuffers).fill(bytes) };
}

function lowerBluestein(p: FftLines): { dispatches: Dispatch[]; scratch: number[] } {
  if (p.n > MAX_BLUESTEIN)
    throw new WgnoError(
      'fft',
      `length ${p.n} has a prime factor above 7 and exceeds ${MAX_BLUESTEIN}, the largest Bluestein length`,
    );
  let m = 1;
  while (m < 2 * p.n - 1) m *= 2;
  const rs = radices(m)!;
  const k = passCount(m, rs, p.strategy);
  const common = { ...NOT_SHARED, inner: 1, n_real: p.n, chirp_n: p.n, inverse: p.inverse ? 1 : 0 };
  const one = { ...common, lines: 1, len: m, ns: 1, in_len: m, out_len: m, scale: 1 };
  const all = { ...common, lines: p.lines, len: m, ns: 1, in_len: m, out_len: m, scale: 1 };
  const plain = { load: LOAD.complex, in_len: m };
  const keep = { store: STORE.complex, out_len: m, scale: 1 };
  // Scratch 0, 1: [lines, M] ping-pong; 2, 3: the chirp table and its transform, [M].
  const A = (i: number): Slot => ({ scratch: i % 2 });
  const T = (i: number): Slot => ({ scratch: 2 + (i % 2) });
  const d: Dispatch[] = [
    {
      kernel: K.table,
      params: one,
      bindings: [{ input: 0 }, T(0)],
      grid: grid1d(m),
      cost: { read: 0, write: 8 * m, flops: CHIRP_FLOPS * m },
    },
    ...passes(rs, { ...one, inverse: 0 }, plain, keep, 0, (i) => [T(i), T(i + 1)], p.strategy),
    {
      kernel: K.pre,
      overrides: { LOAD: p.load, WEIGHT: p.weight === WEIGHT.halve ? p.weight : 0 },
      params: { ...all, inner: p.inner, in_len: p.inLen },
      bindings: [{ input: 0 }, A(0)],
      grid: grid1d(p.lines * m),
      cost: {
        read: p.lines * lineRead(loadKind(p.load), p.inLen, p.n, p.n),
        write: 8 * p.lines * m,
        flops: (CHIRP_FLOPS + 6) * p.lines * p.n,
      },
    },
    ...passes(rs, { ...all, inverse: 0 }, plain, keep, 0, (i) => [A(i), A(i + 1)], p.strategy),
    {
      kernel: K.mul,
      params: { ...all, scale: 1 / m },
      bindings: [A(k), A(k + 1), T(k)],
      grid: grid1d(p.lines * m),
      cost: { read: 16 * p.lines * m, write: 8 * p.lines * m, flops: 8 * p.lines * m },
    },
    ...passes(
      rs,
      { ...all, inverse: 1 },
      plain,
      keep,
      0,
      (i) => [A(k + 1 + i), A(k + 2 + i)],
      p.strategy,
    ),
    {
      kernel: K.post,
      overrides: { STORE: p.store, WEIGHT: p.weight === WEIGHT.double ? p.weight : 0 },
      params: { ...all, inner: p.inner, out_len: p.outLen, scale: p.scale },
      bindings: [A(2 * k + 1), { output: true }],
      grid: grid1d(p.lines * p.outLen),
      cost: {
        read: 8 * p.lines * p.outLen,
        write: p.lines * lineWrite(p.store === STORE.real, p.outLen, p.n),
        flops: (CHIRP_FLOPS + 8) * p.lines * p.outLen,
      },
    },
  ];
  const lineBytes = p.lines * m * 8;
  return { dispatches: d, scratch: [lineBytes, lineBytes, m * 8, m * 8] };
}
