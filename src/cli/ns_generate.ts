/** `wgno ns-generate`: a Navier-Stokes data set in the FNO layout, written atomically. */
import { InvalidArgumentError } from 'commander';
import { WgnoError } from '../errors';
import { writeFileAtomic } from '../io/atomic_file';
import { readSafetensors } from '../io/safetensors';
import { generateNavierStokes, writeNsDataset } from '../pde/dataset';
import { NS_DEALIASING, type NsDealiasing } from '../pde/ns_ops';
import { checkOutputFile, readInputFile } from './files';
import { gpuJob } from './progress';

export interface NsGenerateArgs {
  n: number;
  res: number;
  solverRes: number;
  nu: number;
  t: number;
  dt: number;
  seed: number;
  batch?: number;
  dealias: NsDealiasing;
  init?: string;
  out: string;
}

/** `--dealias`: where the solver applies the 2/3 rule (NsDealiasing). */
export function parseDealias(v: string): NsDealiasing {
  const ok = NS_DEALIASING.find((d) => d === v);
  if (!ok)
    throw new InvalidArgumentError(`--dealias must be ${NS_DEALIASING.join(' or ')}, got '${v}'`);
  return ok;
}

/** Initial vorticities from a file: tensor `a` (or the only tensor) [n, s, s] at the solver grid. */
async function readInit(path: string, count: number, s: number): Promise<Float32Array> {
  const tensors = readSafetensors(await readInputFile('ns-generate', path, '--init'));
  const t = tensors.get('a') ?? (tensors.size === 1 ? [...tensors.values()][0] : undefined);
  if (!t)
    throw new WgnoError(
      'ns-generate',
      `${path} has no tensor 'a' (tensors: ${[...tensors.keys()].join(', ')})`,
    );
  if (t.dtype !== 'f32' || t.shape.join() !== [count, s, s].join())
    throw new WgnoError(
      'ns-generate',
      `${path}: initial vorticity is ${t.dtype} [${t.shape.join(', ')}]; expected f32 [${count}, ${s}, ${s}] (--n, --solver-res)`,
    );
  return t.data;
}

export async function nsGenerate(args: NsGenerateArgs, signal: AbortSignal): Promise<void> {
  await checkOutputFile('ns-generate', args.out, '--out');
  const initial = args.init ? await readInit(args.init, args.n, args.solverRes) : undefined;
  await gpuJob('ns-generate (time units)', async (rt, bar) => {
    const ds = await generateNavierStokes(rt, {
      count: args.n,
      res: args.res,
      solverRes: args.solverRes,
      nu: args.nu,
      t: args.t,
      dt: args.dt,
      seed: args.seed,
      batch: args.batch,
      dealias: args.dealias,
      init: initial,
      signal,
      onProgress: (p) => bar.update(p.unitsDone, p.unitsTotal),
    });
    bar.stop();
    await writeFileAtomic(args.out, writeNsDataset(ds));
    process.stderr.write(
      `wrote ${args.out}: a [${ds.a.shape.join(', ')}], u [${ds.u.shape.join(', ')}]\n`,
    );
  });
}
