/**
 * The benchmark FNO-2D in TensorFlow.js (tfjs-core + the WebGPU backend). TF.js's FFT kernels have
 * no gradient, so the spectral convolution uses truncated-DFT matrix products, separable along
 * the two axes and restricted to the kept modes (12 x 7): real cos/sin matrices with the complex
 * parts stacked as real blocks, so every stage is one matMul:
 *   A: [B C H, W]  x Aw [W, 2*7]      forward DFT along W, bins 0..6 (with the 1/(H W) of norm 'forward')
 *   B: [B C 7, 2H] x Bh [2H, 2*12]    forward DFT along H, frequencies -6..5 (complex: [[C, -S], [S, C]])
 *   C: [84, B, 2Cin] x Wb [84, 2Cin, 2Cout]  per-mode complex channel mixing ([[Wr, Wi], [-Wi, Wr]])
 *   D: [B O 7, 24] x Dh [24, 2H]      inverse DFT along H
 *   E: [B O H, 14] x Ew [14, W]       inverse real DFT along W (interior bins doubled, DC imag dropped)
 * Pointwise (1x1) layers are a matMul of the [O, C] weight with [B, C, H*W]; GELU is the exact
 * erf form (tf.erf). Training: tf.train.adam's minimize() over tf.variable parameters.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import { FNO_BENCH, grid2d, splitComplex, weight, type Weights } from './spec';
import type { PeerFft, PeerFno } from './types';

interface WebGpuBackendLike {
  device: GPUDevice;
  /** Null when nothing was recorded since the last submit (the backend flushes by itself). */
  commandEncoder: GPUCommandEncoder | null;
  submitQueue(): void;
}

export async function initTfWebGpu(): Promise<string> {
  const ok = await tf.setBackend('webgpu');
  if (!ok) throw new Error("tf.setBackend('webgpu') returned false");
  await tf.ready();
  if (tf.getBackend() !== 'webgpu')
    throw new Error(`TF.js backend is ${tf.getBackend()}, not webgpu`);
  return `tfjs-core ${tf.version_core}`;
}

/** Submit TF.js's pending command buffers and wait until the GPU finished them. */
async function gpuDone(): Promise<void> {
  const be = tf.backend() as unknown as WebGpuBackendLike;
  // tfjs submits by itself every few dispatches; a step ending on that boundary leaves no encoder.
  if (be.commandEncoder) be.submitQueue();
  await be.device.queue.onSubmittedWorkDone();
}

const SQRT1_2 = Math.SQRT1_2;
const gelu = (x: tf.Tensor) => tf.mul(tf.mul(x, tf.add(tf.erf(tf.mul(x, SQRT1_2)), 1)), 0.5);

function dftMatrices(H: number, W: number, m1: number, m2: number) {
  const half = m1 >> 1;
  const Aw = new Float32Array(W * 2 * m2);
  for (let w = 0; w < W; w++)
    for (let k = 0; k < m2; k++) {
      const th = (2 * Math.PI * w * k) / W;
      Aw[w * 2 * m2 + k] = Math.cos(th) / (H * W);
      Aw[w * 2 * m2 + m2 + k] = -Math.sin(th) / (H * W);
    }
  const Bh = new Float32Array(2 * H * 2 * m1);
  const Dh = new Float32Array(2 * m1 * 2 * H);
  for (let h = 0; h < H; h++)
    for (let j = 0; j < m1; j++) {
      const th = (2 * Math.PI * h * (j - half)) / H;
      const [c, s] = [Math.cos(th), Math.sin(th)];
      Bh[h * 2 * m1 + j] = c;
      Bh[h * 2 * m1 + m1 + j] = -s;
      Bh[(H + h) * 2 * m1 + j] = s;
      Bh[(H + h) * 2 * m1 + m1 + j] = c;
      Dh[j * 2 * H + h] = c;
      Dh[j * 2 * H + H + h] = s;
      Dh[(m1 + j) * 2 * H + h] = -s;
      Dh[(m1 + j) * 2 * H + H + h] = c;
    }
  const Ew = new Float32Array(2 * m2 * W);
  for (let k = 0; k < m2; k++)
    for (let w = 0; w < W; w++) {
      const ph = (2 * Math.PI * w * k) / W;
      const ck = k === 0 || 2 * k === W ? 1 : 2;
      Ew[k * W + w] = ck * Math.cos(ph);
      Ew[(m2 + k) * W + w] = -ck * Math.sin(ph);
    }
  return {
    Aw: tf.tensor2d(Aw, [W, 2 * m2]),
    Bh: tf.tensor2d(Bh, [2 * H, 2 * m1]),
    Dh: tf.tensor2d(Dh, [2 * m1, 2 * H]),
    Ew: tf.tensor2d(Ew, [2 * m2, W]),
  };
}

