/**
 * GAOT, the geometry-aware operator transformer (Wen et al., arXiv 2505.18781; camlab-ethz/GAOT,
 * model/gaot.py), in its fixed-geometry ("fx") mode: every sample of a batch lives on the same
 * points. The pipeline reads as the official one:
 *   encoder   MAGNO: point values [B, n, in] -> latent tokens [B, H W, C] on a regular grid
 *   process   2-D patches of p x p tokens, `patch_linear`, 2-D sinusoidal positions, the U-shaped
 *             ViT (src/nn/vit.ts), patches back to tokens
 *   decoder   MAGNO: tokens -> query points [B, q, out]
 * Coordinates are expected in [-1, 1] (GAOT's data pipeline scales them per dimension); the latent
 * tokens are linspace(-1, 1) per axis, 'ij' order (token h W + w is at (x_h, y_w)).
 * State_dict names are GAOT's: encoder.*, patch_linear.*, processor.*, decoder.*.
 */
import { WgnoError, fmtShape } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import { radiusNeighborhoods } from '../geometry/neighborhoods';
import type { Neighborhoods } from '../geometry/relations';
import { add } from '../ops/binary';
import { reshape } from '../ops/layout';
import { patchify, unpatchify } from '../ops/patchify';
import { Rng } from '../random';
import { MAGNODecoder, MAGNOEncoder } from '../nn/magno';
import { Module } from '../nn/module';
import { Linear, Transformer } from '../nn/vit';
import { gaotSettings, type GAOTConfig, type GAOTSettings } from './gaot_config';

export type {
  GAOTConfig,
  GAOTMagnoConfig,
  GAOTSettings,
  GAOTTransformerConfig,
} from './gaot_config';

/**
 * One geometry prepared for GAOT: the points, the latent tokens, the query points (the points
 * themselves unless others were given) and the radius neighbourhoods of every scale, both ways.
 * Made by `GAOT.prepare`; it owns GPU buffers: `destroy()` it when done.
 */
export class GAOTGeometry {
  constructor(
    /** Physical points [n, 2]. */
    readonly points: Tensor,
    /** Latent token coordinates [H W, 2]. */
    readonly tokens: Tensor,
    /** Output query points [q, 2]. */
    readonly queries: Tensor,
    /** Per scale: each token's points (encoder). */
    readonly encoderNeighbors: readonly Neighborhoods[],
    /** Per scale: each query's tokens (decoder). */
    readonly decoderNeighbors: readonly Neighborhoods[],
  ) {}

  /** Free the neighbourhoods' index buffers and the coordinate tensors. */
  destroy(): void {
    for (const nb of [...this.encoderNeighbors, ...this.decoderNeighbors]) nb.destroy();
    for (const t of new Set([this.points, this.tokens, this.queries])) t.destroy();
  }
}

/** What `GAOT.forward` takes. */
export interface GAOTInputs {
  /** The geometry, from `await model.prepare(points, queries?)`. */
  geometry: GAOTGeometry;
  /** The input function on the points, [batch, n, inChannels]. */
  f: Tensor;
}

/** A [side0, side1] grid on [-1, 1]^2 in 'ij' order, flat [side0 side1, 2] (GAOT's tokens). */
export function latentTokenCoords([h, w]: readonly [number, number]): Float32Array {
  const at = (i: number, n: number) => (n === 1 ? -1 : -1 + (2 * i) / (n - 1));
  const t = new Float32Array(2 * h * w);
  for (let i = 0; i < h * w; i++) {
    t[2 * i] = at(Math.floor(i / w), h);
    t[2 * i + 1] = at(i % w, w);
  }
  return t;
}

/**
 * GAOT's absolute positions of a [nh, nw] patch grid, [nh nw, e]: per axis a (row or column
 * index), e / 4 frequencies 10000^(-k / (e/4)), the sines then the cosines; axis 0 first.
 */
export function patchPositions(nh: number, nw: number, e: number): Float32Array {
  const k = Math.floor(e / 4);
  const out = new Float32Array(nh * nw * e);
  for (let i = 0; i < nh * nw; i++) {
    [Math.floor(i / nw), i % nw].forEach((pos, axis) => {
      for (let j = 0; j < k; j++) {
        const angle = pos / 10000 ** (j / k);
        out[i * e + axis * 2 * k + j] = Math.sin(angle);
        out[i * e + axis * 2 * k + k + j] = Math.cos(angle);
      }
    });
  }
  return out;
}

/**
 * GAOT: MAGNO encoder, U-shaped ViT processor, MAGNO decoder (see the module comment).
 *
 * @example
 * const model = new GAOT(rt, { inChannels: 1, outChannels: 1, latentTokens: [16, 16],
 *   magno: { radius: 0.15 }, transformer: { hiddenSize: 64, numHeads: 4 } });
 * const geometry = await model.prepare(points); // Float32Array [n * 2] in [-1, 1]
 * const u = model.forward({ geometry, f }); // f [B, n, 1] -> u [B, n, 1]
 * geometry.destroy();
 */
