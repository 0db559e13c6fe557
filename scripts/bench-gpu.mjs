// `npm run bench:gpu [-- --quick] [-- --out FILE]`: GPU numbers in one JSON file
// (test-results/bench-gpu.json; schema in bench/gpu/report.ts) within 8 minutes.
//
// Why Node and not Chromium: on a headless GPU box Chromium needs a display-less GPU process,
// Vulkan/ANGLE flags that differ by driver, and falls back to SwiftShader silently when any is
// wrong; Node's `webgpu` package (Dawn) talks to the Vulkan driver directly, with nothing
// between. jax-js runs in the same process on Dawn (it is given a navigator.gpu), so its rows
// need no browser either. What this does not measure is Chromium's own overhead per submit.
//
// Steps: build bench/gpu/main.ts for Node with Vite (WGSL `?raw` imports and the kernel library's
// import.meta.glob are Vite features) into node_modules/.cache/wgno-bench-gpu/, then run it with
// a hard limit (a hung driver fails the run instead of holding the machine). The body writes the
// JSON after every row, and stops starting rows after its budget (--budget-s, default 420 s).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { repoRoot } from './run-util.mjs';

const LIMIT_MS = 8 * 60_000 - 20_000;
const outDir = join(repoRoot, 'node_modules', '.cache', 'wgno-bench-gpu');
const pack = process.argv.includes('--pack');
const t0 = performance.now();
await build({
  configFile: false,
  root: repoRoot,
  logLevel: 'warn',
  // Everything in one folder but Dawn's native addon, so the folder runs on a machine without
  // this checkout's node_modules (--pack adds the addon for this platform).
  ssr: { noExternal: true, external: ['webgpu'] },
  build: {
    ssr: join(repoRoot, 'bench', 'gpu', 'main.ts'),
    outDir,
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: { output: { entryFileNames: 'main.mjs' } },
  },
});
console.log(`[bench:gpu] built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
if (pack) {
  // The `webgpu` package with only this platform's Dawn (~21 MB for linux-x64, not 132 MB).
  const from = join(repoRoot, 'node_modules', 'webgpu');
  const to = join(outDir, 'node_modules', 'webgpu');
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  mkdirSync(join(to, 'dist'), { recursive: true });
  for (const f of ['index.js', 'package.json', 'LICENSE.md']) cpSync(join(from, f), join(to, f));
  cpSync(
    join(from, 'dist', `${process.platform}-${arch}`),
    join(to, 'dist', `${process.platform}-${arch}`),
    {
      recursive: true,
    },
  );
  console.log(
    `[bench:gpu] packed ${outDir}: run it with node ${join(outDir, 'main.mjs')} [options]`,
  );
  process.exit(0);
}

let commit = null;
try {
  commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot }).toString().trim();
} catch {
  // not a git checkout: the report says null
}
const args = process.argv.slice(2);
const child = spawn(process.execPath, [join(outDir, 'main.mjs'), ...args], {
  cwd: repoRoot,
  env: { ...process.env, ...(commit ? { WGNO_GIT_COMMIT: commit } : {}) },
  stdio: 'inherit',
});
const timer = setTimeout(
  () => {
    console.error(
      '[bench:gpu] still running after the time limit; killing it (the JSON keeps what was measured)',
    );
    child.kill('SIGKILL');
  },
  LIMIT_MS - (performance.now() - t0),
);
child.on('exit', (code, signal) => {
  clearTimeout(timer);
  process.exit(code ?? (signal ? 1 : 0));
});
