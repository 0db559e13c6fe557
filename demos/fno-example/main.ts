/**
 * An FNO on your own data in 20 lines of wgno: load the shipped Navier-Stokes model, read an .npy
 * of 10 vorticity snapshots [batch, 10, s, s] (any s: the FNO is resolution-free), predict the next
 * time unit on the GPU and draw it. In an app, import from 'wgno' instead of '../../src/index'.
 */
import { fieldImage, init, loadFNO, readNpy } from '../../src/index';
import { runPage, setState } from '../page';

const model = new URL('../../models/ns2d-fno-32/', document.baseURI);

function show(id: string, values: Float32Array, s: number): void {
  const canvas = document.getElementById(id) as HTMLCanvasElement;
  canvas.width = canvas.height = s;
  canvas.getContext('2d')!.putImageData(fieldImage(values, s, s, { range: 2 }), 0, 0);
}

void runPage(async () => {
  const rt = await init();
  const url = (file: string) => new URL(file, model).href;
  const { fno } = await loadFNO(rt, url('weights.safetensors'), url('config.json'));

  const predict = async (npy: ArrayBuffer) => {
    const x = readNpy(npy); // [batch, 10, s, s], oldest snapshot first
    const y = await fno.forward(rt.tensor(x.data, x.shape)).read(); // [batch, 1, s, s]
    const s = x.shape[3];
    show('input', Float32Array.from(x.data).subarray(9 * s * s, 10 * s * s), s);
    show('prediction', y, s);
    return y;
  };

  const file = document.querySelector<HTMLInputElement>('#file')!;
  file.onchange = () =>
    runPage(async () => {
      await predict(await file.files![0].arrayBuffer());
      setState('done', `Predicted from ${file.files![0].name}.`);
    });

  const y = await predict(await (await fetch('sample_input.npy')).arrayBuffer());
  const truth = readNpy(await (await fetch('sample_target.npy')).arrayBuffer()).data;
  const err = Math.hypot(...y.map((v, i) => v - truth[i])) / Math.hypot(...truth);
  setState('done', `Sample: relative L2 error against the solver ${err.toFixed(4)}.`);
});
