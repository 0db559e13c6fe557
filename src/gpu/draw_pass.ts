/**
 * The render sibling of Program (src/gpu/program.ts), for drawing a field straight from its GPU
 * buffer: the same contract (pipeline and uniform storage made once, bind groups kept, drawing
 * only encodes) and the same uniform slots and submit path.
 */
import type { UniformFields, UniformLayout, UniformValues } from './uniforms';
import { UniformSlots, submitCommands, type GpuContext } from './encoding';

/** A render pipeline's source and target, and its uniform struct (binding 0). */
export interface DrawSpec<F extends UniformFields> {
  label: string;
  /** WGSL with a `vs` vertex and an `fs` fragment entry point. */
  source: string;
  format: GPUTextureFormat;
  params: UniformLayout<F>;
  /** Uniform values that stay the same for every draw; draw() gives the rest. */
  values: Partial<UniformValues<F>>;
  /** Vertices per draw (3 for a full-viewport triangle). */
  vertices: number;
}

/**
 * The render sibling of Program: the render pipeline and its uniform slot are made once, a bind
 * group per storage buffer on its first draw and then kept; draw() packs the uniforms and only
 * encodes one render pass.
 */
export class DrawPass<F extends UniformFields> {
  private readonly groups = new WeakMap<GPUBuffer, GPUBindGroup>();

  private constructor(
    private readonly gpu: GpuContext,
    private readonly spec: DrawSpec<F>,
    private readonly pipeline: GPURenderPipeline,
    private readonly uniforms: UniformSlots,
  ) {}

  static async create<F extends UniformFields>(
    gpu: GpuContext,
    spec: DrawSpec<F>,
  ): Promise<DrawPass<F>> {
    const module = gpu.device.createShaderModule({ label: spec.label, code: spec.source });
    const pipeline = await gpu.device.createRenderPipelineAsync({
      label: spec.label,
      layout: 'auto',
      vertex: { module, entryPoint: 'vs' },
      fragment: { module, entryPoint: 'fs', targets: [{ format: spec.format }] },
      primitive: { topology: 'triangle-list' },
    });
    const uniforms = new UniformSlots(gpu, spec.label, [spec.params as UniformLayout]);
    return new DrawPass(gpu, spec, pipeline, uniforms);
  }

  /** Clears `target` and draws, `storage` at binding 1, `values` over the spec's values. */
  draw(target: GPUTextureView, storage: GPUBuffer, values: Partial<UniformValues<F>>): void {
    const label = this.spec.label;
    this.gpu.assertUsable(`${label}.draw`);
    this.uniforms.pack(0, { ...this.spec.values, ...values } as Record<
      string,
      number | readonly number[]
    >);
    this.uniforms.write(0);
    const group = this.bindGroup(storage);
    submitCommands(this.gpu, label, (enc) => {
      const pass = enc.beginRenderPass({
        label,
        colorAttachments: [
          { view: target, loadOp: 'clear', storeOp: 'store', clearValue: [0, 0, 0, 1] },
        ],
      });
      pass.setPipeline(this.pipeline);
      pass.setBindGroup(0, group);
      pass.draw(this.spec.vertices);
      pass.end();
    });
  }

  private bindGroup(buffer: GPUBuffer): GPUBindGroup {
    let g = this.groups.get(buffer);
    if (!g) {
      g = this.gpu.createBindGroup({
        label: this.spec.label,
        layout: this.pipeline.getBindGroupLayout(0),
        entries: [this.uniforms.entry(0), { binding: 1, resource: { buffer } }],
      });
      this.groups.set(buffer, g);
    }
    return g;
  }

  destroy(): void {
    this.uniforms.destroy();
  }
}
