/**
 * The convolution benchmark (bench/peers/conv_spec.ts) in TensorFlow.js (tfjs-core + the WebGPU
 * backend), as a TF.js user writes it: NHWC activations, [k, k, in, out] filters, `tf.conv2d` with
 * padding 1 on each side (a number: PyTorch's symmetric padding, where 'same' would pad a stride-2
 * conv on one side only) and `tf.conv2dTranspose` (pad 1, output 2H x 2W); gradients by
 * `tf.grads` of sum(y * g) with respect to x and the filter. Layout conversion happens once, here.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import { fromHwba, fromNhwc, toHwba, toNhwc, type ConvProblem, type PeerConv } from './conv_spec';

export { initTfWebGpu } from './tfjs';

interface WebGpuBackendLike {
  device: GPUDevice;
  submitQueue(): void;
}

async function gpuDone(): Promise<void> {
  const be = tf.backend() as unknown as WebGpuBackendLike;
  be.submitQueue();
  await be.device.queue.onSubmittedWorkDone();
}

export function tfConv(p: ConvProblem): PeerConv {
  const xShape = [p.batch, p.cin, p.h, p.w];
  const yShape = [p.batch, p.cout, p.ho, p.wo];
  const x = tf.tensor4d(toNhwc(p.x, xShape), [p.batch, p.h, p.w, p.cin]);
  const [k, s0, s1] = [p.k, p.weightShape[0], p.weightShape[1]];
  const filter = tf.tensor4d(toHwba(p.weight, p.weightShape), [k, k, s1, s0]);
  const g = tf.tensor4d(toNhwc(p.g, yShape), [p.batch, p.ho, p.wo, p.cout]);
  const conv = (a: tf.Tensor4D, f: tf.Tensor4D): tf.Tensor4D =>
    p.kind === 'conv'
      ? tf.conv2d(a, f, p.stride, 1)
      : tf.conv2dTranspose(a, f, [p.batch, p.ho, p.wo, p.cout], 2, 1);
  const gradFn = tf.grads((a: tf.Tensor, f: tf.Tensor) =>
    tf.sum(tf.mul(conv(a as tf.Tensor4D, f as tf.Tensor4D), g)),
  );
  const both = () => gradFn([x, filter]);
  return {
    async forward(read = false) {
      const y = conv(x, filter);
      if (read) await y.data();
      else await gpuDone();
      y.dispose();
    },
    async forwardBackward(read = false) {
      const [gx, gf] = both();
      if (read) await Promise.all([gx.data(), gf.data()]);
      else await gpuDone();
      tf.dispose([gx, gf]);
    },
    async results() {
      const y = conv(x, filter);
      const [gx, gf] = both();
      const out = {
        y: fromNhwc((await y.data()) as Float32Array, yShape),
        gx: fromNhwc((await gx.data()) as Float32Array, xShape),
        gw: fromHwba((await gf.data()) as Float32Array, p.weightShape),
      };
      tf.dispose([y, gx, gf]);
      return out;
    },
    dispose() {
      tf.dispose([x, filter, g]);
    },
  };
}
