// The example page's sample input (demos/fno-example): one Navier-Stokes trajectory from
// `wgno ns-generate`, records 1..10 as the FNO's input [1, 10, s, s] and record 11 as the target
// [1, 1, s, s], both .npy. Reproduce (after npm ci, which builds dist/):
//   npx wgno ns-generate --n 1 --res 32 --solver-res 32 --t 11 --dt 1e-3 --seed 2026 --out ns.safetensors
//   node tools/make_example_input.mjs ns.safetensors demos/fno-example
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors, writeNpy } from '../dist/wgno.js';

const [src, outDir] = process.argv.slice(2);
const u = readSafetensors(readFileSync(src)).get('u'); // [n, s, s, T], record k at time k + 1
const [, s, , T] = u.shape;
const records = (first, count) => {
  const out = new Float32Array(count * s * s);
  for (let t = 0; t < count; t++)
    for (let p = 0; p < s * s; p++) out[t * s * s + p] = u.data[p * T + first + t];
  return { dtype: 'f32', shape: [1, count, s, s], data: out };
};
writeFileSync(join(outDir, 'sample_input.npy'), writeNpy(records(0, 10)));
writeFileSync(join(outDir, 'sample_target.npy'), writeNpy(records(10, 1)));
console.log(`wrote ${outDir}/sample_input.npy [1, 10, ${s}, ${s}] and sample_target.npy`);
