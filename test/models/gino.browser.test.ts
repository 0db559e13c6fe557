import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import { sub } from '../../src/ops/binary';
import { mean, sum } from '../../src/ops/reduce';
import { square } from '../../src/ops/unary';
import { Adam } from '../../src/train/optim';
import { Rng } from '../../src/random';
import { GINO, type GINOConfig } from '../../src/models/gino';
import { relL2 } from '../util/compare';
import { ballNeighborhoods, expectErrors, expectNonZeroGrads } from '../nn/gno_block_fixtures';
import { GINO_FIXTURES, checkGinoFixture } from './gino-fixtures';

/** Latent points on [0, 1]^k (endpoints included), row-major over the grid axes. */
function gridPoints(shape: number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n * shape.length);
  for (let i = 0; i < n; i++) {
    let rest = i;
    for (let a = shape.length - 1; a >= 0; a--) {
      out[i * shape.length + a] = (rest % shape[a]) / (shape[a] - 1);
      rest = Math.floor(rest / shape[a]);
    }
  }
  return out;
}

const STEPS = 300;

const SMALL: GINOConfig = {
  inChannels: 2,
  outChannels: 3,
  gnoCoordDim: 2,
  inGnoRadius: 0.35,
  outGnoRadius: 0.35,
  fnoInChannels: 2,
  fnoNModes: [3, 4],
  fnoHiddenChannels: 4,
  fnoNLayers: 2,
  gnoEmbedChannels: 2,
  inGnoChannelMlpHiddenLayers: [8],
  outGnoChannelMlpHiddenLayers: [8],
  projectionChannelRatio: 2,
};

