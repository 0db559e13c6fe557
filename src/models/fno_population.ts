/**
 * A population of P FNOs of one configuration evaluated as one network (deep ensembles, evolution):
 * every parameter of neuraloperator's FNO gets a leading population axis under its FNO
 * state_dict name, the members' batches are stacked along the batch axis, and each layer is one
 * dispatch for all members (batched matmuls for the channel maps, spectral_mul with a population
 * weight for the Fourier contraction).
 */
import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import type { HostTensor } from '../io/host_tensor';
import { add, mul } from '../ops/binary';
import { broadcastTo, reshape } from '../ops/layout';
import { gelu } from '../ops/unary';
import { populationChannelLinear } from '../ops/population_channel_linear';
import { Rng } from '../random';
import { GridEmbedding } from '../nn/embedding';
import { Module, uniformInit } from '../nn/module';
import { PopulationChannelMLP, PopulationSpectralConv, stackDraws } from '../nn/population_layers';
import { FNO, fnoBody, pyRound, type FNOConfig } from './fno';

/**
 * P FNOs evaluated together: x [B, in, ...] (every member sees the same inputs) or
 * [P, B, in, ...] (each its own) -> [P, B, out, ...]. Member p is initialised as
 * `new FNO(rt, { ...config, seed: config.seed + p })`; dense spectral weights only.
 *
 * @example
 * const ens = new PopulationFNO(rt, { nModes: [8, 8], inChannels: 1, outChannels: 1, hiddenChannels: 16 }, 5);
 * const y = ens.forward(x); // x [4, 1, 32, 32] -> [5, 4, 1, 32, 32]
 * const best = await ens.member(2); // an ordinary FNO with member 2's weights
 */
export class PopulationFNO extends Module {
  /** Number of members P. */
  readonly population: number;
  /** A single member's FNO config, defaults filled in (member p's seed is config.seed + p). */
  readonly config: FNO['config'];
  private readonly lifting: PopulationChannelMLP;
  private readonly blocks: PopulationFNOBlocks;
  private readonly projection: PopulationChannelMLP;
  private readonly embedding: GridEmbedding | null;

  constructor(rt: Runtime, cfg: FNOConfig, population: number) {
    super(rt);
    if (!Number.isInteger(population) || population < 1)
      throw new WgnoError('PopulationFNO', `population must be an integer >= 1, got ${population}`);
    if (cfg.factorization != null)
      throw new WgnoError('PopulationFNO', `factorization must be null (dense spectral weights)`);
    // FNO validates the config and fills its defaults; the probe's own weights are freed at once.
    const probe = new FNO(rt, cfg);
    this.config = probe.config;
    for (const t of probe.parameters()) t.destroy();
    this.population = population;
    const c = this.config;
    const h = c.hiddenChannels;
    const d = c.nModes.length;
    const rngs = Array.from({ length: population }, (_, p) => new Rng(c.seed + p));
    this.embedding = c.positionalEmbedding === 'grid' ? new GridEmbedding(rt) : null;
    const liftIn = c.inChannels + (this.embedding ? d : 0);
    const lift = Math.trunc(c.liftingChannelRatio * h);
    const liftCh = lift > 0 ? [liftIn, lift, h] : [liftIn, h];
    this.lifting = this.child('lifting', new PopulationChannelMLP(rt, rngs, liftCh));
    this.blocks = this.child('fno_blocks', new PopulationFNOBlocks(rt, rngs, c));
    const proj = Math.trunc(c.projectionChannelRatio * h);
    const projCh = [h, proj, c.outChannels];
    this.projection = this.child('projection', new PopulationChannelMLP(rt, rngs, projCh));
  }

  /** x [B, in, n_1, ..., n_d] or [P, B, in, n_1, ..., n_d] -> [P, B, out, n_1, ..., n_d]. */
  forward(x: Tensor): Tensor {
    const c = this.config;
    const P = this.population;
    const d = c.nModes.length;
    const s = x.shape;
    const shared = s.length === d + 2 && s[1] === c.inChannels;
    const own = s.length === d + 3 && s[0] === P && s[2] === c.inChannels;
    if (!shared && !own)
      throw new WgnoError(
        'PopulationFNO',
        `input [${s.join(', ')}] must be [B, ${c.inChannels}, ${d} spatial axes] or [${P}, B, ${c.inChannels}, ...]`,
      );
    const one = shared ? s : s.slice(1);
    const B = one[0];
    x = reshape(shared ? broadcastTo(reshape(x, [1, ...s]), [P, ...s]) : x, [
      P * B,
      ...one.slice(1),
    ]);
    const { embedding, lifting, blocks, projection } = this;
    x = fnoBody('PopulationFNO', { embedding, lifting, blocks, projection }, c, x);
    return reshape(x, [P, B, ...x.shape.slice(1)]);
  }

