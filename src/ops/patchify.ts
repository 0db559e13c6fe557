/**
 * patchify / unpatchify: a token grid [B, H, W, C] cut into p x p patches and back, GAOT's ViT
 * processor layout (camlab-ethz/GAOT, GAOT.process): patch (i, j) is token i * (W / p) + j, and
 * its p * p * C features are ordered (row in the patch, column in the patch, channel), i.e.
 *   patchify(x, p)[b, i * (W/p) + j, (u * p + v) * C + c] = x[b, i * p + u, j * p + v, c].
 * Composed from reshape and permute (src/ops/layout.ts), so each is the other's inverse and both
 * are differentiable (the gradient of one is the other).
 */
import { WgnoError, fmtShape } from '../errors';
import type { Tensor } from '../graph/tensor';
import { permute, reshape } from './layout';

function check(op: string, x: Tensor, p: number, h: number, w: number): void {
  if (!Number.isInteger(p) || p < 1 || h % p !== 0 || w % p !== 0)
    throw new WgnoError(
      op,
      `patch size ${p} must be a positive integer dividing the grid ${h} x ${w} (x ${fmtShape(x.shape)})`,
    );
}

/**
 * Cut a token grid into non-overlapping p x p patches: x [B, H, W, C] -> [B, (H/p) (W/p), p p C],
 * patches row-major over the grid, features (row, column, channel) within a patch, as GAOT.
 *
 * @example
 * const tokens = patchify(grid, 2); // [B, 64, 64, 64] -> [B, 1024, 256]
 */
export function patchify(x: Tensor, p: number): Tensor {
  if (x.shape.length !== 4)
    throw new WgnoError('patchify', `x ${fmtShape(x.shape)} must be a token grid [B, H, W, C]`);
  const [b, h, w, c] = x.shape;
  check('patchify', x, p, h, w);
  const split = reshape(x, [b, h / p, p, w / p, p, c]);
  return reshape(permute(split, [0, 1, 3, 2, 4, 5]), [b, (h / p) * (w / p), p * p * c]);
}

/**
 * The inverse of patchify: y [B, (H/p) (W/p), p p C] -> [B, H, W, C] for the grid size [H, W].
 *
 * @example
 * const back = unpatchify(tokens, 2, [64, 64]); // [B, 1024, 256] -> [B, 64, 64, 64]
 */
export function unpatchify(y: Tensor, p: number, [h, w]: readonly [number, number]): Tensor {
  check('unpatchify', y, p, h, w);
  const n = (h / p) * (w / p);
  if (y.shape.length !== 3 || y.shape[1] !== n || y.shape[2] % (p * p) !== 0)
    throw new WgnoError(
      'unpatchify',
      `y ${fmtShape(y.shape)} must be [B, ${n}, p * p * C] for ${p} x ${p} patches of a ${h} x ${w} grid`,
    );
  const [b, , f] = y.shape;
  const c = f / (p * p);
  const split = reshape(y, [b, h / p, w / p, p, p, c]);
  return reshape(permute(split, [0, 1, 3, 2, 4, 5]), [b, h, w, c]);
}
