/**
 * The pointwise channel linear map of neuraloperator's ChannelMLP (a 1x1 convolution): every
 * spatial point's channel vector goes through the same [Cout, Cin] matrix. A matmul with a per-row
 * bias between reshapes, so its gradient comes from matmul's.
 */
import { WgnoError, fmtShape } from '../errors';
import type { Tensor } from '../graph/tensor';
import { reshape } from './layout';
import { matmul } from './matmul';

/**
 * y[b, o, ...] = sum_i weight[o, i] x[b, i, ...] + bias[o].
 * x: [B, Cin, ...spatial], weight: [Cout, Cin] (Conv1d's [Cout, Cin, 1] squeezed), bias: [Cout].
 *
 * @example
 * const y = channelLinear(x, w, b); // x [4, 32, 64, 64], w [16, 32], b [16] -> [4, 16, 64, 64]
 */
export function channelLinear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  const show = `x ${fmtShape(x.shape)}, weight ${fmtShape(weight.shape)}${bias ? `, bias ${fmtShape(bias.shape)}` : ''}`;
  if (x.shape.length < 2) {
    throw new WgnoError('channel_linear', `${show}: x must be [B, Cin, ...spatial] (rank >= 2)`);
  }
  const [batch, cin, ...spatial] = x.shape;
  if (weight.shape.length !== 2 || weight.shape[1] !== cin) {
    throw new WgnoError(
      'channel_linear',
      `${show}: weight must be [Cout, Cin] with Cin = ${cin} (x's dimension 1)`,
    );
  }
  const cout = weight.shape[0];
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== cout)) {
    throw new WgnoError('channel_linear', `${show}: bias must be [Cout] = [${cout}]`);
  }
  const points = spatial.reduce((p, d) => p * d, 1);
  const y = matmul(weight, reshape(x, [batch, cin, points]), {
    bias: bias && reshape(bias, [cout, 1]),
  }); // [B, Cout, N]
  return reshape(y, [batch, cout, ...spatial]);
}
