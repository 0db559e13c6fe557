/**
 * The published package as a user gets it: `npm pack`, installed into a fresh project, then
 *  - bundled for the browser by esbuild with no externals and no configuration,
 *  - type-checked under `moduleResolution: nodenext` and `bundler`, without skipLibCheck (a wrong
 *    option must stay a type error: the declarations must not degrade to `any`),
 *  - run in Node: an FNO forward, and the shipped model through its documented export,
 *  - the `wgno` command from the installed bin.
 * Offline: the tarball is unpacked into node_modules/wgno as npm would, and its dependencies are
 * linked from this repository's node_modules (what `npm ci` installed), so no registry is asked.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: 'pipe' });

let app = '';
let tmp = '';

/** Builds the library (not the site), packs it and installs the tarball into `app`. */
function install(): void {
  run(process.execPath, ['scripts/build.mjs', '--no-site'], root);
  tmp = mkdtempSync(join(tmpdir(), 'wgno-pkg-'));
  const packed = JSON.parse(
    run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], root),
  ) as { filename: string }[];
  app = join(tmp, 'app');
  const pkgDir = join(app, 'node_modules/wgno');
  mkdirSync(pkgDir, { recursive: true });
  run('tar', ['-xzf', join(tmp, packed[0].filename), '-C', pkgDir, '--strip-components=1'], tmp);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
  };
  const links = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)];
  for (const dep of links) {
    mkdirSync(dirname(join(app, 'node_modules', dep)), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), join(app, 'node_modules', dep), 'dir');
  }
  writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true, "type": "module" }');
}

beforeAll(install, 180_000);
afterAll(() => tmp && rmSync(tmp, { recursive: true, force: true }));

describe('the packed package', () => {
  it('ships the builds, types, weights and license, and neither the site nor raw kernels', () => {
    const files = run('tar', ['-tzf', join(tmp, 'wgno-0.1.0.tgz')], tmp);
    for (const f of [
      'dist/wgno.js',
      'dist/browser/wgno.js',
      'dist/types/wgno.d.ts',
      'dist/cli.js',
      'models/ns2d-fno-32/weights.safetensors',
      'LICENSE',
    ])
      expect(files).toContain(`package/${f}`);
    expect(files).not.toMatch(/package\/(dist\/site|kernels|src|test|demos)\//);
  });

  it('bundles for the browser with esbuild, no externals', async () => {
    const esbuild = await import('esbuild');
    writeFileSync(
      join(app, 'browser.js'),
      "import { init, FNO } from 'wgno';\nconst rt = await init();\n" +
        'console.log(new FNO(rt, { nModes: [4], inChannels: 1, outChannels: 1 }));\n',
    );
    const r = await esbuild.build({
      absWorkingDir: app,
      entryPoints: ['browser.js'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    const code = r.outputFiles[0].text;
    expect(code).not.toMatch(/from\s*["'](node:|webgpu)|import\(\s*["'](node:|webgpu)/);
    expect(code).toContain('navigator.gpu');
  });

  it('bundles for the browser with Rolldown (the Rollup API), no externals', async () => {
    const { rolldown } = await import('rolldown');
    const warnings: string[] = [];
    const bundle = await rolldown({
      cwd: app,
      input: join(app, 'browser.js'),
      platform: 'browser',
      onwarn: (w) => warnings.push(w.message),
    });
    const { output } = await bundle.generate({ format: 'es' });
    await bundle.close();
    expect(warnings).toEqual([]);
    expect(output[0].code).not.toMatch(/from\s*["'](node:|webgpu)|import\(\s*["'](node:|webgpu)/);
    expect(output[0].code).toContain('navigator.gpu');
  });

  it.each(['nodenext', 'bundler'])('type-checks under moduleResolution %s', (resolution) => {
    const dir = join(app, resolution);
    mkdirSync(dir);
    const module = resolution === 'nodenext' ? 'nodenext' : 'esnext';
    const compilerOptions = {
      module,
      moduleResolution: resolution,
      target: 'ES2022',
      lib: ['ES2022', 'DOM'],
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: [],
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions }));
    writeFileSync(
      join(dir, 'main.ts'),
      "import { init, FNO, type FNOConfig, WgnoError } from 'wgno';\n" +
        'const rt = await init();\n' +
        'const cfg: FNOConfig = { nModes: [4, 4], inChannels: 1, outChannels: 1, hiddenChannels: 4 };\n' +
        'const y: Float32Array = await new FNO(rt, cfg).forward(rt.tensor(new Float32Array(16), [1, 1, 4, 4])).read();\n' +
        '// @ts-expect-error: nModes is a list of mode counts\n' +
        'new FNO(rt, { ...cfg, nModes: 4 });\n' +
        '// @ts-expect-error: no such option\n' +
        'new FNO(rt, { ...cfg, modes: 3 });\n' +
        'export const ok = y.length > 0 && new WgnoError("x", "y") instanceof Error;\n',
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('runs an FNO forward and the shipped model (by its export) in Node', () => {
    writeFileSync(
      join(app, 'node.mjs'),
      `import { init, FNO, loadFNO } from 'wgno';
import { fileURLToPath } from 'node:url';
const rt = await init();
const fno = new FNO(rt, { nModes: [4], inChannels: 1, outChannels: 1, hiddenChannels: 4, nLayers: 1 });
const y = await fno.forward(rt.tensor(new Float32Array(16).fill(1), [1, 1, 16])).read();
const path = (f) => fileURLToPath(import.meta.resolve('wgno/models/ns2d-fno-32/' + f));
const { fno: shipped, config } = await loadFNO(rt, path('weights.safetensors'), path('config.json'));
const z = await shipped.forward(rt.tensor(new Float32Array(config.tIn * 64 * 64), [1, config.tIn, 64, 64])).read();
console.log(JSON.stringify({ y: y.length, finite: y.every(Number.isFinite), z: z.length }));
rt.destroy();
`,
    );
    const r = spawnSync(process.execPath, ['node.mjs'], { cwd: app, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/Found no drivers|vkCreateInstance/);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toEqual({
      y: 16,
      finite: true,
      z: 64 * 64,
    });
  });

  it('installs the wgno command', () => {
    const bin = join(app, 'node_modules/wgno/bin/wgno.mjs');
    const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(version.stdout.trim()).toBe('0.1.0');
    const info = spawnSync(
      process.execPath,
      [bin, 'info', join(root, 'test/fixtures/corner/corner2d.safetensors')],
      {
        encoding: 'utf8',
      },
    );
    expect(info.status, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/conv\.weights1\tcomplex64\t\[3, 4, 4, 3\]/);
  });

  it("without the optional peer 'webgpu', init() says to install it", () => {
    unlinkSync(join(app, 'node_modules/webgpu'));
    const script =
      "import('wgno').then((m) => m.init()).catch((e) => console.log(e.name + ': ' + e.message))";
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(r.stdout).toMatch(/WgnoError: .*optional peer dependency 'webgpu'.*npm install webgpu/);
  });
});
