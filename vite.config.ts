import { resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { defineConfig, type Plugin, type ViteUserConfig as UserConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';

// Chromium flags for headless WebGPU on a GPU-less box (SwiftShader, a CPU Vulkan, ships with
// Debian's chromium). Each one was checked: without --enable-unsafe-webgpu navigator.gpu is
// missing on Linux; the networking/sync flags stop Chromium from flooding a closed network.
export const chromiumArgs = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const root = import.meta.dirname;

// `npm run demo`: the dev server serves the repo root (so demos can import ../src and ../kernels
// directly); `/` redirects to the live Navier-Stokes demo, and its URL is printed once listening.
function demosIndex(): Plugin {
  return {
    name: 'wgno-demos-index',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (req.url === '/' || req.url === '/index.html') {
          res.statusCode = 302;
          res.setHeader('Location', '/demos/navier-stokes/index.html');
          res.end();
          return;
        }
        next();
      });
      server.httpServer?.once('listening', () => {
        const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/';
        server.config.logger.info(
          `  wgno demo: ${url}demos/navier-stokes/index.html\n` +
            `  more: ${url}demos/fno-example/index.html, ${url}demos/train/index.html, ` +
            `${url}demos/element/index.html, ${url}demos/evolution/index.html, ${url}demos/digital-twin/index.html, ${url}demos/geometry/index.html, ${url}demos/index.html (MLP)`,
        );
      });
    },
  };
}

/** The demo pages of the static site (`npm run build` writes it to dist/site). */
const sitePages = [
  'navier-stokes/',
  'fno-example/',
  'train/',
  'element/',
  'evolution/',
  'digital-twin/',
  'geometry/',
  '',
].map((d) => resolve(root, `demos/${d}index.html`));
/** Files the pages fetch at run time, copied beside them (paths relative to the repo root). */
const siteFiles = [
  'models/ns2d-fno-32/weights.safetensors',
  'models/ns2d-fno-32/config.json',
  'models/ns2d-fno-32/history.safetensors',
  'models/ns2d-fno-32/README.md',
  'models/poisson-gaot/weights.safetensors',
  'models/poisson-gaot/config.json',
  'models/poisson-gaot/README.md',
  'models/poisson-gino/weights.safetensors',
  'models/poisson-gino/config.json',
  'models/poisson-gino/README.md',
  'demos/fno-example/sample_input.npy',
  'demos/fno-example/sample_target.npy',
];

// The site's files and a root index.html that forwards to the Navier-Stokes demo. Every URL in
// the site is relative (base './'), so it works from any static host under any sub-path.
function siteAssets(): Plugin {
  return {
    name: 'wgno-site-assets',
    apply: 'build',
    generateBundle() {
      for (const f of siteFiles)
        this.emitFile({ type: 'asset', fileName: f, source: readFileSync(resolve(root, f)) });
      this.emitFile({
        type: 'asset',
        fileName: 'index.html',
        source:
          '<!doctype html><meta charset="utf-8"><title>wgno demos</title>' +
          '<meta http-equiv="refresh" content="0; url=demos/navier-stokes/index.html">' +
          '<a href="demos/navier-stokes/index.html">wgno: live Navier-Stokes demo</a>\n',
      });
    },
  };
}

/**
 * Browser builds: a module `x.ts` with a sibling `x.browser.ts` is replaced by it (today
 * src/gpu/node_adapter.ts and src/io/node_fs.ts, the only modules that reach `webgpu` and
 * `node:*`). So dist/browser/wgno.js, which the package's `browser` condition points at, bundles
 * with esbuild, webpack or Rollup without externals.
 */
function browserTwins(): Plugin {
  return {
    name: 'wgno-browser-twins',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer || !source.startsWith('.')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!resolved || !resolved.id.endsWith('.ts')) return null;
      const twin = resolved.id.replace(/\.ts$/, '.browser.ts');
      return existsSync(twin) ? twin : null;
    },
  };
}

const site: UserConfig = {
  base: './',
  plugins: [siteAssets(), browserTwins()],
  build: {
    outDir: 'dist/site',
    emptyOutDir: true,
    rollupOptions: { input: sitePages },
  },
};

const library: UserConfig = {
  // Not inside Vitest: its browser mode runs its own dev server with its own routes.
  plugins: process.env.VITEST ? [] : [demosIndex()],
  // Dev server (`npm run demo`): serves the repo root so demos can import from src/ and kernels/.
  // Pre-bundled at start-up: discovered later, they would make the dev server reload open pages.
  optimizeDeps: { include: ['lil-gui', 'uplot'] },
  server: {
    host: '127.0.0.1',
    port: 5173,
    open: false,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    lib: {
      // The Node library (the package's `node` condition), and the `wgno` command (bin/wgno.mjs
      // loads dist/cli.js).
      entry: { wgno: resolve(root, 'src/index.ts'), cli: resolve(root, 'src/cli/main.ts') },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rollupOptions: {
      external: ['webgpu', 'commander', 'cli-progress', 'zod', /^node:/],
      output: { chunkFileNames: 'wgno-shared-[hash].js' },
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.browser.test.ts', 'test/e2e/**', 'node_modules/**'],
          benchmark: { include: [] }, // benchmarks run in the browser project (npm run bench)
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/**/*.browser.test.ts'],
          benchmark: { include: ['bench/**/*.bench.ts'] },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: process.env.CHROMIUM_PATH || undefined,
                args: chromiumArgs,
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
};

/** `vite build --mode browser`: the library for pages, dist/browser/wgno.js (no Node modules). */
const browserLibrary: UserConfig = {
  plugins: [browserTwins()],
  build: {
    outDir: 'dist/browser',
    emptyOutDir: true,
    lib: {
      entry: { wgno: resolve(root, 'src/index.ts') },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
  },
};

// `vite build --mode site`: the demo site; `--mode browser`: the browser library; anything else:
// the Node library and CLI, dev server and tests.
export default defineConfig(({ mode }) =>
  mode === 'site' ? site : mode === 'browser' ? browserLibrary : library,
);
