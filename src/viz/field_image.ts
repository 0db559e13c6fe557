/**
 * A scalar field as an ImageData in the same diverging colours FieldView draws on the GPU: for
 * values already on the CPU (a prediction read back once, user data), drawn with putImageData.
 */
import { WgnoError } from '../errors';
import { DIVERGING, checkRange, divergingColor, type Rgb } from './field_view';

/**
 * @example
 * const y = await fno.forward(x).read(); // [1, 1, 64, 64]
 * canvas.getContext('2d')!.putImageData(fieldImage(y, 64, 64, { range: 2 }), 0, 0);
 */
export function fieldImage(
  values: ArrayLike<number>,
  n0: number,
  n1: number,
  opts: { range: number; stops?: readonly Rgb[] },
): ImageData {
  const { range, stops = DIVERGING } = opts;
  if (values.length < n0 * n1 || !(n0 >= 1 && n1 >= 1))
    throw new WgnoError('fieldImage', `${values.length} values cannot fill ${n0} x ${n1} pixels`);
  checkRange('fieldImage', range);
  const px = new Uint8ClampedArray(n0 * n1 * 4);
  for (let i = 0; i < n0 * n1; i++) {
    const c = divergingColor(values[i] / range, stops);
    px.set([c[0] * 255, c[1] * 255, c[2] * 255, 255], 4 * i);
  }
  return new ImageData(px, n1, n0);
}