describe('GINO', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  for (const name of GINO_FIXTURES)
    it(`matches neuraloperator: ${name}`, async () =>
      expectErrors(name, await checkGinoFixture(rt, name), 20));

  /** A random 2-D problem for SMALL-like configs: geometry, neighbourhoods, x. */
  function problem(batch: number, nOut: number[], seed = 1) {
    const rng = new Rng(seed);
    const grid = [5, 6];
    const inputGeom = rng.uniforms(20 * 2, 0, 1);
    const latentQueries = gridPoints(grid);
    const inNeighbors = ballNeighborhoods(rt, inputGeom, latentQueries, 2, 0.35);
    const queries = nOut.map((n) => rng.uniforms(n * 2, 0, 1));
    const outNeighbors = queries.map((q) => ballNeighborhoods(rt, latentQueries, q, 2, 0.35));
    const x = rt.tensor(rng.normals(batch * 20 * 2), [batch, 20, 2], { requiresGrad: true });
    const destroy = () => [inNeighbors, ...outNeighbors].forEach((nb) => nb.destroy());
    /** The GINO inputs for query set k alone. */
    const single = (k = 0) => ({
      inputGeom,
      latentQueries,
      latentShape: grid,
      outputQueries: queries[k],
      x,
      inNeighbors,
      outNeighbors: outNeighbors[k],
    });
    return {
      grid,
      inputGeom,
      latentQueries,
      inNeighbors,
      queries,
      outNeighbors,
      x,
      destroy,
      single,
    };
  }

  it('gives [batch, nOut, out], per query set, and every parameter a gradient', async () => {
    const p = problem(3, [7, 4]);
    const gino = new GINO(rt, { ...SMALL, latentFeatureChannels: 1, outGnoTanh: 'both' });
    const common = {
      inputGeom: p.inputGeom,
      latentQueries: p.latentQueries,
      latentShape: p.grid,
      x: p.x,
      latentFeatures: rt.tensor(new Rng(2).normals(30), [1, 5, 6, 1]),
      inNeighbors: p.inNeighbors,
    };
    const outs = gino.forward({
      ...common,
      outputQueries: { a: p.queries[0], b: p.queries[1] },
      outNeighbors: { a: p.outNeighbors[0], b: p.outNeighbors[1] },
    });
    expect(outs.a.shape).toEqual([3, 7, 3]);
    expect(outs.b.shape).toEqual([3, 4, 3]);
    const single = gino.forward({
      ...common,
      outputQueries: p.queries[1],
      outNeighbors: p.outNeighbors[1],
    });
    expect(relL2(await single.read(), await outs.b.read())).toBe(0);
    sum(outs.a).backward();
    await expectNonZeroGrads(rt, [...gino.namedParameters(), ['x', p.x]]);
    p.destroy();
  });

  it('runs the same weights on a finer latent grid', async () => {
    const p = problem(1, [7]);
    const gino = new GINO(rt, SMALL);
    const latentQueries = gridPoints([10, 12]);
    const inNeighbors = ballNeighborhoods(rt, p.inputGeom, latentQueries, 2, 0.35);
    const outNeighbors = ballNeighborhoods(rt, latentQueries, p.queries[0], 2, 0.35);
    const out = gino.forward({
      inputGeom: p.inputGeom,
      latentQueries,
      latentShape: [10, 12],
      outputQueries: p.queries[0],
      x: p.x,
      inNeighbors,
      outNeighbors,
    });
    expect(out.shape).toEqual([1, 7, 3]);
    expect((await out.read()).every(Number.isFinite)).toBe(true);
    [inNeighbors, outNeighbors].forEach((nb) => nb.destroy());
    p.destroy();
  });

  it('takes coordinates as tensors: the same output, and gradients reach the query points', async () => {
    const p = problem(2, [7]);
    const gino = new GINO(rt, SMALL); // gnoEmbedChannels 2: the sinusoidal embedding on the GPU
    const base = {
      ...p.single(),
      inputGeom: rt.tensor(p.inputGeom, [20, 2]),
      latentQueries: rt.tensor(p.latentQueries, [30, 2]),
    };
    const loss = async (q: Float32Array) =>
      (await sum(gino.forward({ ...base, outputQueries: rt.tensor(q, [7, 2]) })).read())[0];
    const host = gino.forward(p.single());
    const q = rt.tensor(p.queries[0], [7, 2], { requiresGrad: true });
    const out = gino.forward({ ...base, outputQueries: q });
    expect(relL2(await out.read(), await host.read())).toBeLessThan(1e-5);
    sum(out).backward();
    const grad = await q.grad!.read();
    // Central difference along a random direction (same neighbourhoods, so the loss is smooth).
    const dir = new Rng(3).normals(14);
    const eps = 1e-3;
    const shifted = (s: number) => p.queries[0].map((v, i) => v + s * eps * dir[i]);
    const fd = ((await loss(shifted(1))) - (await loss(shifted(-1)))) / (2 * eps);
    const analytic = grad.reduce((a, g, i) => a + g * dir[i], 0);
    expect(Math.abs(fd - analytic)).toBeLessThan(2e-2 * Math.abs(analytic)); // measured: 0.4%
    p.destroy();
  });

  it('overfits a smooth function at the query points', async () => {
    // u(q) = sin(pi x) cos(pi y) at 12 queries, from f = (x, y) on 20 input points.
    const p = problem(1, [12], 6);
    const gino = new GINO(rt, { ...SMALL, outChannels: 1, seed: 3 });
    const q = p.queries[0];
    const u = Float32Array.from(
      { length: 12 },
      (_, i) => Math.sin(Math.PI * q[2 * i]) * Math.cos(Math.PI * q[2 * i + 1]),
    );
    const out = gino.forward({
      inputGeom: p.inputGeom,
      latentQueries: p.latentQueries,
      latentShape: p.grid,
      outputQueries: q,
      x: rt.tensor(p.inputGeom, [1, 20, 2]),
      inNeighbors: p.inNeighbors,
      outNeighbors: p.outNeighbors[0],
    });
    const loss = mean(square(sub(out, rt.tensor(u, [1, 12, 1]))));
    loss.backward();
    const step = await rt.compile({
      outputs: [loss],
      updates: [new Adam(gino.parameters(), { lr: 0.01 })],
    });
    step.run();
    const first = (await loss.read())[0];
    for (let i = 1; i < STEPS; i++) step.run();
    const last = (await loss.read())[0];
    console.log(`GINO overfit: loss ${first.toExponential(2)} -> ${last.toExponential(2)}`);
    expect(first).toBeGreaterThan(0.02);
    expect(last).toBeLessThan(1e-3 * first);
    step.destroy();
    p.destroy();
  });

  it('runs a 1-D latent grid without an input function (kernel only), batch 1', async () => {
    const rng = new Rng(4);
    const inputGeom = rng.uniforms(9, 0, 1);
    const latentQueries = gridPoints([8]);
    const outputQueries = rng.uniforms(5, 0, 1);
    const inNeighbors = ballNeighborhoods(rt, inputGeom, latentQueries, 1, 0.2);
    const outNeighbors = ballNeighborhoods(rt, latentQueries, outputQueries, 1, 0.2);
    const gino = new GINO(rt, {
      ...SMALL,
      gnoCoordDim: 1,
      fnoNModes: [4],
      inGnoPosEmbedType: 'nerf',
      outGnoPosEmbedType: null,
    });
    const out = gino.forward({
      inputGeom,
      latentQueries,
      latentShape: [8],
      outputQueries,
      inNeighbors,
      outNeighbors,
    });
    expect(out.shape).toEqual([1, 5, 3]);
    expect((await out.read()).every(Number.isFinite)).toBe(true);
    inNeighbors.destroy();
    outNeighbors.destroy();
  });

  it('loads its own state_dict back (neuraloperator names) and gives the same output', async () => {
    const p = problem(2, [6]);
    const a = new GINO(rt, { ...SMALL, seed: 1 });
    const b = new GINO(rt, { ...SMALL, seed: 2 });
    const run = (m: GINO) => m.forward(p.single());
    const [ya, yb] = [await run(a).read(), await run(b).read()];
    expect(relL2(yb, ya)).toBeGreaterThan(0.01);
    b.loadStateDict(await a.stateDict());
    expect(relL2(await run(b).read(), ya)).toBe(0);
    const names = a.namedParameters().map(([k]) => k);
    for (const k of [
      'gno_in.integral_transform.channel_mlp.fcs.0.weight',
      'lifting.fcs.1.weight',
      'fno_blocks.convs.1.weight.tensor',
      'fno_blocks.channel_mlp_skips.0.weight',
      'gno_out.integral_transform.channel_mlp.fcs.1.bias',
      'projection.fcs.1.bias',
    ])
      expect(names).toContain(k);
    p.destroy();
  });

  it('rejects bad configurations and inputs with clear errors', () => {
    expect(() => new GINO(rt, { ...SMALL, fnoNorm: 'ada_in' } as GINOConfig)).toThrow(
      /GINO: unknown config key 'fnoNorm'/,
    );
    expect(() => new GINO(rt, { ...SMALL, fnoNModes: [2, 2, 2, 2] })).toThrow(
      /fnoNModes must list 1 to 3 mode counts/,
    );
    expect(() => new GINO(rt, { ...SMALL, inGnoRadius: -1 })).toThrow(
      /inGnoRadius must be a finite number > 0, got -1/,
    );
    expect(() => new GINO(rt, { ...SMALL, fnoHiddenChannels: 2.5 })).toThrow(
      /fnoHiddenChannels must be an integer >= 1, got 2.5/,
    );
    const p = problem(2, [5]);
    const gino = new GINO(rt, SMALL);
    const inputs = p.single();
    expect(() => gino.forward({ ...inputs, latentShape: [30] })).toThrow(
      /latentShape \[30\] must list 2 grid sizes/,
    );
    expect(() => gino.forward({ ...inputs, latentShape: [6, 6] })).toThrow(
      /inNeighbors has 30 queries but the latent grid \[6, 6\] has 36 points/,
    );
    expect(() => gino.forward({ ...inputs, x: rt.tensor(new Float32Array(60), [20, 3]) })).toThrow(
      /x \[20, 3\] must be \[batch, nIn, 2\]/,
    );
    expect(() =>
      gino.forward({ ...inputs, latentFeatures: rt.tensor(new Float32Array(30), [1, 5, 6, 1]) }),
    ).toThrow(/latentFeatures were given but latentFeatureChannels is not set/);
    // 3-D input points for a 2-D GINO: 40 values are not 20 points x 3.
    expect(() => gino.forward({ ...inputs, inputGeom: new Float32Array(60) })).toThrow(
      /y has 60 coordinates; expected 20 data points \(the neighbourhoods'\) x coordDim 2 = 40/,
    );
    expect(() =>
      gino.forward({ ...inputs, outputQueries: { a: p.queries[0] }, outNeighbors: {} }),
    ).toThrow(/outputQueries\['a'\] has no outNeighbors\['a'\]/);
    const lin = new GINO(rt, { ...SMALL, fnoInChannels: 3 });
    expect(() => lin.forward(inputs)).toThrow(
      /the input GNO \('linear'\) multiplies its kernel's 3 outputs \(fnoInChannels\) with x's 2 channels/,
    );
    const lf = new GINO(rt, { ...SMALL, latentFeatureChannels: 2 });
    expect(() =>
      lf.forward({ ...inputs, latentFeatures: rt.tensor(new Float32Array(60), [1, 6, 5, 2]) }),
    ).toThrow(/latentFeatures \[1, 6, 5, 2\] must be \[2 or 1, 5, 6, 2\]/);
    p.destroy();
  });
});
