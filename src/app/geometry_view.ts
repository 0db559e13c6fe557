/**
 * Drawing for the geometry page: a point cloud coloured by a field (the diverging map of
 * src/viz, symmetric range), the unit square's outline, the source's Gaussian centres, and colour
 * bars. Canvas 2-D; positions go through the shared `Camera2D`, so every panel pans and zooms
 * together.
 */
import { divergingColor } from '../viz/field_view';
import type { Camera2D } from './geometry_camera';

const css = (t: number) => {
  const [r, g, b] = divergingColor(t);
  return `rgb(${Math.round(255 * r)}, ${Math.round(255 * g)}, ${Math.round(255 * b)})`;
};

/** What one panel shows. */
export interface PanelData {
  points: Float32Array;
  /** One value per point, or null while there is none yet. */
  values: Float32Array | null;
  /** Values at +-range get the ends of the colour map. */
  range: number;
  /** Source centres to mark: (x, y, sign). */
  marks: readonly { x: number; y: number; a: number }[];
}

/** Draw a panel: background, the unit square, coloured points (grey without values), marks. */
export function drawPanel(canvas: HTMLCanvasElement, cam: Camera2D, d: PanelData): void {
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#fafafa';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const [x0, y0] = cam.toScreen(0, 1);
  const [x1, y1] = cam.toScreen(1, 0);
  ctx.strokeStyle = '#888';
  ctx.lineWidth = 1;
  ctx.strokeRect(x0, y0, x1 - x0, y1 - y0);
  const r = Math.max(2, Math.min(9, (120 / Math.sqrt(d.points.length)) * (1.15 / cam.span)));
  for (let q = 0; q < d.points.length / 2; q++) {
    const [px, py] = cam.toScreen(d.points[2 * q], d.points[2 * q + 1]);
    ctx.fillStyle = d.values ? css(d.values[q] / d.range) : '#bbb';
    ctx.beginPath();
    ctx.arc(px, py, r, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.font = 'bold 28px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (const m of d.marks) {
    const [px, py] = cam.toScreen(m.x, m.y);
    ctx.fillStyle = '#000';
    ctx.fillText(m.a > 0 ? '+' : '\u2212', px, py);
  }
}

/** A horizontal colour bar from -range to +range with its end and middle values. */
export function drawColorBar(canvas: HTMLCanvasElement, range: number, label: string): void {
  const ctx = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  ctx.clearRect(0, 0, w, h);
  const bar = h - 32; // canvases are drawn at twice their CSS size
  for (let px = 0; px < w; px++) {
    ctx.fillStyle = css((2 * px) / (w - 1) - 1);
    ctx.fillRect(px, 0, 1, bar);
  }
  ctx.fillStyle = getComputedStyle(canvas).color || '#000';
  ctx.font = '24px system-ui, sans-serif';
  ctx.textBaseline = 'bottom';
  const fmt = (v: number) => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(3) : v.toExponential(1));
  ctx.textAlign = 'left';
  ctx.fillText(fmt(-range), 0, h);
  ctx.textAlign = 'center';
  ctx.fillText(`0 (${label})`, w / 2, h);
  ctx.textAlign = 'right';
  ctx.fillText(fmt(range), w, h);
}
