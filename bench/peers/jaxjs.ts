/**
 * The benchmark FNO-2D in jax-js (@jax-js/jax, WebGPU device): a pure function of a parameter
 * pytree, `jit(valueAndGrad(loss))` plus a hand-written Adam (tree-wise, as optax does) in one
 * jitted step. Spectral convolution as JAX users write it: rfft2, the kept corner blocks (the
 * centred window of neuraloperator along H, bins 0..6 along W), a complex einsum on (re, im)
 * pairs, zero-padding back to the full half spectrum and irfft2. jax-js's transforms are
 * unnormalised forward / 1/N inverse, which is exactly neuraloperator's norm 'forward' pair.
 *
 * jax-js arrays are reference-counted: every function consumes its arguments, `.ref` keeps one.
 */
import {
  blockUntilReady,
  defaultDevice,
  init,
  jit,
  nn,
  numpy as np,
  tree,
  valueAndGrad,
} from '@jax-js/jax';
import { FNO_BENCH, grid2d, splitComplex, weight, type Weights } from './spec';
import type { PeerFft, PeerFno } from './types';

type Params = Record<string, np.Array>;

export async function initJaxWebGpu(): Promise<string> {
  const devices = await init();
  if (!devices.includes('webgpu'))
    throw new Error(`jax-js init() found no WebGPU device (devices: ${devices.join(', ')})`);
  defaultDevice('webgpu');
  return devices.join(', ');
}

const gelu = (x: np.Array) => nn.gelu(x, { approximate: false });

/** 1x1 convolution over the channel axis: w [O, C, 1], b [O] or null. */
function pointwise(x: np.Array, w: np.Array, b: np.Array | null): np.Array {
  const [o, c] = w.shape;
  const y = np.einsum('oc,bchw->bohw', w.reshape([o, c]), x);
  return b ? y.add(b.reshape([1, o, 1, 1])) : y;
}

function channelMlp(x: np.Array, p: Params, prefix: string): np.Array {
  const h = gelu(pointwise(x, p[`${prefix}.fcs.0.weight`], p[`${prefix}.fcs.0.bias`]));
  return pointwise(h, p[`${prefix}.fcs.1.weight`], p[`${prefix}.fcs.1.bias`]);
}

function spectralConv(x: np.Array, wr: np.Array, wi: np.Array, bias: np.Array): np.Array {
  const [, , H, W] = x.shape;
  const [, , m1, m2] = wr.shape;
  const half = m1 >> 1; // window -half .. m1 - half - 1 along H
  const bins = W / 2 + 1;
  const X = np.fft.rfft2(x);
  const window = (a: np.Array) =>
    np.concatenate(
      [a.ref.slice([], [], [H - half, H], [0, m2]), a.slice([], [], [0, m1 - half], [0, m2])],
      2,
    );
  const zr = window(X.real);
  const zi = window(X.imag);
  const mix = (a: np.Array, w: np.Array) => np.einsum('bixy,ioxy->boxy', a, w);
  const yr = mix(zr.ref, wr.ref).sub(mix(zi.ref, wi.ref));
  const yi = mix(zr, wi).add(mix(zi, wr));
  // Back into a zero half spectrum [H, W/2 + 1]: negative frequencies at the end of H.
  const unwindow = (a: np.Array) =>
    np
      .pad(a.ref.slice([], [], [half, m1], []), [
        [0, 0],
        [0, 0],
        [0, H - (m1 - half)],
        [0, bins - m2],
      ])
      .add(
        np.pad(a.slice([], [], [0, half], []), [
          [0, 0],
          [0, 0],
          [H - half, 0],
          [0, bins - m2],
        ]),
      );
  const y = np.fft.irfft2({ real: unwindow(yr), imag: unwindow(yi) });
  return y.add(bias);
}

function forward(p: Params, x: np.Array, grid: np.Array): np.Array {
  const [b, , H, W] = x.shape;
  let h = np.concatenate([x, np.broadcastTo(grid, [b, 2, H, W])], 1);
  h = channelMlp(h, p, 'lifting');
  const hidden = FNO_BENCH.hidden;
  for (let i = 0; i < FNO_BENCH.nLayers; i++) {
    const last = i === FNO_BENCH.nLayers - 1;
    const pre = 'fno_blocks';
    const skipFno = pointwise(h.ref, p[`${pre}.fno_skips.${i}.conv.weight`], null);
    const skipMlp = h.ref.mul(p[`${pre}.channel_mlp_skips.${i}.weight`].reshape([1, hidden, 1, 1]));
    h = spectralConv(
      h,
      p[`${pre}.convs.${i}.weight.re`],
      p[`${pre}.convs.${i}.weight.im`],
      p[`${pre}.convs.${i}.bias`],
    ).add(skipFno);
    if (!last) h = gelu(h);
    h = channelMlp(h, p, `${pre}.channel_mlp.${i}`).add(skipMlp);
    if (!last) h = gelu(h);
  }
  return channelMlp(h, p, 'projection');
}