  /** Member i's weights under the FNO's state_dict names (shapes without the population axis). */
  async memberStateDict(i: number): Promise<Map<string, HostTensor>> {
    this.checkMember(i);
    const out = new Map<string, HostTensor>();
    for (const [name, t] of this.namedParameters()) {
      const per = t.size / this.population;
      const words = t.dtype === 'complex64' ? 2 : 1;
      const data = (await t.read()).slice(i * per * words, (i + 1) * per * words);
      out.set(name, {
        dtype: t.dtype === 'complex64' ? 'complex64' : 'f32',
        shape: t.shape.slice(1),
        data,
      });
    }
    return out;
  }

  /** An ordinary FNO holding member i's weights. */
  async member(i: number): Promise<FNO> {
    const fno = new FNO(this.rt, { ...this.config, seed: this.config.seed + i });
    fno.loadStateDict(await this.memberStateDict(i));
    return fno;
  }

  /**
   * Load P FNO state_dicts (e.g. P checkpoints read with readSafetensors), member p from sds[p];
   * every key and shape is checked (as FNO.loadStateDict) before anything is written.
   */
  loadMembers(sds: readonly ReadonlyMap<string, HostTensor>[]): void {
    if (sds.length !== this.population)
      throw new WgnoError(
        'PopulationFNO',
        `loadMembers needs ${this.population} state_dicts (one per member), got ${sds.length}`,
      );
    const stacked = new Map<string, HostTensor>();
    for (const [name, t] of this.namedParameters()) {
      const words = t.dtype === 'complex64' ? 2 : 1;
      const per = (t.size / this.population) * words;
      const data = new Float32Array(per * this.population);
      sds.forEach((sd, p) => {
        const h = sd.get(name);
        const want = t.shape.slice(1);
        if (!h || h.shape.join() !== want.join() || h.data.length !== per)
          throw new WgnoError(
            'PopulationFNO',
            `member ${p}'s state_dict needs '${name}' of shape [${want.join(', ')}] (${t.dtype})${h ? `, got [${h.shape.join(', ')}] (${h.dtype})` : ', it is missing'}`,
          );
        data.set(h.data, p * per);
      });
      stacked.set(name, {
        dtype: t.dtype === 'complex64' ? 'complex64' : 'f32',
        shape: [...t.shape],
        data,
      });
    }
    this.loadStateDict(stacked);
  }

  private checkMember(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.population)
      throw new WgnoError('PopulationFNO', `member ${i} is not in [0, ${this.population})`);
  }
}

/** FNOBlocks with per-member weights (same names, a leading P axis); see FNOBlocks. */
class PopulationFNOBlocks extends Module {
  private readonly blocks: {
    conv: PopulationSpectralConv;
    skip: Tensor;
    mlp: PopulationChannelMLP;
    gate: Tensor;
  }[] = [];

  constructor(
    rt: Runtime,
    rngs: readonly Rng[],
    private readonly c: FNO['config'],
  ) {
    super(rt);
    const h = c.hiddenChannels;
    const P = rngs.length;
    const mid = pyRound(c.channelMlpExpansion * h);
    const ones = new Array<number>(c.nModes.length).fill(1);
    // Member draws in FNOBlocks' order: conv (weight, bias), skip, channel MLP; the gate is 1.
    for (let i = 0; i < c.nLayers; i++) {
      const conv = this.child(`convs.${i}`, new PopulationSpectralConv(rt, rngs, h, h, c.nModes));
      const sd = stackDraws(rngs, (r) => uniformInit(r, h * h, h));
      const skip = this.param(`fno_skips.${i}.conv.weight`, sd, [P, h, h, 1]);
      const mlp = this.child(`channel_mlp.${i}`, new PopulationChannelMLP(rt, rngs, [h, mid, h]));
      const gate = this.param(`channel_mlp_skips.${i}.weight`, new Float32Array(P * h).fill(1), [
        P,
        1,
        h,
        ...ones,
      ]);
      this.blocks.push({ conv, skip, mlp, gate });
    }
  }

  /** x [P B, h, ...] through every block, member p's rows with member p's weights. */
  forward(x: Tensor): Tensor {
    const h = this.c.hiddenChannels;
    const P = this.blocks.length ? this.blocks[0].skip.shape[0] : 1;
    this.blocks.forEach((blk, i) => {
      const last = i === this.blocks.length - 1;
      const skipFno = populationChannelLinear(x, reshape(blk.skip, [P, h, h]));
      const skipMlp = gateMul(x, blk.gate);
      x = add(blk.conv.forward(x), skipFno);
      if (!last) x = gelu(x);
      x = add(blk.mlp.forward(x), skipMlp);
      if (!last) x = gelu(x);
    });
    return x;
  }
}

/** x [P B, h, ...] times the per-member soft gate [P, 1, h, 1, ...]. */
function gateMul(x: Tensor, gate: Tensor): Tensor {
  const P = gate.shape[0];
  const [rows, ...rest] = x.shape;
  return reshape(mul(reshape(x, [P, rows / P, ...rest]), gate), x.shape);
}
