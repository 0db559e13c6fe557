/**
 * The wgno side of bench/gno.bench.ts: the GNO layer (IntegralTransform, 'linear', 'sum') on a
 * GnoProblem compiled into a forward Step and a forward + backward Step (gradients of
 * sum(out * g) w.r.t. the kernel MLP and f_y), its weights read back for the peers, and helpers
 * to compare gradients and to summarise a Step.profile().
 */
import { IntegralTransform, mul, neighborhoods, sum } from '../../src/index';
import type { Runtime, Step, Tensor } from '../../src/index';
import { relL2 } from './spec';
import type { GnoGrads, GnoProblem, GnoWeight } from './gno_spec';

export interface WgnoGno {
  fwd: Step;
  fwdBwd: Step;
  out: Tensor;
  grads: [string, Tensor][];
  weights: GnoWeight[];
}

export async function wgnoGno(rt: Runtime, p: GnoProblem): Promise<WgnoGno> {
  const gno = new IntegralTransform(rt, {
    channelMlpLayers: [4, p.hidden, p.hidden, p.channels],
    transformType: 'linear',
    reduction: 'sum',
    seed: 5,
  });
  const y = rt.tensor(p.points, [p.n, 2]);
  const fY = rt.tensor(p.f, [p.n, p.channels], { requiresGrad: true });
  const g = rt.tensor(p.g, [p.n, p.channels]);
  const nb = neighborhoods(rt, { rowSplits: p.rowSplits, index: p.index, nPoints: p.n });
  const out = gno.forward({ y, neighbors: nb, fY });
  const loss = sum(mul(gno.forward({ y, neighbors: nb, fY }), g));
  loss.backward();
  const grads: [string, Tensor][] = [
    ...gno.namedParameters().map(([k, t]): [string, Tensor] => [k, t.grad!]),
    ['f_y', fY.grad!],
  ];
  const weights: GnoWeight[] = [];
  for (const [name, t] of gno.namedParameters())
    weights.push({ name, shape: [...t.shape], data: await t.read() });
  const label = `gno n${p.n}`;
  return {
    fwd: await rt.compile({ outputs: [out], label: `${label} fwd` }),
    fwdBwd: await rt.compile({
      outputs: [loss, ...grads.map(([, t]) => t)],
      label: `${label} bwd`,
    }),
    out,
    grads,
    weights,
  };
}

/** Largest relative L2 error over the gradients, and the name it belongs to. */
export function gradAgreement(a: GnoGrads, ref: GnoGrads): { worst: number; name: string } {
  let [worst, name] = [0, ''];
  for (const [k, r] of ref) {
    const e = relL2(a.get(k) ?? new Float32Array(r.length), r);
    if (!(e <= worst)) [worst, name] = [e, k];
  }
  return { worst, name };
}

export interface Profile {
  totalMs: number;
  /** Summed ms per kernel, largest first. */
  byKernel: [string, number][];
  /** The slowest single dispatches (`op#id/kernel`). */
  top: [string, number][];
}

/** One profiled run of a step (each dispatch submitted alone and awaited). */
export async function profileStep(step: Step): Promise<Profile> {
  const list = await step.profile();
  const byKernel = new Map<string, number>();
  for (const { label, ms } of list) {
    const kernel = label.slice(label.lastIndexOf('/') + 1);
    byKernel.set(kernel, (byKernel.get(kernel) ?? 0) + ms);
  }
  const round = ([k, ms]: [string, number]): [string, number] => [k, Number(ms.toFixed(1))];
  const top = list.map((d): [string, number] => [d.label, d.ms]).sort((a, b) => b[1] - a[1]);
  return {
    totalMs: Number(list.reduce((a, d) => a + d.ms, 0).toFixed(1)),
    byKernel: [...byKernel].sort((a, b) => b[1] - a[1]).map(round),
    top: top.slice(0, 6).map(round),
  };
}
