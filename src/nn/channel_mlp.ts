import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import { channelLinear } from '../ops/channel_linear';
import { reshape } from '../ops/layout';
import { gelu } from '../ops/unary';
import type { Rng } from '../random';
import { Module, uniformInit } from './module';

/**
 * neuraloperator's ChannelMLP: pointwise (1x1 conv) linear layers over the channel axis with GELU
 * between them. Parameters `fcs.{k}.weight` (out, in, 1) and `fcs.{k}.bias` (out,).
 */
export class ChannelMLP extends Module {
  private readonly layers: { w: Tensor; b: Tensor; cout: number; cin: number }[] = [];

  constructor(rt: Runtime, rng: Rng, channels: readonly number[]) {
    super(rt);
    for (let k = 0; k + 1 < channels.length; k++) {
      const [cin, cout] = [channels[k], channels[k + 1]];
      const w = this.param(`fcs.${k}.weight`, uniformInit(rng, cout * cin, cin), [cout, cin, 1]);
      const b = this.param(`fcs.${k}.bias`, uniformInit(rng, cout, cin), [cout]);
      this.layers.push({ w, b, cout, cin });
    }
  }

  /** x [batch, layers[0], ...spatial] -> [batch, layers[last], ...spatial]. */
  forward(x: Tensor): Tensor {
    this.layers.forEach(({ w, b, cout, cin }, k) => {
      x = channelLinear(x, reshapeWeight(w, cout, cin), b);
      if (k + 1 < this.layers.length) x = gelu(x);
    });
    return x;
  }
}

/** A (out, in, 1) conv kernel viewed as the (out, in) matrix channelLinear takes (no copy). */
export function reshapeWeight(w: Tensor, cout: number, cin: number): Tensor {
  return reshape(w, [cout, cin]);
}
