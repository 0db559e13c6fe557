/**
 * Geometry page: a point-cloud operator trained on the Poisson benchmark (models/poisson-gaot or poisson-gino,
 * tools/experiments/gaot_poisson.mjs) runs on the cloud the user draws or uploads, beside the
 * finite-difference solution and the error. URL parameters: model (folder under models/, default
 * poisson-gino: the GAOT weights shipped so far are barely trained, docs/gaot.md), points (initial cloud size, default 400), seed (initial source).
 * The page's state for tests is window.wgnoGeometry.
 */
import { init } from '../../src/index';
import { Camera2D } from '../../src/app/geometry_camera';
import { PoissonModel, type PoissonModelFile } from '../../src/app/geometry_model';
import { GeometryScene } from '../../src/app/geometry_scene';
import { MAX_POINTS, parsePointCloud } from '../../src/app/geometry_upload';
import { drawColorBar, drawPanel } from '../../src/app/geometry_view';
import { runPage, setState } from '../page';

const q = new URLSearchParams(location.search);
const MODEL_DIR = q.get('model') ?? 'poisson-gino';
const INITIAL_POINTS = Number(q.get('points') ?? 400);
let seed = Number(q.get('seed') ?? 1);

const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const panels = ['pred', 'ref', 'err'].map((id) => el<HTMLCanvasElement>(id));
const cam = new Camera2D(panels[0].width, panels[0].height);
const scene = new GeometryScene();

/** What tests read: the cloud, the last prediction and its error. */
const page = {
  points: 0,
  runs: 0,
  prediction: [] as number[],
  relL2: NaN,
  model: '',
};
(window as unknown as { wgnoGeometry: typeof page }).wgnoGeometry = page;

let shown: { pred: Float32Array | null; ref: Float32Array; err: Float32Array | null } | null = null;

function redraw(): void {
  const points = Float32Array.from(scene.points);
  const ref = shown?.ref ?? scene.referenceAtPoints();
  const range = Math.max(1e-6, ...ref.map(Math.abs));
  const err = shown?.err ?? null;
  const errRange = Math.max(1e-6, ...(err ?? []).map(Math.abs));
  const marks = scene.uploadedF ? [] : scene.bumps;
  drawPanel(panels[0], cam, { points, values: shown?.pred ?? null, range, marks });
  drawPanel(panels[1], cam, { points, values: ref, range, marks });
  drawPanel(panels[2], cam, { points, values: err, range: errRange, marks });
  drawColorBar(el('bar-u'), range, 'u');
  drawColorBar(el('bar-err'), errRange, 'error');
}

let model: PoissonModel | null = null;
let dirty = true;
let busy = false;

/** Predict for the current scene unless a prediction is running; loops while changes come in. */
async function refresh(): Promise<void> {
  if (busy || !model) return;
  busy = true;
  try {
    while (dirty) {
      dirty = false;
      const points = Float32Array.from(scene.points);
      const ref = scene.referenceAtPoints();
      shown = { pred: null, ref, err: null };
      redraw();
      if (points.length < 2) continue;
      setState('loading', `Predicting u at ${points.length / 2} points...`);
      const pred = await model.predict(points, scene.sourceAtPoints());
      if (dirty) continue;
      const err = pred.map((v, k) => v - ref[k]);
      const norm = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
      Object.assign(page, {
        points: points.length / 2,
        runs: page.runs + 1,
        prediction: Array.from(pred),
        relL2: norm(err) / norm(ref),
      });
      shown = { pred, ref, err };
      redraw();
      el('err-caption').textContent =
        `model \u2212 finite differences (relative L2 ${page.relL2.toFixed(3)})`;
      setState(
        'done',
        `${page.model} on ${page.points} points: relative L2 error ${page.relL2.toFixed(3)}.`,
      );
    }
  } finally {
    busy = false;
  }
}

function changed(): void {
  dirty = true;
  void refresh().catch((e) =>
    setState('error', `Error: ${e instanceof Error ? e.message : String(e)}`),
  );
}

/** Clicks and drags add points or sources; shift-drag or the right button pans; the wheel zooms. */
function bindPointer(canvas: HTMLCanvasElement): void {
  const toCanvas = (e: PointerEvent | WheelEvent) => {
    const r = canvas.getBoundingClientRect();
    return [
      ((e.clientX - r.left) * canvas.width) / r.width,
      ((e.clientY - r.top) * canvas.height) / r.height,
    ];
  };
  let drag: { panning: boolean; last: number[] } | null = null;
  const add = (e: PointerEvent) => {
    const [x, y] = cam.toWorld(...(toCanvas(e) as [number, number]));
    if (x < 0 || x > 1 || y < 0 || y > 1 || scene.points.length / 2 >= MAX_POINTS) return;
    const mode = el<HTMLSelectElement>('mode').value;
    if (mode === 'points') scene.addPoint(x, y);
    else if (e.type === 'pointerdown') scene.addBump(x, y, mode === 'plus' ? 1 : -1);
    else return;
    changed();
  };
  canvas.addEventListener('contextmenu', (e) => e.preventDefault());
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    drag = { panning: e.shiftKey || e.button !== 0, last: toCanvas(e) };
    if (!drag.panning) add(e);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const p = toCanvas(e);
    if (drag.panning) {
      cam.pan(p[0] - drag.last[0], p[1] - drag.last[1]);
      redraw();
      drag.last = p;
    } else if (Math.hypot(p[0] - drag.last[0], p[1] - drag.last[1]) > 12) {
      drag.last = p;
      add(e);
    }
  });
  canvas.addEventListener('pointerup', () => (drag = null));
  canvas.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      cam.zoomAt(...(toCanvas(e) as [number, number]), Math.exp(-e.deltaY / 500));
      redraw();
    },
    { passive: false },
  );
}

function bindControls(): void {
  el('random-source').onclick = () => (scene.randomSource(++seed), changed());
  el('random-cloud').onclick = () => (scene.randomCloud(INITIAL_POINTS, 1000 + ++seed), changed());
  el('clear').onclick = () => (
    (scene.points = []),
    scene.uploadedF && (scene.uploadedF = []),
    changed()
  );
  el('reset-view').onclick = () => (cam.reset(), redraw());
  const upload = el<HTMLInputElement>('upload');
  const error = el('upload-error');
  upload.onchange = async () => {
    const file = upload.files?.[0];
    if (!file) return;
    try {
      const cloud = parsePointCloud(await file.text(), file.name);
      error.hidden = true;
      scene.points = Array.from(cloud.points);
      scene.uploadedF = cloud.f ? Array.from(cloud.f) : null;
      changed();
    } catch (e) {
      error.textContent = e instanceof Error ? e.message : String(e);
      error.hidden = false;
    } finally {
      upload.value = '';
    }
  };
}

void runPage(async () => {
  setState('loading', 'Loading the model...');
  const rt = await init();
  const dir = new URL(`../../models/${MODEL_DIR}/`, document.baseURI);
  const get = async (name: string) => {
    const r = await fetch(new URL(name, dir));
    if (!r.ok) throw new Error(`could not load models/${MODEL_DIR}/${name} (HTTP ${r.status})`);
    return r;
  };
  const file = (await (await get('config.json')).json()) as PoissonModelFile;
  model = await PoissonModel.load(rt, file, await (await get('weights.safetensors')).arrayBuffer());
  page.model = file.model;
  el('pred-caption').textContent = `${file.model} (${file.parameters ?? '?'} parameters)`;
  scene.randomCloud(INITIAL_POINTS, 1000);
  scene.randomSource(seed);
  panels.forEach(bindPointer);
  bindControls();
  changed();
});
