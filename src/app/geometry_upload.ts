/**
 * The geometry page's point-cloud files: CSV lines `x,y` or `x,y,f` (an optional header line of
 * names), or JSON (`[[x, y], ...]`, `[[x, y, f], ...]`, `[{ "x": .., "y": .., "f": .. }, ...]` or
 * `{ "points": [[x, y], ...], "f": [...] }`). Points must lie in the unit square, the problem's
 * domain; f is optional but then given for every point. Every malformed file gets a one-line
 * WgnoError that says where and what is valid.
 */
import { WgnoError } from '../errors';

const OP = 'point cloud file';
/** Bounds on the number of points the page takes (the model runs them in one batch). */
export const MIN_POINTS = 3;
export const MAX_POINTS = 4096;

/** A parsed cloud: (x, y) pairs in [0, 1]^2, and the source at each point when the file gave it. */
export interface UploadedCloud {
  points: Float32Array;
  f: Float32Array | null;
}

/** Rows of 2 or 3 numbers, checked and packed. */
function pack(rows: number[][], where: (i: number) => string): UploadedCloud {
  if (rows.length < MIN_POINTS || rows.length > MAX_POINTS)
    throw new WgnoError(OP, `${rows.length} points; the page takes ${MIN_POINTS} to ${MAX_POINTS}`);
  const width = rows[0].length;
  const points = new Float32Array(2 * rows.length);
  const f = width === 3 ? new Float32Array(rows.length) : null;
  rows.forEach((r, i) => {
    if (r.length !== width)
      throw new WgnoError(
        OP,
        `${where(i)} has ${r.length} values, the first has ${width}; give x,y or x,y,f on every line`,
      );
    if (!r.every(Number.isFinite))
      throw new WgnoError(OP, `${where(i)}: values must be finite numbers`);
    const [x, y] = r;
    if (x < 0 || x > 1 || y < 0 || y > 1)
      throw new WgnoError(
        OP,
        `${where(i)}: point (${x}, ${y}) is outside the unit square [0, 1]^2`,
      );
    points.set([x, y], 2 * i);
    if (f) f[i] = r[2];
  });
  return { points, f };
}

function parseCsv(text: string): UploadedCloud {
  const lines = text
    .split(/\r?\n/)
    .map((l, k) => ({ l: l.trim(), k: k + 1 }))
    .filter(({ l }) => l !== '' && !l.startsWith('#'));
  if (lines.length > 0 && /^[a-z_]/i.test(lines[0].l)) lines.shift(); // a header of names
  const rows = lines.map(({ l, k }) => {
    const cells = l.split(/[,;\s]+/);
    if (
      cells.length < 2 ||
      cells.length > 3 ||
      cells.some((c) => c === '' || Number.isNaN(Number(c)))
    )
      throw new WgnoError(
        OP,
        `line ${k}: "${l.slice(0, 40)}" is not x,y or x,y,f (2 or 3 numbers)`,
      );
    return cells.map(Number);
  });
  return pack(rows, (i) => `line ${lines[i].k}`);
}

function row(v: unknown, i: number): number[] {
  if (Array.isArray(v) && v.every((c) => typeof c === 'number')) return v as number[];
  if (v !== null && typeof v === 'object' && 'x' in v && 'y' in v) {
    const o = v as Record<string, unknown>;
    const r = 'f' in o ? [o.x, o.y, o.f] : [o.x, o.y];
    if (r.every((c) => typeof c === 'number')) return r as number[];
  }
  throw new WgnoError(
    OP,
    `point ${i}: ${JSON.stringify(v)?.slice(0, 40)} is not [x, y], [x, y, f] or {"x", "y", "f"?} numbers`,
  );
}

function parseJson(text: string): UploadedCloud {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new WgnoError(OP, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  let items: unknown[];
  let f: unknown = undefined;
  if (Array.isArray(data)) items = data;
  else if (
    data !== null &&
    typeof data === 'object' &&
    Array.isArray((data as { points?: unknown }).points)
  ) {
    items = (data as { points: unknown[] }).points;
    f = (data as { f?: unknown }).f;
  } else throw new WgnoError(OP, 'JSON must be a list of points or an object with a "points" list');
  const rows = items.map(row);
  if (f !== undefined) {
    if (!Array.isArray(f) || f.length !== rows.length || !f.every((v) => typeof v === 'number'))
      throw new WgnoError(OP, `"f" must be a list of ${rows.length} numbers, one per point`);
    rows.forEach((r, i) => (r[2] = f[i] as number));
  }
  return pack(rows, (i) => `point ${i}`);
}

/**
 * Parse an uploaded point cloud; JSON when the name ends in .json or the text starts with [ or {,
 * CSV otherwise.
 *
 * @example
 * parsePointCloud('x,y\n0.1,0.2\n0.5,0.5\n0.9,0.3', 'cloud.csv').points; // 6 numbers
 */
export function parsePointCloud(text: string, name = ''): UploadedCloud {
  const t = text.trim();
  if (t === '') throw new WgnoError(OP, `${name || 'the file'} is empty`);
  return name.toLowerCase().endsWith('.json') || t.startsWith('[') || t.startsWith('{')
    ? parseJson(t)
    : parseCsv(t);
}