/** neuraloperator's LpLoss (relative L2 per (batch, channel), summed). */
function lpLoss(pred: np.Array, target: np.Array): np.Array {
  const diff = np.sqrt(np.square(pred.sub(target.ref)).sum([2, 3]));
  const norm = np.sqrt(np.square(target).sum([2, 3])).add(1e-8);
  return diff.div(norm).sum();
}

/** `dims`: batch and resolution when not FNO_BENCH's (bench/gpu runs two sizes). */
export async function jaxFno(
  w: Weights,
  xData: Float32Array,
  yData: Float32Array,
  dims: { batch: number; size: number } = FNO_BENCH,
): Promise<PeerFno> {
  const { inChannels, outChannels, lr } = FNO_BENCH;
  const { batch, size } = dims;
  let params: Params = {};
  for (const [name, t] of w) {
    if (t.dtype === 'complex64') {
      const [re, im] = splitComplex(t.data);
      params[`${name.replace(/\.tensor$/, '')}.re`] = np.array(re).reshape(t.shape);
      params[`${name.replace(/\.tensor$/, '')}.im`] = np.array(im).reshape(t.shape);
    } else params[name] = np.array(t.data).reshape(t.shape);
  }
  // A weight we expect must exist (names as neuraloperator's state_dict).
  weight(w, 'fno_blocks.convs.0.weight.tensor');
  const x = np.array(xData).reshape([batch, inChannels, size, size]);
  const target = np.array(yData).reshape([batch, outChannels, size, size]);
  const grid = np.array(grid2d(size, size)).reshape([1, 2, size, size]);

  const fwd = jit((p: Params, xx: np.Array, g: np.Array) => forward(p, xx, g));
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const lossFn = (p: Params, xx: np.Array, yy: np.Array, g: np.Array) =>
    lpLoss(forward(p, xx, g), yy);
  const step = jit(
    (p: Params, m: Params, v: Params, bc: np.Array, xx: np.Array, yy: np.Array, g: np.Array) => {
      const [loss, grads] = valueAndGrad(lossFn)(tree.ref(p), xx, yy, g);
      const np2: Params = {};
      const nm: Params = {};
      const nv: Params = {};
      // bc = [lr / (1 - b1^t), 1 / (1 - b2^t)]
      const stepSize = bc.ref.slice([0, 1]).reshape([]);
      const bc2 = bc.slice([1, 2]).reshape([]);
      const keys = Object.keys(p);
      keys.forEach((k, idx) => {
        const g = grads[k];
        const mk = m[k].mul(b1).add(g.ref.mul(1 - b1));
        const vk = v[k].mul(b2).add(np.square(g).mul(1 - b2));
        const lastUse = idx === keys.length - 1;
        const s = lastUse ? stepSize : stepSize.ref;
        const c2 = lastUse ? bc2 : bc2.ref;
        const upd = mk.ref.mul(s).div(np.sqrt(vk.ref.mul(c2)).add(eps));
        np2[k] = p[k].sub(upd);
        nm[k] = mk;
        nv[k] = vk;
      });
      return { loss, p: np2, m: nm, v: nv };
    },
  );
  let m: Params = tree.map((a: np.Array) => np.zerosLike(a), tree.ref(params)) as Params;
  let v: Params = tree.map((a: np.Array) => np.zerosLike(a), tree.ref(params)) as Params;
  let t = 0;

  const runStep = async (read: boolean): Promise<number> => {
    t++;
    const bc = np.array(new Float32Array([lr / (1 - b1 ** t), 1 / (1 - b2 ** t)]));
    const out = step(params, m, v, bc, x.ref, target.ref, grid.ref);
    params = out.p;
    m = out.m;
    v = out.v;
    await blockUntilReady(out);
    if (!read) {
      out.loss.dispose();
      return NaN;
    }
    return (await out.loss.data())[0]; // data() consumes the array
  };

  return {
    async infer() {
      const y = fwd(tree.ref(params), x.ref, grid.ref);
      await y.blockUntilReady();
      y.dispose();
    },
    async output() {
      const y = fwd(tree.ref(params), x.ref, grid.ref);
      return new Float32Array(await y.data());
    },
    train: () => runStep(false).then(() => undefined),
    trainLoss: () => runStep(true),
    dispose() {
      tree.dispose(params);
      tree.dispose(m);
      tree.dispose(v);
      x.dispose();
      target.dispose();
      grid.dispose();
      fwd.dispose();
      step.dispose();
    },
  };
}

export function jaxFft(data: Float32Array, shape: number[]): PeerFft {
  const x = np.array(data).reshape(shape);
  const f = jit((a: np.Array) => np.fft.irfft2(np.fft.rfft2(a)));
  return {
    async run() {
      const y = f(x.ref);
      await y.blockUntilReady();
      y.dispose();
    },
    async output() {
      return new Float32Array(await f(x.ref).data());
    },
    dispose() {
      x.dispose();
      f.dispose();
    },
  };
}