export class GAOT extends Module {
  /** The checked configuration, defaults filled in. */
  readonly settings: GAOTSettings;
  private readonly encoder: MAGNOEncoder;
  private readonly patchLinear: Linear;
  private readonly processor: Transformer;
  private readonly decoder: MAGNODecoder;
  /** The constant 2-D sinusoidal positions of the patches, [patches, patchSize^2 C]. */
  readonly positions: Tensor;

  constructor(rt: Runtime, config: GAOTConfig) {
    super(rt);
    const s = (this.settings = gaotSettings(config));
    const { magno: m, transformer: t } = s;
    const c = m.liftingChannels;
    const magno = { coordDim: 2 as const, hiddenSize: m.hiddenSize, mlpLayers: m.mlpLayers };
    const rng = new Rng(s.seed);
    const seed = () => Math.floor(rng.uniform() * 2 ** 31);
    this.encoder = this.child(
      'encoder',
      new MAGNOEncoder(rt, { ...magno, inChannels: s.inChannels, outChannels: c, seed: seed() }),
    );
    const e = t.patchSize ** 2 * c;
    this.patchLinear = this.child('patch_linear', new Linear(rt, rng, [e, e]));
    this.processor = this.child('processor', new Transformer(rt, e, e, { ...t, seed: seed() }));
    this.decoder = this.child(
      'decoder',
      new MAGNODecoder(rt, { ...magno, inChannels: c, outChannels: s.outChannels, seed: seed() }),
    );
    const [nh, nw] = s.latentTokens.map((v) => v / t.patchSize);
    this.positions = rt.tensor(patchPositions(nh, nw, e), [nh * nw, e], {
      label: 'gaot.positions',
    });
  }

  /**
   * Search the neighbourhoods of one geometry (every scale, both ways) on the GPU. points and
   * queries are flat [count, 2] in [-1, 1]; queries default to the points.
   */
  async prepare(points: ArrayLike<number>, queries?: ArrayLike<number>): Promise<GAOTGeometry> {
    const rt = this.rt;
    const tok = { coords: latentTokenCoords(this.settings.latentTokens), dim: 2 };
    const pts = { coords: points, dim: 2 };
    const qs = { coords: queries ?? points, dim: 2 };
    const { radius, scales } = this.settings.magno;
    const enc: Neighborhoods[] = [];
    const dec: Neighborhoods[] = [];
    try {
      for (const k of scales) enc.push(await radiusNeighborhoods(rt, tok, pts, radius * k));
      for (const k of scales) dec.push(await radiusNeighborhoods(rt, qs, tok, radius * k));
    } catch (err) {
      for (const nb of [...enc, ...dec]) nb.destroy();
      throw err;
    }
    const tensor = (c: ArrayLike<number>, label: string) =>
      rt.tensor(Float32Array.from(c), [c.length / 2, 2], { label });
    return new GAOTGeometry(
      tensor(points, 'gaot.points'),
      tensor(tok.coords, 'gaot.tokens'),
      tensor(qs.coords, 'gaot.queries'),
      enc,
      dec,
    );
  }

  /** f [batch, n, inChannels] on the geometry's points -> [batch, q, outChannels] on its queries. */
  forward({ geometry: g, f }: GAOTInputs): Tensor {
    if (!(g instanceof GAOTGeometry))
      throw new WgnoError('GAOT', 'geometry must come from `await model.prepare(points, queries)`');
    const [h, w] = this.settings.latentTokens;
    const scales = this.settings.magno.scales.length;
    if (g.tokens.shape[0] !== h * w || g.encoderNeighbors.length !== scales)
      throw new WgnoError(
        'GAOT',
        `geometry has ${g.tokens.shape[0]} tokens and ${g.encoderNeighbors.length} scales, this model ${h} x ${w} tokens and ${scales}: prepare it with this model`,
      );
    const n = g.points.shape[0];
    if (f.shape.length !== 3 || f.shape[1] !== n || f.shape[2] !== this.settings.inChannels)
      throw new WgnoError(
        'GAOT',
        `f ${fmtShape(f.shape)} must be [batch, ${n}, ${this.settings.inChannels}] (the geometry's ${n} points, inChannels)`,
      );
    const { points: y, tokens: x } = g;
    const latent = this.encoder.forward({ y, x, f, neighbors: g.encoderNeighbors });
    const processed = this.process(latent);
    return this.decoder.forward({
      tokens: x,
      latent: processed,
      queries: g.queries,
      neighbors: g.decoderNeighbors,
    });
  }

  /** GAOT.process: tokens [B, H W, C] -> patches, patch_linear + positions, ViT, tokens back. */
  private process(latent: Tensor): Tensor {
    const [b, , c] = latent.shape;
    const [h, w] = this.settings.latentTokens;
    const p = this.settings.transformer.patchSize;
    const patches = patchify(reshape(latent, [b, h, w, c]), p);
    const z = this.processor.forward(add(this.patchLinear.forward(patches), this.positions));
    return reshape(unpatchify(z, p, [h, w]), [b, h * w, c]);
  }
}
