/**
 * Uniform structs are declared once, here in TypeScript, and packed by the WGSL layout rules
 * (WGSL spec, "Alignment and Size"): scalars align to 4 bytes; a vector-array field
 * `array<vec4<u32>, K>` (written `{ vec4: 'u32', length: n }`, K = ceil(n / 4)) aligns to 16;
 * the struct size rounds up to 16. Nobody writes a byte offset by hand.
 *
 * Kernels never declare the struct themselves: `wgslStruct()` prints it and defineKernel
 * (src/gpu/kernel.ts) puts it in front of the kernel source, so the two cannot disagree.
 */
export type Scalar = 'u32' | 'i32' | 'f32';
export type FieldType = Scalar | { vec4: Scalar; length: number };
export type UniformFields = Readonly<Record<string, FieldType>>;

/** Values for a layout: numbers for scalars, number arrays (zero-padded) for vec4 arrays. */
export type UniformValues<F extends UniformFields> = {
  [K in keyof F]: F[K] extends Scalar ? number : readonly number[];
};

interface Placed {
  name: string;
  type: FieldType;
  offset: number;
}

export class UniformLayout<F extends UniformFields = UniformFields> {
  readonly size: number;
  private readonly placed: Placed[] = [];

  constructor(
    readonly structName: string,
    readonly fields: F,
  ) {
    let off = 0;
    for (const [name, type] of Object.entries(fields)) {
      const align = typeof type === 'string' ? 4 : 16;
      off = Math.ceil(off / align) * align;
      this.placed.push({ name, type, offset: off });
      off += typeof type === 'string' ? 4 : 16 * Math.ceil(type.length / 4);
    }
    this.size = Math.max(16, Math.ceil(off / 16) * 16);
  }

  /** Pack values into `target` at byte `offset` (a fresh buffer when omitted). */
  pack(values: UniformValues<F>, target = new ArrayBuffer(this.size), offset = 0): ArrayBuffer {
    const view = new DataView(target, offset, this.size);
    for (const p of this.placed) {
      const v = (values as Record<string, number | readonly number[]>)[p.name];
      if (typeof p.type === 'string') {
        put(view, p.offset, p.type, v as number, this.structName, p.name);
      } else {
        const arr = v as readonly number[];
        if (arr.length > p.type.length) {
          throw new Error(
            `${this.structName}.${p.name}: ${arr.length} values for ${p.type.length} slots`,
          );
        }
        const n = Math.ceil(p.type.length / 4) * 4;
        for (let i = 0; i < n; i++)
          put(view, p.offset + 4 * i, p.type.vec4, arr[i] ?? 0, this.structName, p.name);
      }
    }
    return target;
  }

  /** The WGSL declaration this layout packs for. */
  wgslStruct(): string {
    const lines = this.placed.map((p) => {
      const t =
        typeof p.type === 'string'
          ? p.type
          : `array<vec4<${p.type.vec4}>, ${Math.ceil(p.type.length / 4)}>`;
      return `  ${p.name}: ${t},`;
    });
    return `struct ${this.structName} {\n${lines.join('\n')}\n}`;
  }
}

function put(
  view: DataView,
  off: number,
  t: Scalar,
  v: number,
  struct: string,
  field: string,
): void {
  if (typeof v !== 'number' || Number.isNaN(v) || (t !== 'f32' && !Number.isInteger(v))) {
    throw new Error(`${struct}.${field}: ${String(v)} is not a valid ${t}`);
  }
  if (t === 'f32') view.setFloat32(off, v, true);
  else if (t === 'u32') view.setUint32(off, v, true);
  else view.setInt32(off, v, true);
}
