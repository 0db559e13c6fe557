import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, exp, type Runtime } from '../../src/index';
import { DIVERGING, FieldView, divergingColor } from '../../src/viz/field_view';

/** Renders `field` into a w x h rgba8unorm texture and reads the pixels back. */
async function renderPixels(
  rt: Runtime,
  view: FieldView,
  field: Parameters<FieldView['render']>[0],
  w: number,
  h: number,
  opts: { range: number; index?: number },
) {
  const tex = rt.device.createTexture({
    size: [w, h],
    format: 'rgba8unorm',
    usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
  });
  view.render(field, tex.createView(), opts);
  const bytesPerRow = 256;
  const buf = rt.device.createBuffer({
    size: bytesPerRow * h,
    usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
  });
  const enc = rt.device.createCommandEncoder();
  enc.copyTextureToBuffer({ texture: tex }, { buffer: buf, bytesPerRow }, [w, h]);
  rt.device.queue.submit([enc.finish()]);
  await buf.mapAsync(GPUMapMode.READ);
  const px = new Uint8Array(buf.getMappedRange().slice(0));
  buf.destroy();
  tex.destroy();
  return (x: number, y: number) => [
    ...px.subarray(y * bytesPerRow + 4 * x, y * bytesPerRow + 4 * x + 3),
  ];
}

const expected = (t: number) => divergingColor(t).map((c) => Math.round(c * 255));

describe('FieldView', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());

  it('colours each cell of a leaf by value / range (clamped), row 0 at the top', async () => {
    const view = await FieldView.create(rt, 'rgba8unorm');
    const values = [-3, -1, -0.5, 0, 0.25, 0.5, 1, 2];
    const field = rt.tensor(values, [2, 4]);
    const at = await renderPixels(rt, view, field, 8, 4, { range: 1 });
    for (let r = 0; r < 2; r++)
      for (let c = 0; c < 4; c++)
        for (const [dx, dy] of [
          [0, 0],
          [1, 1],
        ]) {
          const got = at(2 * c + dx, 2 * r + dy);
          const want = expected(values[r * 4 + c]);
          got.forEach((v, k) =>
            expect(Math.abs(v - want[k]), `cell (${r}, ${c})`).toBeLessThanOrEqual(1),
          );
        }
    expect(expected(-1)).toEqual(DIVERGING[0].map((c) => Math.round(c * 255)));
    view.destroy();
  });

  it('draws a computed tensor (one batch element) from its step buffer, with errors for bad input', async () => {
    const view = await FieldView.create(rt, 'rgba8unorm');
    const y = exp(rt.tensor([0, 0, 0, 0, -10, -10, -10, -10], [2, 2, 2])); // [1,1,1,1, ~0 x4]
    expect(() =>
      view.render(
        y,
        rt.device
          .createTexture({
            size: [1, 1],
            format: 'rgba8unorm',
            usage: GPUTextureUsage.RENDER_ATTACHMENT,
          })
          .createView(),
        { range: 1 },
      ),
    ).toThrow(/gpuBuffer: tensor \[2, 2, 2\] \('exp'\) has not been computed/);
    await y.read();
    const at = await renderPixels(rt, view, y, 2, 2, { range: 2, index: 1 });
    const want = expected(Math.exp(-10) / 2);
    at(1, 1).forEach((v, k) => expect(Math.abs(v - want[k])).toBeLessThanOrEqual(1));
    const t = rt.device.createTexture({
      size: [1, 1],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.RENDER_ATTACHMENT,
    });
    expect(() => view.render(y, t.createView(), { range: 0 })).toThrow(
      /range = 0; need a finite value > 0/,
    );
    expect(() => view.render(y, t.createView(), { range: 1, index: 2 })).toThrow(
      /need f32 \[\.\.\., n0, n1\] with 0 <= index < 2/,
    );
    view.destroy();
  });
});
