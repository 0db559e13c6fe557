import { WgnoError, fmtShape } from '../errors';
import { asComplex, numelOf, type HostTensor } from './host_tensor';

/**
 * The original FNO code (Li et al., fourier_{1,2,3}d.py) stores a spectral weight as 2^(d-1)
 * corner blocks `weights1 .. weightsK`, each complex (in, out, m1, ..., md): block b keeps, along
 * every non-last axis a, the positive frequencies 0..m_a-1 when bit a of b is 0 and the negative
 * ones -m_a..-1 when it is 1 (2-D: weights1 = [:m1, :m2], weights2 = [-m1:, :m2]; 3-D adds
 * weights3 = [:m1, -m2:, :m3] and weights4 = [-m1:, -m2:, :m3]); the last (half-spectrum) axis
 * keeps 0..md-1.
 *
 * neuraloperator 2.x (wgno's native layout) keeps one centred window instead: along a non-last
 * axis, k = 2 m_a entries for the frequencies -m_a..m_a-1 in that order, i.e. the negative block
 * followed by the positive one. The two layouts describe the same operator (the original code's
 * 'backward' FFT norm and neuraloperator's 'forward' norm put the same 1/N on the round trip), so
 * the conversion is a pure re-indexing.
 */
export interface CenteredWeight {
  /** complex64 (in, out, 2 m1, ..., 2 m_{d-1}, md). */
  weight: HostTensor;
  /** The `nModes` that gives this weight shape: [2 m1, ..., 2 m_{d-1}, 2 md - 1]. */
  nModes: number[];
}

const OP = 'fromCornerBlocks';

/**
 * Joins the corner blocks of one original-FNO spectral layer into neuraloperator's centred
 * window. `blocks[b]` is `weights{b+1}`, complex64 or f32 with a trailing axis of 2.
 */
export function fromCornerBlocks(blocks: readonly HostTensor[]): CenteredWeight {
  if (blocks.length === 0) throw new WgnoError(OP, 'no corner blocks given');
  const bs = blocks.map((b, i) => {
    const c = b.dtype === 'f32' ? asComplex(b) : b;
    if (c.dtype !== 'complex64')
      throw new WgnoError(OP, `weights${i + 1} has dtype ${String(c.dtype)}; expected complex64`);
    return c;
  });
  const shape = bs[0].shape;
  const d = shape.length - 2;
  if (d < 1 || d > 3) {
    throw new WgnoError(
      OP,
      `weights1 is ${fmtShape(shape)}; expected (in, out, m1, ..., md) with d = 1, 2 or 3 spatial axes`,
    );
  }
  const want = 2 ** (d - 1);
  if (bs.length !== want) {
    throw new WgnoError(
      OP,
      `a ${d}-D layer has ${want} corner block(s) weights1..weights${want}; got ${bs.length}`,
    );
  }
  bs.forEach((b, i) => {
    if (b.shape.join() !== shape.join())
      throw new WgnoError(
        OP,
        `weights${i + 1} is ${fmtShape(b.shape)} but weights1 is ${fmtShape(shape)}; all blocks must have one shape`,
      );
  });

  const modes = shape.slice(2);
  const outShape = [shape[0], shape[1], ...modes.map((m, a) => (a < d - 1 ? 2 * m : m))];
  const out = new Float32Array(2 * numelOf(outShape));
  const outMode = numelOf(outShape.slice(2));
  const inMode = numelOf(modes);
  const pairs = shape[0] * shape[1];
  const idx = new Array<number>(d).fill(0);
  // Walk the output window once; each entry comes from one block at one position.
  for (let w = 0; w < outMode; w++) {
    let rest = w;
    for (let a = d - 1; a >= 0; a--) {
      idx[a] = rest % outShape[2 + a];
      rest = Math.floor(rest / outShape[2 + a]);
    }
    let block = 0;
    let src = 0;
    for (let a = 0; a < d; a++) {
      let i = idx[a];
      if (a < d - 1) {
        if (i < modes[a])
          block |= 1 << a; // first half of the window: negative frequencies
        else i -= modes[a];
      }
      src = src * modes[a] + i;
    }
    const data = bs[block].data;
    for (let p = 0; p < pairs; p++) {
      const o = 2 * (p * outMode + w);
      const s = 2 * (p * inMode + src);
      out[o] = data[s];
      out[o + 1] = data[s + 1];
    }
  }
  const last = modes[d - 1];
  return {
    weight: { dtype: 'complex64', shape: outShape, data: out },
    nModes: outShape.slice(2, 1 + d).concat(2 * last - 1),
  };
}

/**
 * Rewrites a state dict that holds original-FNO corner blocks (`<prefix>.weights1`, ...) into
 * neuraloperator's layout: each group becomes one centred weight under `rename(prefix)` (default
 * `<prefix>.weight.tensor`, the 2.x name when the prefix is already `fno_blocks.convs.<i>`). Every
 * other entry is passed through unchanged, so the result can go to `loadStateDict` after any
 * renaming of the non-spectral keys.
 */
export function convertCornerBlocks(
  sd: ReadonlyMap<string, HostTensor> | Readonly<Record<string, HostTensor>>,
  opts: { rename?: (prefix: string) => string } = {},
): Map<string, HostTensor> {
  const map = sd instanceof Map ? sd : new Map(Object.entries(sd));
  const groups = new Map<string, Map<number, HostTensor>>();
  const out = new Map<string, HostTensor>();
  for (const [key, t] of map) {
    const m = /^(.*)\.weights([1-9]\d*)$/.exec(key);
    if (!m) {
      out.set(key, t);
      continue;
    }
    const g = groups.get(m[1]) ?? new Map<number, HostTensor>();
    g.set(Number(m[2]), t);
    groups.set(m[1], g);
  }
  if (groups.size === 0)
    throw new WgnoError('convertCornerBlocks', "no '<prefix>.weights1' keys found");
  for (const [prefix, g] of groups) {
    const blocks: HostTensor[] = [];
    for (let i = 1; i <= g.size; i++) {
      const t = g.get(i);
      if (!t)
        throw new WgnoError(
          'convertCornerBlocks',
          `'${prefix}' has weights${[...g.keys()].sort((a, b) => a - b).join(', weights')} but no weights${i}; the blocks must be weights1..weightsK`,
        );
      blocks.push(t);
    }
    const target = opts.rename ? opts.rename(prefix) : `${prefix}.weight.tensor`;
    if (out.has(target))
      throw new WgnoError('convertCornerBlocks', `'${target}' (from '${prefix}') already exists`);
    try {
      out.set(target, fromCornerBlocks(blocks).weight);
    } catch (e) {
      if (e instanceof WgnoError)
        throw new WgnoError(
          'convertCornerBlocks',
          `'${prefix}': ${e.message.slice(e.op.length + 2)}`,
        );
      throw e;
    }
  }
  return out;
}
