/**
 * Loads every primitive of this layer, so each registers itself (src/graph/registry.ts), and gives
 * autodiff its two graph-level primitives. The runtime layer imports this module: any program that
 * has a Runtime has every op of src/ops/ registered. Domain ops (src/pde/) register when their
 * module loads.
 */
import { provideGradientPrimitives } from '../graph/autodiff';
import { add } from './binary';
import './attention';
import './complex';
import './concat';
import './conv';
import './fft';
import { fill } from './fill';
import './gather_rows';
import './layout';
import './matmul';
import './norm';
import './norm_grad';
import './pad';
import './random';
import './reduce';
import './segment_softmax';
import './segment_sum';
import './topk';
import './spectral';
import './sym_eig';
import './unary';

provideGradientPrimitives({
  ones: (t) => fill(t.rt, t.shape, 1),
  zeros: (t) => fill(t.rt, t.shape, 0, t.dtype),
  add,
});
