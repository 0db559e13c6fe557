/**
 * wgno's GNOBlock against PyTorch fixtures (tools/fixtures/make_gino_fixtures.py, a transcription
 * of neuraloperator 2.x GNOBlock + SinusoidalEmbedding, float64 references stored as float32): the
 * output and the gradients of loss = sum(out * cot) w.r.t. every parameter and input.
 */
import { expect } from 'vitest';
import type { Runtime } from '../../src/runtime/runtime';
import type { Tensor } from '../../src/graph/tensor';
import type { HostTensor } from '../../src/io/host_tensor';
import { mul } from '../../src/ops/binary';
import { sum } from '../../src/ops/reduce';
import { parseSafetensors } from '../../src/io/safetensors';
import { neighborhoods, type Neighborhoods } from '../../src/geometry/relations';
import { GNOBlock, type GNOBlockConfig } from '../../src/nn/gno_block';
import { relL2 } from '../util/compare';
import { loadFixture } from '../util/fixtures';

export const BLOCK_FIXTURES = [
  'block_transformer_linear',
  'block_nerf_nonlinear_mean',
  'block_raw_nonlinear_kernelonly',
  'block_3d_kernel_only',
];

/** The fixture's tensors, a getter that fails on a missing key, and its metadata. */
export async function openFixture(name: string) {
  const { tensors, metadata } = parseSafetensors(await loadFixture(`gino/${name}.safetensors`));
  const get = (k: string): HostTensor => {
    const t = tensors.get(k);
    if (!t) throw new Error(`${name}: fixture has no ${k}`);
    return t;
  };
  return { tensors, metadata, get };
}

/** The parameters' entries of a fixture (everything but inputs, CSR, grads and __*__). */
export function stateDictOf(tensors: Map<string, HostTensor>, inputs: string[]) {
  return new Map(
    [...tensors].filter(
      ([k]) =>
        !k.startsWith('grad.') &&
        !k.startsWith('__') &&
        !k.includes('neighbors_') &&
        !inputs.includes(k),
    ),
  );
}

export function csrOf(
  rt: Runtime,
  get: (k: string) => HostTensor,
  prefix: string,
  nPoints: number,
) {
  return neighborhoods(rt, {
    rowSplits: get(`${prefix}_row_splits`).data,
    index: get(`${prefix}_index`).data,
    nPoints,
  });
}

/** Relative L2 errors of the output and of every gradient against the fixture's. */
export async function compareAll(
  rt: Runtime,
  out: Tensor,
  named: [string, Tensor][],
  get: (k: string) => HostTensor,
): Promise<Record<string, number>> {
  const cot = get('__cot__');
  sum(mul(out, rt.tensor(cot.data, cot.shape))).backward();
  for (const [k, t] of named) if (!t.grad) throw new Error(`${k} received no gradient`);
  await rt.evaluate([out, ...named.map(([, t]) => t.grad!)]);
  expect([...out.shape]).toEqual(get('__output__').shape);
  const errors: Record<string, number> = {
    output: relL2(await out.read(), get('__output__').data),
  };
  for (const [k, t] of named)
    errors[`grad.${k}`] = relL2(await t.grad!.read(), get(`grad.${k}`).data);
  return errors;
}

export async function checkBlockFixture(
  rt: Runtime,
  name: string,
): Promise<Record<string, number>> {
  const { tensors, metadata, get } = await openFixture(name);
  const cfg = JSON.parse(metadata.config) as GNOBlockConfig;
  const block = new GNOBlock(rt, cfg);
  const layers = JSON.parse(metadata.channel_mlp_layers) as number[];
  expect(block.integralTransform.channelMlp.layers, `${name}: kernel widths`).toEqual(layers);
  block.loadStateDict(stateDictOf(tensors, ['x', 'y', 'f_y']));
  const raw = cfg.posEmbeddingType === null;
  const leaf = (k: string) =>
    rt.tensor(get(k).data, get(k).shape, { requiresGrad: true, label: k });
  const y = raw ? leaf('y') : get('y').data;
  const x = raw ? leaf('x') : get('x').data;
  const fY = tensors.has('f_y') ? leaf('f_y') : undefined;
  let nb: Neighborhoods | undefined;
  try {
    nb = csrOf(rt, get, 'neighbors', get('y').shape[0]);
    const out = block.forward({ y, x, fY, neighbors: nb });
    const named: [string, Tensor][] = [...block.namedParameters()];
    if (fY) named.push(['f_y', fY]);
    if (raw) named.push(['y', y as Tensor], ['x', x as Tensor]);
    return await compareAll(rt, out, named, get);
  } finally {
    nb?.destroy();
  }
}

export function expectErrors(name: string, errors: Record<string, number>, min = 4): void {
  expect(Object.keys(errors).length, `${name}: gradients checked`).toBeGreaterThan(min);
  for (const [k, e] of Object.entries(errors))
    expect(e, `${name}: ${k} relative L2`).toBeLessThanOrEqual(k === 'output' ? 1e-5 : 1e-4);
}

/** CPU brute-force ball search: CSR of |x_i - y_j| <= r (inclusive), neighbours ascending in j. */
export function ballNeighbors(
  y: ArrayLike<number>,
  x: ArrayLike<number>,
  d: number,
  r: number,
): { rowSplits: number[]; index: number[] } {
  const [rowSplits, index] = [[0], [] as number[]];
  for (let i = 0; i < x.length / d; i++) {
    for (let j = 0; j < y.length / d; j++) {
      let s = 0;
      for (let a = 0; a < d; a++) s += (x[i * d + a] - y[j * d + a]) ** 2;
      if (Math.sqrt(s) <= r) index.push(j);
    }
    rowSplits.push(index.length);
  }
  return { rowSplits, index };
}

/** ballNeighbors uploaded as Neighborhoods over the points y. */
export function ballNeighborhoods(
  rt: Runtime,
  y: ArrayLike<number>,
  x: ArrayLike<number>,
  d: number,
  r: number,
): Neighborhoods {
  return neighborhoods(rt, { ...ballNeighbors(y, x, d, r), nPoints: y.length / d });
}

/** Every listed tensor's gradient has a non-zero entry (reads them all in one step). */
export async function expectNonZeroGrads(rt: Runtime, named: [string, Tensor][]): Promise<void> {
  for (const [k, t] of named) expect(t.grad, `${k}: gradient`).toBeTruthy();
  await rt.evaluate(named.map(([, t]) => t.grad!));
  for (const [k, t] of named) {
    const g = await t.grad!.read();
    expect(
      g.some((v) => v !== 0),
      `${k}: non-zero gradient`,
    ).toBe(true);
    expect(
      g.every((v) => Number.isFinite(v)),
      `${k}: finite gradient`,
    ).toBe(true);
  }
}
