/**
 * The pointwise channel linear map (neuraloperator's 1x1 convolution) with one weight per
 * population member: P members' batches stacked along the batch axis, member p's group through
 * member p's [Cout, Cin] matrix. One batched matmul whose weight's batch axis broadcasts over the
 * member's entries, so its gradient (a per-member sum over the entries) comes from matmul's.
 */
import { WgnoError, fmtShape } from '../errors';
import type { Tensor } from '../graph/tensor';
import { add } from './binary';
import { reshape } from './layout';
import { matmul } from './matmul';

/**
 * y[p B + b, o, ...] = sum_i weight[p, o, i] x[p B + b, i, ...] + bias[p, o].
 * x: [P B, Cin, ...spatial] (member p's entries are rows p B .. p B + B - 1), weight: [P, Cout, Cin],
 * bias: [P, Cout].
 *
 * @example
 * const y = populationChannelLinear(x, w, b); // x [5 * 4, 32, 64, 64], w [5, 16, 32], b [5, 16] -> [20, 16, 64, 64]
 */
export function populationChannelLinear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  const show = `x ${fmtShape(x.shape)}, weight ${fmtShape(weight.shape)}${bias ? `, bias ${fmtShape(bias.shape)}` : ''}`;
  const fail = (why: string) => new WgnoError('population_channel_linear', `${show}: ${why}`);
  if (x.shape.length < 2) throw fail('x must be [P B, Cin, ...spatial] (rank >= 2)');
  const [rows, cin, ...spatial] = x.shape;
  if (weight.shape.length !== 3 || weight.shape[2] !== cin)
    throw fail(`weight must be [P, Cout, Cin] with Cin = ${cin} (x's dimension 1)`);
  const [P, cout] = weight.shape;
  if (rows % P !== 0) throw fail(`x's batch ${rows} must be a multiple of the population ${P}`);
  if (bias && (bias.shape.length !== 2 || bias.shape[0] !== P || bias.shape[1] !== cout))
    throw fail(`bias must be [P, Cout] = [${P}, ${cout}]`);
  const points = spatial.reduce((p, d) => p * d, 1);
  const B = rows / P;
  // [P, 1, Cout, Cin] @ [P, B, Cin, N]: the weight's unit axis broadcasts over the member's batch.
  let y = matmul(reshape(weight, [P, 1, cout, cin]), reshape(x, [P, B, cin, points]));
  if (bias) y = add(y, reshape(bias, [P, 1, cout, 1]));
  return reshape(y, [rows, cout, ...spatial]);
}