export async function tfFno(
  w: Weights,
  xData: Float32Array,
  yData: Float32Array,
  dims: { batch: number; size: number } = FNO_BENCH,
): Promise<PeerFno> {
  const { inChannels, outChannels, hidden, nLayers, lr } = FNO_BENCH;
  const { batch: B, size } = dims;
  const [m1, m2] = [FNO_BENCH.modes[0], FNO_BENCH.modes[1] / 2 + 1];
  const K = m1 * m2;
  const H = size;
  const W = size;
  const mats = dftMatrices(H, W, m1, m2);
  const vars: tf.Variable[] = [];
  const v = (t: tf.Tensor, name: string) => {
    // TF.js names variables globally: one model per size in a page needs the size in the name.
    const x = tf.variable(t, true, `${name.replace(/[^A-Za-z0-9_]/g, '_')}_b${B}_${size}`);
    vars.push(x);
    return x;
  };
  const pw = (name: string) => {
    const t = weight(w, name);
    return v(tf.tensor2d(t.data, [t.shape[0], t.shape[1]]), name);
  };
  const vec = (name: string) => v(tf.tensor1d(weight(w, name).data), name);
  const mlp = (prefix: string) => ({
    w0: pw(`${prefix}.fcs.0.weight`),
    b0: vec(`${prefix}.fcs.0.bias`),
    w1: pw(`${prefix}.fcs.1.weight`),
    b1: vec(`${prefix}.fcs.1.bias`),
  });
  /** Spectral weight [Cin, Cout, 12 (ky), 7 (kx)] complex -> re, im as [kx, ky, Cin, Cout]. */
  const spectral = (name: string) => {
    const t = weight(w, name);
    const [ci, co] = t.shape;
    const [re, im] = splitComplex(t.data);
    const perm = (src: Float32Array) => {
      const out = new Float32Array(src.length);
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++)
          for (let ky = 0; ky < m1; ky++)
            for (let kx = 0; kx < m2; kx++)
              out[((kx * m1 + ky) * ci + i) * co + o] = src[((i * co + o) * m1 + ky) * m2 + kx];
      return tf.tensor3d(out, [K, ci, co]);
    };
    return { re: v(perm(re), `${name}.re`), im: v(perm(im), `${name}.im`) };
  };
  const lifting = mlp('lifting');
  const blocks = Array.from({ length: nLayers }, (_, i) => ({
    conv: spectral(`fno_blocks.convs.${i}.weight.tensor`),
    bias: vec(`fno_blocks.convs.${i}.bias`),
    skip: pw(`fno_blocks.fno_skips.${i}.conv.weight`),
    mlp: mlp(`fno_blocks.channel_mlp.${i}`),
    gate: vec(`fno_blocks.channel_mlp_skips.${i}.weight`),
  }));
  const projection = mlp('projection');

  const x = tf.tensor4d(xData, [B, inChannels, H, W]);
  const target = tf.tensor4d(yData, [B, outChannels, H, W]);
  const grid = tf.tensor4d(grid2d(H, W), [1, 2, H, W]);

  const pointwise = (h: tf.Tensor, wt: tf.Tensor, b: tf.Tensor | null) => {
    const [o, c] = wt.shape;
    // The weight is tiled over the batch: tfjs 4.22's gradient of a broadcasting batched matMul
    // ([O, C] x [B, C, N]) fails with a shape error, so the product is a plain batched one.
    const wb = tf.tile(tf.reshape(wt, [1, o, c]), [B, 1, 1]);
    let y = tf.reshape(tf.matMul(wb, tf.reshape(h, [B, c, H * W])), [B, o, H, W]);
    if (b) y = tf.add(y, tf.reshape(b, [1, o, 1, 1]));
    return y;
  };
  const channelMlp = (h: tf.Tensor, p: ReturnType<typeof mlp>) =>
    pointwise(gelu(pointwise(h, p.w0, p.b0)), p.w1, p.b1);
  const spectralConv = (h: tf.Tensor, wr: tf.Tensor, wi: tf.Tensor, bias: tf.Tensor) => {
    const C = h.shape[1]!;
    const O = wr.shape[2]!;
    /** reshape -> transpose -> reshape, the layout change between two matMuls. */
    const relayout = (t: tf.Tensor, s: number[], perm: number[], out: number[]) =>
      tf.reshape(tf.transpose(tf.reshape(t, s), perm), out);
    const a = tf.matMul(tf.reshape(h, [B * C * H, W]), mats.Aw); // [B, C, H, (re|im), kx]
    const z = tf.matMul(
      relayout(a, [B, C, H, 2, m2], [0, 1, 4, 3, 2], [B * C * m2, 2 * H]),
      mats.Bh,
    ); // [B, C, kx, (re|im), ky]
    const zk = relayout(z, [B, C, m2, 2, m1], [2, 4, 0, 3, 1], [K, B, 2 * C]);
    const wb = tf.concat([tf.concat([wr, wi], 2), tf.concat([tf.neg(wi), wr], 2)], 1);
    const yk = tf.matMul(zk, wb); // [kx, ky, B, (re|im), O]
    const v1 = tf.matMul(
      relayout(yk, [m2, m1, B, 2, O], [2, 4, 0, 3, 1], [B * O * m2, 2 * m1]),
      mats.Dh,
    ); // [B, O, kx, (re|im), h]
    const y = tf.matMul(
      relayout(v1, [B, O, m2, 2, H], [0, 1, 4, 3, 2], [B * O * H, 2 * m2]),
      mats.Ew,
    );
    return tf.add(tf.reshape(y, [B, O, H, W]), tf.reshape(bias, [1, O, 1, 1]));
  };
  const forward = () => {
    let h = tf.concat([x, tf.broadcastTo(grid, [B, 2, H, W])], 1);
    h = channelMlp(h, lifting);
    blocks.forEach((blk, i) => {
      const last = i === nLayers - 1;
      const skipFno = pointwise(h, blk.skip, null);
      const skipMlp = tf.mul(h, tf.reshape(blk.gate, [1, hidden, 1, 1]));
      h = tf.add(spectralConv(h, blk.conv.re, blk.conv.im, blk.bias), skipFno);
      if (!last) h = gelu(h);
      h = tf.add(channelMlp(h, blk.mlp), skipMlp);
      if (!last) h = gelu(h);
    });
    return channelMlp(h, projection);
  };
  const loss = () => {
    const pred = forward();
    const diff = tf.sqrt(tf.sum(tf.square(tf.sub(pred, target)), [2, 3]));
    const norm = tf.add(tf.sqrt(tf.sum(tf.square(target), [2, 3])), 1e-8);
    return tf.sum(tf.div(diff, norm)) as tf.Scalar;
  };
  const optimizer = tf.train.adam(lr, 0.9, 0.999, 1e-8);

  return {
    async infer() {
      const y = tf.tidy(forward);
      await gpuDone();
      y.dispose();
    },
    async output() {
      const y = tf.tidy(forward);
      const d = (await y.data()) as Float32Array;
      y.dispose();
      return d;
    },
    async train() {
      const cost = optimizer.minimize(loss, true, vars);
      await gpuDone();
      cost?.dispose();
    },
    async trainLoss() {
      const cost = optimizer.minimize(loss, true, vars)!;
      const l = (await cost.data())[0];
      cost.dispose();
      return l;
    },
    dispose() {
      tf.dispose([x, target, grid, ...vars, ...Object.values(mats)]);
      optimizer.dispose();
    },
  };
}

