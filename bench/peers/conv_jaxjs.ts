/**
 * The convolution benchmark (bench/peers/conv_spec.ts) in jax-js (@jax-js/jax, WebGPU device), as
 * a JAX user writes it: `lax.convGeneralDilated` on NCHW / OIHW (jax-js's default dimension order,
 * PyTorch's layouts) with explicit padding [[1, 1], [1, 1]], `lax.convTranspose` with
 * `transposeKernel` (PyTorch's [Cin, Cout, k, k] weight) and padding [[1, 1], [1, 1]] (it pads the
 * dilated input by k - 1 - 1, as PyTorch's padding 1 does), each jitted; the backward rows are
 * `jit(grad(loss, { argnums: [0, 1] }))` of sum(y * g).
 *
 * jax-js arrays are reference-counted: every function consumes its arguments, `.ref` keeps one.
 */
import { grad, jit, lax, numpy as np, blockUntilReady } from '@jax-js/jax';
import type { ConvProblem, ConvResults, PeerConv } from './conv_spec';

export { initJaxWebGpu } from './jaxjs';

export function jaxConv(p: ConvProblem): PeerConv {
  const x = np.array(p.x).reshape([p.batch, p.cin, p.h, p.w]);
  const w = np.array(p.weight).reshape(p.weightShape);
  const g = np.array(p.g).reshape([p.batch, p.cout, p.ho, p.wo]);
  const pad: [number, number][] = [
    [1, 1],
    [1, 1],
  ];
  const conv = (a: np.Array, k: np.Array) =>
    p.kind === 'conv'
      ? lax.convGeneralDilated(a, k, [p.stride, p.stride], pad)
      : lax.convTranspose(a, k, [2, 2], pad, { transposeKernel: true });
  const fwd = jit(conv);
  const loss = (a: np.Array, k: np.Array, gg: np.Array) => np.sum(conv(a, k).mul(gg));
  const fwdBwd = jit(grad(loss, { argnums: [0, 1] }));
  const runFwd = () => fwd(x.ref, w.ref);
  const runBwd = () => fwdBwd(x.ref, w.ref, g.ref) as unknown as [np.Array, np.Array];
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
      const [gx, gw] = runBwd();
      if (read) await gx.data();
      else {
        await blockUntilReady([gx, gw]);
        gx.dispose();
      }
      gw.dispose();
    },
    async results(): Promise<ConvResults> {
      const y = new Float32Array(await runFwd().data());
      const [gx, gw] = runBwd();
      return { y, gx: new Float32Array(await gx.data()), gw: new Float32Array(await gw.data()) };
    },
    dispose() {
      for (const a of [x, w, g]) a.dispose();
      fwd.dispose();
      fwdBwd.dispose();
    },
  };
}
