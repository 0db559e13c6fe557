/**
 * The benchmark GNO layer (bench/peers/gno_spec.ts) in TensorFlow.js (tfjs-core + the WebGPU
 * backend), written as a TF.js user would: `tf.gather` of the neighbour rows (y_j, f(y_j)) and of
 * the query rows (x_i, neuraloperator's repeat_interleave), the kernel MLP as matMul(h, W^T) + b
 * with exact GELU (erf form), the product with f(y_j), and `tf.unsortedSegmentSum` over the query
 * of each edge (TF.js's WebGPU kernel adds with atomics into a zero-filled output). The backward
 * rows are `tf.variableGrads` of sum(out * g) over the MLP weights and f_y (tf.variable each): the
 * gradient of gather is unsortedSegmentSum and that of unsortedSegmentSum is gather.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import type { GnoGrads, GnoProblem, GnoWeight, PeerGno } from './gno_spec';

export { initTfWebGpu } from './tfjs';

interface WebGpuBackendLike {
  device: GPUDevice;
  submitQueue(): void;
}

/** Submit TF.js's pending command buffers and wait until the GPU finished them. */
async function gpuDone(): Promise<void> {
  const be = tf.backend() as unknown as WebGpuBackendLike;
  be.submitQueue();
  await be.device.queue.onSubmittedWorkDone();
}

const gelu = (x: tf.Tensor) => tf.mul(tf.mul(x, tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)), 0.5);

export function tfGno(p: GnoProblem, weights: readonly GnoWeight[]): PeerGno {
  // Variable names are global in TF.js: one prefix per problem size.
  const tag = `gno_n${p.n}_`;
  const variable = (data: Float32Array, shape: number[], name: string) =>
    tf.variable(tf.tensor(data, shape), true, tag + name.replace(/[^A-Za-z0-9_]/g, '_'));
  const params = weights.map((w) => variable(w.data, w.shape, w.name));
  const fY = variable(p.f, [p.n, p.channels], 'f_y');
  const vars = [...params, fY];
  const pts = tf.tensor2d(p.points, [p.n, 2]);
  const pointIdx = tf.tensor1d(p.index, 'int32');
  const queryIdx = tf.tensor1d(p.queryOf, 'int32');
  const g = tf.tensor2d(p.g, [p.n, p.channels]);
  const layers = params.length / 2;

  const forward = () => {
    let h: tf.Tensor = tf.concat([tf.gather(pts, pointIdx), tf.gather(pts, queryIdx)], 1); // [nnz, 4]
    for (let k = 0; k < layers; k++) {
      h = tf.add(tf.matMul(h, params[2 * k], false, true), params[2 * k + 1]);
      if (k + 1 < layers) h = gelu(h);
    }
    return tf.unsortedSegmentSum(tf.mul(h, tf.gather(fY, pointIdx)), queryIdx, p.n);
  };
  const loss = () => tf.sum(tf.mul(forward(), g)) as tf.Scalar;
  const grads = () => tf.variableGrads(loss, vars);
  /** The f_y gradient, whose kernels are among the last of the backward pass. */
  const fyGrad = (r: ReturnType<typeof grads>) => r.grads[fY.name];
  const release = (r: ReturnType<typeof grads>) => {
    r.value.dispose();
    tf.dispose(Object.values(r.grads));
  };

  return {
    // The forward pass always waits for its output's data: TF.js's queue wait returned before
    // its forward work was done in every run (docs/benchmarks.md), so waited times measured
    // less than the work. The read-back is the [n, c] output, small beside the work.
    async forward() {
      const y = tf.tidy(forward);
      await y.data();
      y.dispose();
    },
    async forwardBackward(read = false) {
      const r = grads();
      await (read ? fyGrad(r).data() : gpuDone());
      release(r);
    },
    async output() {
      const y = tf.tidy(forward);
      const d = (await y.data()) as Float32Array;
      y.dispose();
      return d;
    },
    async gradients() {
      const r = grads();
      const out: GnoGrads = new Map();
      for (const [i, w] of weights.entries())
        out.set(w.name, (await r.grads[params[i].name].data()) as Float32Array);
      out.set('f_y', (await fyGrad(r).data()) as Float32Array);
      release(r);
      return out;
    },
    dispose() {
      tf.dispose([...vars, pts, pointIdx, queryIdx, g]);
    },
  };
}
