// Sliding windows of tIn + 1 consecutive records: u [n, s, s, T] -> [count * (T - tIn), s, s, tIn + 1]
// for trajectories first..first+count-1, so `wgno train` with tOut 1 trains one-step prediction on
// every window.  Usage: node windows.mjs IN OUT tIn first count   (after npm ci, which builds dist/)
import { readFileSync, writeFileSync } from 'node:fs';
import { readSafetensors, writeSafetensors } from '../../dist/wgno.js';
const [src, dst, tInStr, firstStr, countStr] = process.argv.slice(2);
const tIn = Number(tInStr);
const u = readSafetensors(readFileSync(src)).get('u');
const [, s, , T] = u.shape;
const first = Number(firstStr),
  count = Number(countStr);
const per = T - tIn;
const out = new Float32Array(count * per * s * s * (tIn + 1));
let k = 0;
for (let b = first; b < first + count; b++)
  for (let t0 = 0; t0 < per; t0++, k++)
    for (let p = 0; p < s * s; p++)
      for (let t = 0; t <= tIn; t++)
        out[(k * s * s + p) * (tIn + 1) + t] = u.data[(b * s * s + p) * T + t0 + t];
writeFileSync(
  dst,
  writeSafetensors(
    { u: { dtype: 'f32', shape: [count * per, s, s, tIn + 1], data: out } },
    { source: src, windows: `trajectories ${first}..${first + count - 1}, ${per} windows each` },
  ),
);
console.log(`wrote ${dst}: [${count * per}, ${s}, ${s}, ${tIn + 1}]`);
