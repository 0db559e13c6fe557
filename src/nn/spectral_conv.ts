import { WgnoError } from '../errors';
import type { Runtime } from '../gpu/runtime';
import type { Tensor } from '../graph/tensor';
import { add } from '../ops/binary';
import { fft, irfft, rfft } from '../ops/fft';
import { spectralMul } from '../ops/spectral';
import type { Rng } from '../random';
import { Module } from './module';

/**
 * neuraloperator 2.x SpectralConv (REFERENCE.md): rfftn with norm 'forward' over the d spatial
 * axes, contraction of the kept modes with a complex weight (in, out, m1, ..., m_{d-1}, md//2+1)
 * (centred window along non-last axes, frequencies 0..md//2 along the last), inverse transform, bias.
 * The forward real transform is pruned to the kept bins; the inverse treats the rest as zeros.
 */
export class SpectralConv extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly kept: number[];

  constructor(
    rt: Runtime,
    rng: Rng,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly nModes: readonly number[],
  ) {
    super(rt);
    const d = nModes.length;
    nModes.forEach((m, a) => {
      if (!Number.isInteger(m) || m < 1)
        throw new WgnoError('SpectralConv', `nModes[${a}] = ${m}; modes must be integers >= 1`);
    });
    this.kept = nModes.map((m, a) => (a === d - 1 ? Math.floor(m / 2) + 1 : m));
    const n = inChannels * outChannels * this.kept.reduce((a, b) => a * b, 1);
    // neuraloperator: std = sqrt(2 / (in + out)), real and imaginary parts drawn independently.
    const std = Math.sqrt(2 / (inChannels + outChannels));
    this.weight = this.param(
      'weight.tensor',
      rng.normals(2 * n, std),
      [inChannels, outChannels, ...this.kept],
      'complex64',
    );
    this.bias = this.param('bias', rng.normals(outChannels, std), [
      outChannels,
      ...new Array<number>(d).fill(1),
    ]);
  }

  forward(x: Tensor): Tensor {
    const d = this.nModes.length;
    const rank = x.shape.length;
    if (rank !== d + 2 || x.shape[1] !== this.inChannels) {
      throw new WgnoError(
        'SpectralConv',
        `input [${x.shape.join(', ')}] must be [batch, ${this.inChannels}, ${this.nModes.map((_, i) => `n${i + 1}`).join(', ')}]`,
      );
    }
    const spatial = x.shape.slice(2);
    let z = rfft(x, { norm: 'forward', nOut: this.kept[d - 1] });
    for (let a = 0; a < d - 1; a++) z = fft(z, 2 + a, { norm: 'forward' });
    let y = spectralMul(z, this.weight);
    for (let a = 0; a < d - 1; a++) y = fft(y, 2 + a, { inverse: true, norm: 'forward' });
    const out = irfft(y, { n: spatial[d - 1], norm: 'forward' });
    return add(out, this.bias);
  }
}
