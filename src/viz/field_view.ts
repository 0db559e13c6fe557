/**
 * Renders a scalar field straight from its GPU buffer (no readback): a full-viewport triangle
 * whose fragment shader (kernels/field_render.wgsl) looks each pixel's cell up and colours it with
 * a diverging map. For live views of a solver or a model's prediction, one render pass per call.
 */
import { WgnoError, fmtShape } from '../errors';
import type { Runtime } from '../gpu/runtime';
import type { Tensor } from '../graph/tensor';
import source from '../../kernels/field_render.wgsl?raw';

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

const UNIFORM_BYTES = 32 + 16 * 16;

export class FieldView {
  private readonly uniforms: GPUBuffer;
  private readonly host = new ArrayBuffer(UNIFORM_BYTES);
  private readonly groups = new WeakMap<GPUBuffer, GPUBindGroup>();

  private constructor(
    private readonly rt: Runtime,
    private readonly pipeline: GPURenderPipeline,
    stops: readonly Rgb[],
  ) {
    this.uniforms = rt.createBuffer({
      label: 'wgno.field_view/uniforms',
      size: UNIFORM_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    const f = new Float32Array(this.host);
    stops.forEach((c, i) => f.set(c, 8 + 4 * i));
    new Uint32Array(this.host)[3] = stops.length;
  }

  /** `format`: the render target's format (a canvas context's, or an offscreen texture's). */
  static async create(
    rt: Runtime,
    format: GPUTextureFormat,
    stops: readonly Rgb[] = DIVERGING,
  ): Promise<FieldView> {
    if (stops.length < 2 || stops.length > 16)
      throw new WgnoError('FieldView', `${stops.length} colour stops; use 2 to 16`);
    const module = rt.device.createShaderModule({ label: 'field_render', code: source });
    const pipeline = await rt.device.createRenderPipelineAsync({
      label: 'wgno.field_view',
      layout: 'auto',
      vertex: { module, entryPoint: 'vs' },
      fragment: { module, entryPoint: 'fs', targets: [{ format }] },
      primitive: { topology: 'triangle-list' },
    });
    return new FieldView(rt, pipeline, stops);
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
    const u = new Uint32Array(this.host);
    u.set([n0, n1, index * n0 * n1], 0);
    new Float32Array(this.host)[4] = range;
    this.rt.device.queue.writeBuffer(this.uniforms, 0, this.host);
    const enc = this.rt.device.createCommandEncoder({ label: 'wgno.field_view' });
    const pass = enc.beginRenderPass({
      colorAttachments: [
        { view: target, loadOp: 'clear', storeOp: 'store', clearValue: [0, 0, 0, 1] },
      ],
    });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup(field.gpuBuffer()));
    pass.draw(3);
    pass.end();
    this.rt.device.queue.submit([enc.finish()]);
  }

  private bindGroup(buffer: GPUBuffer): GPUBindGroup {
    let g = this.groups.get(buffer);
    if (!g) {
      g = this.rt.device.createBindGroup({
        label: 'wgno.field_view',
        layout: this.pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.uniforms } },
          { binding: 1, resource: { buffer } },
        ],
      });
      this.groups.set(buffer, g);
    }
    return g;
  }

  destroy(): void {
    this.uniforms.destroy();
  }
}
