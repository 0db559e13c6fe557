import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/index';
import { PoissonModel, type PoissonModelFile } from '../../src/app/geometry_model';
import { GeometryScene } from '../../src/app/geometry_scene';

/** The page's model files, as the page fetches them. */
function files(dir: string): [PoissonModelFile, ArrayBuffer] {
  const cfg = JSON.parse(readFileSync(`models/${dir}/config.json`, 'utf8')) as PoissonModelFile;
  const w = readFileSync(`models/${dir}/weights.safetensors`);
  return [cfg, w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer];
}

const relL2 = (a: Float32Array, b: Float32Array) => {
  let [e, n] = [0, 0];
  a.forEach((v, k) => ((e += (v - b[k]) ** 2), (n += b[k] ** 2)));
  return Math.sqrt(e / n);
};

describe("PoissonModel (the geometry page's shipped models)", () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  it('runs both models on a new cloud; GINO beats the zero prediction', async () => {
    const scene = new GeometryScene();
    scene.randomCloud(200, 77);
    scene.randomSource(5);
    const ref = scene.referenceAtPoints();
    const points = Float32Array.from(scene.points);
    const f = scene.sourceAtPoints();
    const gino = await PoissonModel.load(rt, ...files('poisson-gino'));
    const u = await gino.predict(points, f);
    expect(u).toHaveLength(200);
    // Held-out median 0.51 at 256 points (models/poisson-gino/results.json); zero gives 1.
    expect(relL2(u, ref)).toBeLessThan(0.8);
    const gaot = await PoissonModel.load(rt, ...files('poisson-gaot'));
    const v = await gaot.predict(points, f);
    expect(v).toHaveLength(200);
    expect(v.every(Number.isFinite)).toBe(true);
    expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0);
    await expect(gino.predict(points, f.subarray(0, 10))).rejects.toThrow(
      /200 points but 10 source values/,
    );
  }, 600_000);

  it('rejects a config it cannot run', async () => {
    const [cfg, w] = files('poisson-gino');
    await expect(PoissonModel.load(rt, { ...cfg, model: 'FNO' as 'GINO' }, w)).rejects.toThrow(
      /'FNO'; the page runs 'GAOT' or 'GINO'/,
    );
    await expect(PoissonModel.load(rt, { ...cfg, uScale: 0 }, w)).rejects.toThrow(/fScale, uScale/);
  });
});
