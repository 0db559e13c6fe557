import { WgnoError, fmtShape } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import { floatDtype } from '../graph/shape';
import type { HostTensor } from '../io/host_tensor';
import { asComplex } from '../io/host_tensor';
import type { Rng } from '../random';

/**
 * A layer or model: a tree of named parameters whose dotted paths are neuraloperator's state_dict
 * names, so checkpoints move both ways through safetensors.
 */
export abstract class Module {
  private readonly params: [string, Tensor][] = [];
  private readonly children: [string, Module][] = [];

  constructor(
    /** The runtime its parameters live on. */
    readonly rt: Runtime,
  ) {}

  /** Register a trainable leaf under `name`. */
  protected param(
    name: string,
    data: Float32Array,
    shape: readonly number[],
    dtype: 'f32' | 'complex64' = 'f32',
  ): Tensor {
    const t = this.rt.tensor(data, shape, { dtype, requiresGrad: true, label: name });
    this.params.push([name, t]);
    return t;
  }

  /** Register a submodule: its parameters appear under `name.` in the state_dict. */
  protected child<M extends Module>(name: string, m: M): M {
    this.children.push([name, m]);
    return m;
  }

  /** [state_dict name, tensor] for every parameter, in registration order. */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = this.params.map(([n, t]) => [prefix + n, t]);
    for (const [n, m] of this.children) out.push(...m.namedParameters(`${prefix}${n}.`));
    return out;
  }

  /** Every parameter tensor, in the order of namedParameters (e.g. for an optimizer). */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /**
   * Freeze the parameters under `prefix` (a dotted path such as 'branch' or 'trunk.linears.0';
   * '' is every parameter): requiresGrad false, so backward computes no gradient for them and an
   * optimizer leaves them unchanged. Returns the frozen names; a prefix that matches nothing is
   * an error.
   *
   * @example
   * model.freeze('branch'); // transfer learning: keep the body, retrain the rest
   * const opt = new Adam(model.trainableParameters(), { lr: 1e-3 });
   */
  freeze(prefix = ''): string[] {
    return this.setTrainable('freeze', prefix, false);
  }

  /** Undo freeze() for the parameters under `prefix`; returns their names. */
  unfreeze(prefix = ''): string[] {
    return this.setTrainable('unfreeze', prefix, true);
  }

  /** [name, tensor] of every parameter that is not frozen. */
  trainableParameters(): [string, Tensor][] {
    return this.namedParameters().filter(([, t]) => t.requiresGrad);
  }

  private setTrainable(op: string, prefix: string, on: boolean): string[] {
    const under = (n: string) => prefix === '' || n === prefix || n.startsWith(`${prefix}.`);
    const hit = this.namedParameters().filter(([n]) => under(n));
    if (hit.length === 0)
      throw new WgnoError(
        op,
        `no parameter under '${prefix}'; names start with ${[...new Set(this.namedParameters().map(([n]) => n.split('.')[0]))].join(', ')}`,
      );
    for (const [, t] of hit) t.requiresGrad = on;
    return hit.map(([n]) => n);
  }

  /** Read every parameter back from the GPU (complex weights as complex64). */
  async stateDict(): Promise<Map<string, HostTensor>> {
    const out = new Map<string, HostTensor>();
    for (const [name, t] of this.namedParameters()) {
      out.set(name, {
        dtype: floatDtype('stateDict', t),
        shape: [...t.shape],
        data: await t.read(),
      });
    }
    return out;
  }

  /**
   * Copy weights into the parameters. Every key must be present with the right shape; complex
   * weights may come as complex64 or as f32 with a trailing axis of 2. Extra keys are an error
   * unless `strict` is false; neuraloperator's non-tensor `_metadata` never reaches here. NaN or
   * infinite weights are an error unless `allowNonFinite` is true. Everything is checked before
   * anything is written: on an error the model keeps its weights.
   *
   * @example
   * model.loadStateDict(readSafetensors(bytes)); // throws, model unchanged, on any mismatch
   */
  loadStateDict(
    sd: ReadonlyMap<string, HostTensor> | Readonly<Record<string, HostTensor>>,
    opts: LoadStateDictOptions = {},
  ): void {
    const map = sd instanceof Map ? sd : new Map(Object.entries(sd));
    const named = this.namedParameters();
    const checked = named.map(
      ([name, t]) => [name, t, checkEntry(name, t, map.get(name))] as const,
    );
    if (opts.strict ?? true) rejectExtraKeys(map, named);
    if (!opts.allowNonFinite) for (const [name, , h] of checked) rejectNonFinite(name, h);
    for (const [, t, h] of checked) t.write(h.data);
  }
}

/** Options of `Module.loadStateDict`. */
export interface LoadStateDictOptions {
  /** Extra keys are an error (default true); false ignores them. */
  strict?: boolean;
  /** Accept NaN and infinite weights (default false: they are an error). */
  allowNonFinite?: boolean;
}

/** The host tensor for parameter `name`, as the parameter's dtype and shape, or an error. */
function checkEntry(name: string, t: Tensor, h: HostTensor | undefined): HostTensor {
  if (!h)
    throw new WgnoError(
      'loadStateDict',
      `missing key '${name}' (expected ${t.dtype} ${fmtShape(t.shape)})`,
    );
  if (t.dtype === 'complex64' && h.dtype === 'f32') h = asComplex(h);
  if (h.dtype !== t.dtype || h.shape.join() !== t.shape.join())
    throw new WgnoError(
      'loadStateDict',
      `'${name}' is ${h.dtype} ${fmtShape(h.shape)} but the model expects ${t.dtype} ${fmtShape(t.shape)}`,
    );
  return h;
}

function rejectNonFinite(name: string, h: HostTensor): void {
  const i = h.data.findIndex((v) => !Number.isFinite(v));
  if (i >= 0)
    throw new WgnoError(
      'loadStateDict',
      `'${name}' holds ${h.data[i]} at flat index ${i}${h.dtype === 'complex64' ? ' (interleaved re, im)' : ''}; pass { allowNonFinite: true } to load non-finite weights`,
    );
}

function rejectExtraKeys(map: ReadonlyMap<string, HostTensor>, named: [string, Tensor][]): void {
  const known = new Set(named.map(([n]) => n));
  const extra = [...map.keys()].filter((k) => !known.has(k) && !k.startsWith('__'));
  if (extra.length)
    throw new WgnoError(
      'loadStateDict',
      `unexpected key '${extra[0]}'${extra.length > 1 ? ` (and ${extra.length - 1} more)` : ''}; pass { strict: false } to ignore`,
    );
}

/** PyTorch's default init of a Conv1d/Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
export function uniformInit(rng: Rng, n: number, fanIn: number): Float32Array {
  const b = 1 / Math.sqrt(fanIn);
  return rng.uniforms(n, -b, b);
}
