/**
 * The benchmark GNO layer (bench/peers/gno_spec.ts) in jax-js (@jax-js/jax, WebGPU device): a pure
 * function of the weight list, jitted, with `jit(valueAndGrad(...))` for the backward rows
 * (gradients w.r.t. the weights and f_y of sum(out * g)).
 *
 * Gather: `np.take(a, index, 0)` (jax-js's "gather" primitive).
 * Segment sum: jax-js 0.1.25 has no segment_sum, no `.at[].add` and no public scatter, but the
 * transpose rule of its gather is a scatter-add (its "scatter" routine, op 'add': on WebGPU an
 * atomic compare-exchange loop per element into a zero-filled output). So the segment sum is the
 * VJP of `take(·, queryOf, 0)` at a zero [n, c] array, applied to the edge values: exactly
 * jax.ops.segment_sum / zeros.at[queryOf].add(e). Its own gradient is the transpose of scatter,
 * a gather again.
 *
 * jax-js arrays are reference-counted: every function consumes its arguments, `.ref` keeps one.
 */
import { blockUntilReady, jit, nn, numpy as np, tree, valueAndGrad, vjp } from '@jax-js/jax';
import type { GnoGrads, GnoProblem, GnoWeight, PeerGno } from './gno_spec';

export { initJaxWebGpu } from './jaxjs';

const gelu = (x: np.Array) => nn.gelu(x, { approximate: false });

/** out[r, :] = sum of e[edge, :] over the edges with rowOf[edge] = r (scatter-add, see above). */
function segmentSum(e: np.Array, rowOf: np.Array, rows: number): np.Array {
  const zero = np.zeros([rows, e.shape[1]]);
  const [picked, back] = vjp((z: np.Array) => np.take(z, rowOf.ref, 0), [zero]);
  picked.dispose();
  const [sum] = back(e);
  back.dispose();
  rowOf.dispose();
  return sum;
}

/** The layer: w = [W0, b0, W1, b1, ...] (W [out, in]); pts [n, 2], f [n, c]. */
function layer(
  w: np.Array[],
  f: np.Array,
  pts: np.Array,
  pointIdx: np.Array,
  queryIdx: np.Array,
): np.Array {
  const n = pts.shape[0];
  let h = np.concatenate([np.take(pts.ref, pointIdx.ref, 0), np.take(pts, queryIdx.ref, 0)], 1); // [nnz, 4]
  const layers = w.length / 2;
  for (let k = 0; k < layers; k++) {
    h = np.matmul(h, np.transpose(w[2 * k])).add(w[2 * k + 1]);
    if (k + 1 < layers) h = gelu(h);
  }
  return segmentSum(h.mul(np.take(f, pointIdx, 0)), queryIdx, n);
}

export function jaxGno(p: GnoProblem, weights: readonly GnoWeight[]): PeerGno {
  const w = weights.map((t) => np.array(t.data).reshape(t.shape));
  const f = np.array(p.f).reshape([p.n, p.channels]);
  const pts = np.array(p.points).reshape([p.n, 2]);
  const pointIdx = np.array(p.index);
  const queryIdx = np.array(p.queryOf);
  const g = np.array(p.g).reshape([p.n, p.channels]);

  const fwd = jit(layer);
  const loss = (
    ww: np.Array[],
    ff: np.Array,
    pp: np.Array,
    pi: np.Array,
    qi: np.Array,
    gg: np.Array,
  ) => np.sum(layer(ww, ff, pp, pi, qi).mul(gg));
  const fwdBwd = jit(valueAndGrad(loss, { argnums: [0, 1] }));
  const runFwd = () => fwd(tree.ref(w), f.ref, pts.ref, pointIdx.ref, queryIdx.ref);
  const runFwdBwd = () => fwdBwd(tree.ref(w), f.ref, pts.ref, pointIdx.ref, queryIdx.ref, g.ref);

  return {
    async forward(read = false) {
      const y = runFwd();
      if (read) await y.data();
      else {
        await y.blockUntilReady();
        y.dispose();
      }
    },
    async forwardBackward(read = false) {
      const [value, [gw, gf]] = runFwdBwd();
      if (read) await gf.data();
      else {
        await blockUntilReady([value, gw, gf]); // waits, consumes nothing
        gf.dispose();
      }
      value.dispose();
      tree.dispose(gw);
    },
    async output() {
      return new Float32Array(await runFwd().data());
    },
    async gradients() {
      const [value, [gw, gf]] = runFwdBwd();
      value.dispose();
      const out: GnoGrads = new Map();
      for (const [i, t] of weights.entries()) out.set(t.name, new Float32Array(await gw[i].data()));
      out.set('f_y', new Float32Array(await gf.data()));
      return out;
    },
    dispose() {
      tree.dispose(w);
      for (const a of [f, pts, pointIdx, queryIdx, g]) a.dispose();
      fwd.dispose();
      fwdBwd.dispose();
    },
  };
}
