/**
 * The geometry page's 2-D camera: a view of the plane (a centre and a visible width) as a
 * wgpu-matrix orthographic matrix from world (x, y) to clip space, with its inverse for picking.
 * Panning moves the centre by a screen displacement; zooming scales the visible width about the
 * cursor, so the world point under the cursor stays under it. Float64 matrices (mat4d): picking
 * after deep zooms stays exact to far below a pixel.
 */
import { mat4d as mat4, vec3d as vec3, type Mat4d as Mat4 } from 'wgpu-matrix';

/** Pan/zoom camera over the unit square; screen pixels have y down, world y is up. */
export class Camera2D {
  /** World point at the centre of the view. */
  center: [number, number] = [0.5, 0.5];
  /** World width shown across the canvas. */
  span = 1.15;
  private view: Mat4 = mat4.identity();
  private inverse: Mat4 = mat4.identity();

  constructor(
    /** Canvas size in pixels. */
    public width: number,
    public height: number,
  ) {
    this.update();
  }

  /** World to clip: orthographic over the visible rectangle. */
  get matrix(): Mat4 {
    return this.view;
  }

  /** Recompute the matrices after changing centre, span or size. */
  update(): void {
    const hw = this.span / 2;
    const hh = (hw * this.height) / this.width;
    const [cx, cy] = this.center;
    this.view = mat4.ortho(cx - hw, cx + hw, cy - hh, cy + hh, -1, 1);
    this.inverse = mat4.inverse(this.view);
  }

  /** Pixel (px, py) of a world point. */
  toScreen(x: number, y: number): [number, number] {
    const c = vec3.transformMat4([x, y, 0], this.view);
    return [((c[0] + 1) / 2) * this.width, ((1 - c[1]) / 2) * this.height];
  }

  /** World point under pixel (px, py). */
  toWorld(px: number, py: number): [number, number] {
    const w = vec3.transformMat4(
      [(2 * px) / this.width - 1, 1 - (2 * py) / this.height, 0],
      this.inverse,
    );
    return [w[0], w[1]];
  }

  /** Move the view so the scene follows a drag of (dx, dy) pixels. */
  pan(dx: number, dy: number): void {
    const perPixel = this.span / this.width;
    this.center = [this.center[0] - dx * perPixel, this.center[1] + dy * perPixel];
    this.update();
  }

  /** Zoom by `factor` (> 1 zooms in) keeping the world point under pixel (px, py) fixed. */
  zoomAt(px: number, py: number, factor: number): void {
    const [wx, wy] = this.toWorld(px, py);
    this.span = Math.min(Math.max(this.span / factor, 0.02), 20);
    this.update();
    const [ax, ay] = this.toWorld(px, py);
    this.center = [this.center[0] + wx - ax, this.center[1] + wy - ay];
    this.update();
  }

  /** Back to the whole unit square. */
  reset(): void {
    this.center = [0.5, 0.5];
    this.span = 1.15;
    this.update();
  }
}
