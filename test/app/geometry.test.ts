import { describe, expect, it } from 'vitest';
import { Camera2D } from '../../src/app/geometry_camera';
import { GeometryScene } from '../../src/app/geometry_scene';
import { parsePointCloud } from '../../src/app/geometry_upload';
import { solveGaussianSource, interpolateGrid } from '../../src/pde/poisson';
import { expectWgnoError } from '../util/errors';

const OP = 'point cloud file';

describe('parsePointCloud', () => {
  it('reads CSV with or without a header and f, and the JSON forms', () => {
    const a = parsePointCloud('x,y\n0.1,0.2\n0.5,0.5\n\n0.9,0.3\n', 'a.csv');
    expect(Array.from(a.points)).toEqual([0.1, 0.2, 0.5, 0.5, 0.9, 0.3].map(Math.fround));
    expect(a.f).toBeNull();
    const b = parsePointCloud('0.1 0.2 5\n0.5;0.5;-1\n0.9,0.3,2', 'b.txt');
    expect(Array.from(b.f!)).toEqual([5, -1, 2]);
    const c = parsePointCloud('[[0.1,0.2,1],[0.5,0.5,2],[0.9,0.3,3]]', 'c.json');
    expect(Array.from(c.f!)).toEqual([1, 2, 3]);
    const d = parsePointCloud('[{"x":0.1,"y":0.2},{"x":0.5,"y":0.5},{"x":0.9,"y":0.3}]');
    expect(d.points.length).toBe(6);
    const e = parsePointCloud('{"points":[[0.1,0.2],[0.5,0.5],[0.9,0.3]],"f":[1,2,3]}');
    expect(Array.from(e.f!)).toEqual([1, 2, 3]);
  });

  it('names what is wrong in a malformed file', () => {
    expectWgnoError(() => parsePointCloud('', 'x.csv'), OP, /x.csv is empty/);
    expectWgnoError(
      () => parsePointCloud('0.1,0.2\n0.3,abc\n0.5,0.5'),
      OP,
      /line 2: "0.3,abc" is not x,y/,
    );
    expectWgnoError(
      () => parsePointCloud('0.1,0.2\n0.3,0.3,1\n0.5,0.5'),
      OP,
      /line 2 has 3 values, the first has 2/,
    );
    expectWgnoError(
      () => parsePointCloud('0.1,0.2\n1.5,0.3\n0.5,0.5'),
      OP,
      /line 2: point \(1.5, 0.3\) is outside the unit square/,
    );
    expectWgnoError(
      () => parsePointCloud('0.1,0.2\n0.5,0.5'),
      OP,
      /2 points; the page takes 3 to 4096/,
    );
    expectWgnoError(() => parsePointCloud('[[0.1,0.2],[0.3]', 'a.json'), OP, /not valid JSON/);
    expectWgnoError(() => parsePointCloud('[[0.1,0.2],"p",[0.5,0.5]]'), OP, /point 1: "p" is not/);
    expectWgnoError(() => parsePointCloud('{"pts":[]}'), OP, /"points" list/);
    expectWgnoError(
      () => parsePointCloud('{"points":[[0.1,0.2],[0.3,0.3],[0.5,0.5]],"f":[1]}'),
      OP,
      /"f" must be a list of 3 numbers/,
    );
  });
});

describe('Camera2D', () => {
  it('maps world to pixels and back, pans and zooms about the cursor', () => {
    const cam = new Camera2D(400, 200);
    const [px, py] = cam.toScreen(0.5, 0.5);
    expect([px, py]).toEqual([200, 100]);
    const w = cam.toWorld(37, 150);
    const back = cam.toScreen(w[0], w[1]);
    expect(back[0]).toBeCloseTo(37, 9);
    expect(back[1]).toBeCloseTo(150, 9);
    // y up: a point higher in the world is higher on screen (smaller py).
    expect(cam.toScreen(0.5, 0.6)[1]).toBeLessThan(100);
    const before = cam.toWorld(300, 40);
    cam.zoomAt(300, 40, 2.5);
    const after = cam.toWorld(300, 40);
    expect(after[0]).toBeCloseTo(before[0], 9);
    expect(after[1]).toBeCloseTo(before[1], 9);
    expect(cam.span).toBeCloseTo(1.15 / 2.5, 12);
    const [ax, ay] = cam.toScreen(0.2, 0.3);
    cam.pan(10, -5);
    const [bx, by] = cam.toScreen(0.2, 0.3);
    expect(bx - ax).toBeCloseTo(10, 9);
    expect(by - ay).toBeCloseTo(-5, 9);
  });
});

describe('GeometryScene', () => {
  it('gives the source and the finite-difference solution at its points', () => {
    const s = new GeometryScene();
    s.randomCloud(30, 2);
    s.bumps = [{ x: 0.3, y: 0.7, w: 0.1, a: 80 }];
    s.addPoint(0.3, 0.7);
    const f = s.sourceAtPoints();
    expect(f[30]).toBeCloseTo(80, 4);
    const u = s.referenceAtPoints();
    const grid = solveGaussianSource(s.bumps, 129);
    for (const q of [0, 13, 30])
      expect(u[q]).toBeCloseTo(interpolateGrid(grid, 129, s.points[2 * q], s.points[2 * q + 1]), 5);
    // Uploaded values: a new point takes the value of its nearest neighbour.
    s.points = [0.2, 0.2, 0.8, 0.8, 0.5, 0.5];
    s.uploadedF = [1, 2, 3];
    s.addPoint(0.75, 0.85);
    expect(Array.from(s.sourceAtPoints())).toEqual([1, 2, 3, 2]);
    expect(s.referenceAtPoints().every((v) => v > 0)).toBe(true);
  });
});
