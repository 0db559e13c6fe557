/**
 * Population versions of the FNO's layers: P members' parameters stacked along a leading axis
 * under the single layer's state_dict names, P members' batches stacked along the batch axis
 * ([P B, C, ...spatial], member p's entries at rows p B .. p B + B - 1), all members in the same
 * dispatches as one layer.
 *
 * Initialisation: member p draws from its own Rng in the order the single layer draws, so a
 * population built with rngs[p] = new Rng(seed_p) holds, member for member, the weights of the
 * single layers built with new Rng(seed_p) (the test checks it through the whole FNO).
 */
import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import { numel } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { add } from '../ops/binary';
import { fft, irfft, rfft } from '../ops/fft';
import { reshape } from '../ops/layout';
import { populationChannelLinear } from '../ops/population_channel_linear';
import { spectralMul } from '../ops/spectral';
import { gelu } from '../ops/unary';
import type { Rng } from '../random';
import { Module, uniformInit } from './module';

/** Member p's draw from rngs[p], concatenated: the data of a [P, ...] parameter. */
export function stackDraws(rngs: readonly Rng[], draw: (rng: Rng) => Float32Array): Float32Array {
  const parts = rngs.map(draw);
  const out = new Float32Array(parts.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of parts) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** y [P B, C, ...] plus a per-member, per-channel term t [P, C] (broadcast over B and space). */
export function addPerMember(y: Tensor, t: Tensor): Tensor {
  const [P, C] = t.shape;
  const [rows, , ...spatial] = y.shape;
  const ones = spatial.map(() => 1);
  const out = add(reshape(y, [P, rows / P, C, ...spatial]), reshape(t, [P, 1, C, ...ones]));
  return reshape(out, y.shape);
}

/**
 * ChannelMLP with per-member weights: `fcs.{k}.weight` [P, out, in, 1], `fcs.{k}.bias` [P, out],
 * GELU between layers.
 *
 * @example
 * const mlp = new PopulationChannelMLP(rt, [new Rng(0), new Rng(1)], [4, 8, 2]);
 * const y = mlp.forward(x); // x [2 * B, 4, 64] -> [2 * B, 2, 64]
 */
export class PopulationChannelMLP extends Module {
  private readonly layers: { w: Tensor; b: Tensor }[] = [];

  constructor(rt: Runtime, rngs: readonly Rng[], channels: readonly number[]) {
    super(rt);
    const P = rngs.length;
    for (let k = 0; k + 1 < channels.length; k++) {
      const [cin, cout] = [channels[k], channels[k + 1]];
      const wd = stackDraws(rngs, (r) => uniformInit(r, cout * cin, cin));
      const w = this.param(`fcs.${k}.weight`, wd, [P, cout, cin, 1]);
      const b = this.param(
        `fcs.${k}.bias`,
        stackDraws(rngs, (r) => uniformInit(r, cout, cin)),
        [P, cout],
      );
      this.layers.push({ w, b });
    }
  }

  /** x [P B, layers[0], ...spatial] -> [P B, layers[last], ...spatial]. */
  forward(x: Tensor): Tensor {
    this.layers.forEach(({ w, b }, k) => {
      x = populationChannelLinear(x, reshape(w, w.shape.slice(0, 3)), b);
      if (k + 1 < this.layers.length) x = gelu(x);
    });
    return x;
  }
}

/**
 * SpectralConv (dense weight) with per-member weights: `weight.tensor` complex64
 * [P, in, out, k_1, ..., k_d], `bias` [P, out, 1, ..., 1]. The transforms run on all P B entries
 * at once; the contraction is spectral_mul with a population weight (one dispatch).
 *
 * @example
 * const conv = new PopulationSpectralConv(rt, rngs, 8, 8, [12, 12]); // weight.tensor [P, 8, 8, 12, 7]
 * const y = conv.forward(x); // x [P * B, 8, 64, 64] -> [P * B, 8, 64, 64]
 */
export class PopulationSpectralConv extends Module {
  /** complex64 [P, in, out, k_1, ..., k_d]. */
  readonly weight: Tensor;
  /** [P, out, 1, ..., 1]. */
  readonly bias: Tensor;
  /** Kept modes per axis (md // 2 + 1 along the last). */
  readonly kept: number[];

  constructor(
    rt: Runtime,
    rngs: readonly Rng[],
    readonly inChannels: number,
    readonly outChannels: number,
    readonly nModes: readonly number[],
  ) {
    super(rt);
    const d = nModes.length;
    nModes.forEach((m, a) => {
      if (!Number.isInteger(m) || m < 1)
        throw new WgnoError(
          'PopulationSpectralConv',
          `nModes[${a}] = ${m}; modes must be integers >= 1`,
        );
    });
    this.kept = nModes.map((m, a) => (a === d - 1 ? Math.floor(m / 2) + 1 : m));
    const shape = [inChannels, outChannels, ...this.kept];
    const std = Math.sqrt(2 / (inChannels + outChannels)); // as SpectralConv (neuraloperator)
    const P = rngs.length;
    const wd = stackDraws(rngs, (r) => r.normals(2 * numel(shape), std));
    this.weight = this.param('weight.tensor', wd, [P, ...shape], 'complex64');
    const bd = stackDraws(rngs, (r) => r.normals(outChannels, std));
    this.bias = this.param('bias', bd, [P, outChannels, ...new Array<number>(d).fill(1)]);
  }

  /** x [P B, in, n_1, ..., n_d] -> [P B, out, n_1, ..., n_d]. */
  forward(x: Tensor): Tensor {
    const d = this.nModes.length;
    if (x.shape.length !== d + 2 || x.shape[1] !== this.inChannels)
      throw new WgnoError(
        'PopulationSpectralConv',
        `input [${x.shape.join(', ')}] must be [P * batch, ${this.inChannels}, ${d} spatial axes]`,
      );
    const spatial = x.shape.slice(2);
    let z = rfft(x, { norm: 'forward', nOut: this.kept[d - 1] });
    for (let a = 0; a < d - 1; a++) z = fft(z, 2 + a, { norm: 'forward' });
    let y = spectralMul(z, this.weight);
    for (let a = 0; a < d - 1; a++) y = fft(y, 2 + a, { inverse: true, norm: 'forward' });
    const out = irfft(y, { n: spatial[d - 1], norm: 'forward' });
    return addPerMember(out, reshape(this.bias, this.bias.shape.slice(0, 2)));
  }
}
