/**
 * The FNO-2D that the peer benchmark runs in every library (bench/fno.bench.ts), and the weights
 * exchanged between them: wgno's parameters as read back from the GPU, keyed by neuraloperator's
 * state_dict names (complex64 spectral weights as interleaved (re, im) float pairs).
 */
export const FNO_BENCH = {
  batch: 4,
  inChannels: 10,
  outChannels: 1,
  hidden: 20,
  nLayers: 4,
  modes: [12, 12] as const,
  size: 64,
  lr: 1e-3,
};

export interface NamedWeight {
  shape: number[];
  dtype: 'float32' | 'complex64';
  data: Float32Array;
}
export type Weights = Map<string, NamedWeight>;

export function weight(w: Weights, name: string): NamedWeight {
  const t = w.get(name);
  if (!t) throw new Error(`peer FNO: no weight '${name}' (have ${[...w.keys()].join(', ')})`);
  return t;
}

/** Split interleaved complex64 data into its real and imaginary parts. */
export function splitComplex(data: Float32Array): [Float32Array, Float32Array] {
  const n = data.length / 2;
  const re = new Float32Array(n);
  const im = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = data[2 * i];
    im[i] = data[2 * i + 1];
  }
  return [re, im];
}

/** neuraloperator's 2-D grid embedding channels: [2, H, W], channel 0 = i / H, channel 1 = j / W. */
export function grid2d(h: number, w: number): Float32Array {
  const out = new Float32Array(2 * h * w);
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++) {
      out[i * w + j] = i / h;
      out[h * w + i * w + j] = j / w;
    }
  return out;
}

export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relL2: lengths ${a.length} and ${b.length} differ`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

/** Median of a list of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
