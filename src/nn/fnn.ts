/**
 * DeepXDE's fully connected network `FNN` (deepxde/nn/pytorch/fnn.py): torch.nn.Linear layers with
 * an activation after every layer but the last. Parameters `linears.{k}.weight` [out, in] and
 * `linears.{k}.bias` [out], DeepXDE's state_dict names; weights drawn by the named initializer,
 * biases zero, as DeepXDE does.
 */
import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import { mul } from '../ops/binary';
import { matmul } from '../ops/matmul';
import { gelu, relu, sigmoid, sin, tanh } from '../ops/unary';
import { Rng } from '../random';
import { Module } from './module';

/** Activations by DeepXDE's names; 'silu' (DeepXDE's 'swish' too) is x * sigmoid(x). */
export type Activation = 'tanh' | 'relu' | 'gelu' | 'sin' | 'sigmoid' | 'silu' | 'linear';

/** DeepXDE's kernel initializers for the PyTorch backend (torch.nn.init.*). */
export type Initializer = 'Glorot normal' | 'Glorot uniform' | 'He normal' | 'He uniform' | 'zeros';

const ACTIVATIONS: Record<Activation, (x: Tensor) => Tensor> = {
  tanh,
  relu,
  gelu, // the exact erf form, as torch.nn.functional.gelu
  sin,
  sigmoid,
  silu: (x) => mul(x, sigmoid(x)),
  linear: (x) => x,
};

/** Apply a named activation; an unknown name is a WgnoError listing the valid ones. */
export function activate(x: Tensor, name: Activation): Tensor {
  return checkActivation('activation', name)(x);
}

export function checkActivation(op: string, name: unknown): (x: Tensor) => Tensor {
  const f = typeof name === 'string' ? ACTIVATIONS[name as Activation] : undefined;
  if (!f)
    throw new WgnoError(
      op,
      `unknown activation ${JSON.stringify(name)}; valid: ${Object.keys(ACTIVATIONS).join(', ')}`,
    );
  return f;
}

/**
 * Weights [out, in] by torch.nn.init's rule: Glorot (xavier_) uses fan_in + fan_out, He
 * (kaiming_, gain sqrt(2)) uses fan_in.
 */
export function initWeight(rng: Rng, init: Initializer, out: number, inp: number): Float32Array {
  const n = out * inp;
  switch (init) {
    case 'Glorot normal':
      return rng.normals(n, Math.sqrt(2 / (inp + out)));
    case 'Glorot uniform': {
      const b = Math.sqrt(6 / (inp + out));
      return rng.uniforms(n, -b, b);
    }
    case 'He normal':
      return rng.normals(n, Math.sqrt(2 / inp));
    case 'He uniform': {
      const b = Math.sqrt(6 / inp);
      return rng.uniforms(n, -b, b);
    }
    case 'zeros':
      return new Float32Array(n);
    default:
      throw new WgnoError(
        'FNN',
        `unknown kernelInitializer ${JSON.stringify(init)}; valid: Glorot normal, Glorot uniform, He normal, He uniform, zeros`,
      );
  }
}

/** FNN's settings (DeepXDE's `layer_sizes`, `activation`, `kernel_initializer`). */
export interface FNNConfig {
  /** Widths [in, hidden..., out], at least two. */
  layerSizes: readonly number[];
  /** One activation for every hidden layer, or one per layer (length layerSizes.length - 1; the last entry is unused, as in DeepXDE). */
  activation: Activation | readonly Activation[];
  /** Default 'Glorot normal' (DeepXDE's examples). */
  kernelInitializer?: Initializer;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

/**
 * A fully connected network over the last axis: x [..., in] -> [..., out].
 *
 * @example
 * const net = new FNN(rt, { layerSizes: [1, 40, 40], activation: 'tanh' });
 * const y = net.forward(x); // x [N, 1] -> y [N, 40]
 */
export class FNN extends Module {
  /** Widths [in, hidden..., out], checked. */
  readonly layerSizes: readonly number[];
  private readonly layers: { w: Tensor; b: Tensor; act: (x: Tensor) => Tensor }[] = [];

  constructor(rt: Runtime, cfg: FNNConfig, rng: Rng = new Rng(cfg.seed ?? 0)) {
    super(rt);
    const sizes = checkLayerSizes('FNN', 'layerSizes', cfg.layerSizes);
    const acts = activationsOf(cfg.activation, sizes.length - 1);
    this.layerSizes = sizes;
    for (let k = 0; k + 1 < sizes.length; k++) {
      const [inp, out] = [sizes[k], sizes[k + 1]];
      const init = cfg.kernelInitializer ?? 'Glorot normal';
      const w = this.param(`linears.${k}.weight`, initWeight(rng, init, out, inp), [out, inp]);
      const b = this.param(`linears.${k}.bias`, new Float32Array(out), [out]);
      this.layers.push({ w, b, act: acts[k] });
    }
  }

  /** x [..., in] -> [..., out]; the activation after every layer but the last. */
  forward(x: Tensor): Tensor {
    const inp = this.layerSizes[0];
    if (x.shape.length < 1 || x.shape[x.shape.length - 1] !== inp)
      throw new WgnoError('FNN', `input ${x} must end in the input width ${inp} ([..., ${inp}])`);
    this.layers.forEach(({ w, b, act }, k) => {
      x = matmul(x, w, { transB: true, bias: b }); // x W^T + b, as torch.nn.Linear
      if (k + 1 < this.layers.length) x = act(x);
    });
    return x;
  }
}

/** Widths as a checked array: at least two positive integers. */
export function checkLayerSizes(op: string, name: string, sizes: unknown): number[] {
  if (
    !Array.isArray(sizes) ||
    sizes.length < 2 ||
    !sizes.every((s) => Number.isInteger(s) && s >= 1)
  )
    throw new WgnoError(
      op,
      `${name} is ${JSON.stringify(sizes)}; it must list at least two integer widths >= 1 ([in, ..., out])`,
    );
  return [...(sizes as number[])];
}

function activationsOf(a: Activation | readonly Activation[], n: number) {
  if (!Array.isArray(a)) return new Array<(x: Tensor) => Tensor>(n).fill(checkActivation('FNN', a));
  if (a.length !== n)
    throw new WgnoError(
      'FNN',
      `${a.length} activations for ${n} layers; give one name or one per layer`,
    );
  return a.map((name) => checkActivation('FNN', name));
}