/** TF.js rfft2 + irfft2: tf.spectral transforms the last axis only, so the H axis is moved last. */
export function tfFft(data: Float32Array, shape: number[]): PeerFft {
  const x = tf.tensor(data, shape);
  const r = shape.length;
  const swap = [...Array(r - 2).keys(), r - 1, r - 2];
  // tf.spectral returns [rows, n] 2-D tensors on this backend: reshape before moving H last.
  const tr = (z: tf.Tensor, to: number[]) =>
    tf.complex(
      tf.transpose(tf.reshape(tf.real(z), to), swap),
      tf.transpose(tf.reshape(tf.imag(z), to), swap),
    );
  const [H, W] = shape.slice(-2);
  const lead = shape.slice(0, -2);
  const f = () =>
    tf.tidy(() => {
      const zw = tf.spectral.rfft(x); // [..., H, W/2+1]
      const zh = tf.spectral.fft(tr(zw, [...lead, H, W / 2 + 1])); // [..., W/2+1, H]
      const back = tr(tf.spectral.ifft(zh), [...lead, W / 2 + 1, H]);
      return tf.reshape(tf.spectral.irfft(back), shape);
    });
  return {
    async run() {
      // Read the result back: with submitQueue() + onSubmittedWorkDone() alone this FFT timed at
      // 3-10 ms for work SwiftShader cannot do that fast (the wait does not cover it), so this row
      // waits for the data itself (a 1.3 MB / 5.2 MB readback, a few ms here).
      const y = f();
      await y.data();
      y.dispose();
    },
    async output() {
      const y = f();
      const d = (await y.data()) as Float32Array;
      y.dispose();
      return d;
    },
    dispose() {
      x.dispose();
    },
  };
}
