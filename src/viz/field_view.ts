/**
 * Renders a scalar field straight from its GPU buffer (no readback): a full-viewport triangle
 * whose fragment shader (kernels/field_render.wgsl) looks each pixel's cell up and colours it with
 * a diverging map. For live views of a solver or a model's prediction, one render pass per call.
 */
import { WgnoError, fmtShape } from '../errors';
import { DrawPass } from '../gpu/draw_pass';
import { UniformLayout } from '../gpu/uniforms';
import { assembleShader } from '../gpu/wgsl';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import source from '../../kernels/field_render.wgsl?raw';

/** A colour, components in [0, 1]. */
export type Rgb = readonly [number, number, number];

/** ColorBrewer RdBu (9 classes), reversed: blue for negative, near-white at 0, red for positive. */
export const DIVERGING: readonly Rgb[] = [
  '2166ac',
  '4393c3',
  '92c5de',
  'd1e5f0',
  'f7f7f7',
  'fddbc7',
  'f4a582',
  'd6604d',
  'b2182b',
].map((h) => [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) / 255) as unknown as Rgb);

/** The shader's colour for t in [-1, 1] (clamped), as sRGB in [0, 1]: for colour bars and tests. */
export function divergingColor(t: number, stops: readonly Rgb[] = DIVERGING): Rgb {
  const x = (Math.min(1, Math.max(-1, t)) + 1) / 2;
  const segments = stops.length - 1;
  const s = Math.min(Math.floor(x * segments), segments - 1);
  const f = x * segments - s;
  return [0, 1, 2].map((c) => stops[s][c] + (stops[s + 1][c] - stops[s][c]) * f) as unknown as Rgb;
}

/** The colour range of a field view: values at +-range get the ends of the map. */
export function checkRange(op: string, range: number): void {
  if (!(range > 0 && Number.isFinite(range)))
    throw new WgnoError(op, `range = ${range}; need a finite value > 0`);
}

/** kernels/field_render.wgsl's uniform struct: `stops` holds rgb + one unused float per stop. */
const renderParams = new UniformLayout('FieldRenderParams', {
  n0: 'u32',
  n1: 'u32',
  offset: 'u32',
  stop_count: 'u32',
  range: 'f32',
  stops: { vec4: 'f32', length: 4 * 16 },
});
/** kernels/field_render.wgsl with its struct generated from renderParams, assembled once. */
const shader = assembleShader({ name: 'field_render', source, params: renderParams }).code;

/**
 * Draws fields onto render targets: a render pipeline made once (DrawPass, src/gpu/draw_pass.ts),
 * one render pass per call, no readback.
 */
export class FieldView {
  private constructor(private readonly pass: DrawPass<typeof renderParams.fields>) {}

  /** `format`: the render target's format (a canvas context's, or an offscreen texture's). */
  static async create(
    rt: Runtime,
    format: GPUTextureFormat,
    stops: readonly Rgb[] = DIVERGING,
  ): Promise<FieldView> {
    if (stops.length < 2 || stops.length > 16)
      throw new WgnoError('FieldView', `${stops.length} colour stops; use 2 to 16`);
    const pass = await DrawPass.create(rt, {
      label: 'wgno.field_view',
      source: shader,
      format,
      params: renderParams,
      values: { stop_count: stops.length, stops: stops.flatMap((c) => [...c, 0]) },
      vertices: 3, // one triangle covering the viewport
    });
    return new FieldView(pass);
  }

  /**
   * Draws field [..., n0, n1] (the `index`-th [n0, n1] plane, leading axes flattened) onto `target`, values divided by
   * `range` (clamped to +-1). The tensor must be a leaf or computed by a step (see gpuBuffer()).
   */
  render(field: Tensor, target: GPUTextureView, opts: { range: number; index?: number }): void {
    const { range, index = 0 } = opts;
    const s = field.shape;
    const [n0, n1] = s.slice(-2);
    const batch = s.slice(0, -2).reduce((a, b) => a * b, 1);
    if (
      field.dtype !== 'f32' ||
      s.length < 2 ||
      !(Number.isInteger(index) && index >= 0 && index < batch)
    )
      throw new WgnoError(
        'FieldView.render',
        `field ${field.dtype} ${fmtShape(s)}, index ${index}; need f32 [..., n0, n1] with 0 <= index < ${batch} (the product of the leading axes)`,
      );
    checkRange('FieldView.render', range);
    const values = { n0, n1, offset: index * n0 * n1, range };
    this.pass.draw(target, field.gpuBuffer(), values);
  }

  /** Frees the view's GPU objects. */
  destroy(): void {
    this.pass.destroy();
  }
}
