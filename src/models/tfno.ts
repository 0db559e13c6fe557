import type { Runtime } from '../runtime/runtime';
import { requireConfig } from './checks';
import { FNO, type FNOConfig } from './fno';

/** TFNO's config: FNO's, with the factorization fixed to Tucker. */
export type TFNOConfig = Omit<FNOConfig, 'factorization'> & {
  /** Always 'tucker' (the only value allowed). */
  factorization?: 'tucker';
};

/**
 * neuraloperator 2.0.0's TFNO: an FNO with Tucker-factorized spectral weights
 * (factorization 'tucker') and rank 0.1 unless given (`kwargs.setdefault("rank", 0.1)`).
 * Its state_dict holds fno_blocks.convs.{i}.weight.core and .weight.factors.factor_{k}.
 *
 * @example
 * const model = new TFNO(rt, { nModes: [16, 16], inChannels: 1, outChannels: 1, hiddenChannels: 32 });
 */
export class TFNO extends FNO {
  constructor(rt: Runtime, cfg: TFNOConfig) {
    const keys = ['nModes', 'inChannels', 'outChannels', 'hiddenChannels'];
    super(rt, {
      ...requireConfig('TFNO', cfg, keys),
      factorization: 'tucker',
      rank: cfg.rank ?? 0.1,
    });
  }
}
