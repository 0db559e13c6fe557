/** `wgno darcy-generate`: a Darcy-flow data set (coeff, sol [n, s, s]) on the GPU, written atomically. */
import { writeFileAtomic } from '../io/atomic_file';
import { generateDarcy, writeDarcyDataset } from '../pde/darcy_dataset';
import { checkOutputFile } from './files';
import { gpuJob } from './progress';

export interface DarcyGenerateArgs {
  n: number;
  s: number;
  seed: number;
  batch?: number;
  tol: number;
  out: string;
}

export async function darcyGenerate(args: DarcyGenerateArgs, signal: AbortSignal): Promise<void> {
  await checkOutputFile('darcy-generate', args.out, '--out');
  await gpuJob('darcy-generate (samples)', async (rt, bar) => {
    const ds = await generateDarcy(rt, {
      n: args.n,
      s: args.s,
      seed: args.seed,
      batch: args.batch,
      tol: args.tol,
      signal,
      onProgress: (p) => bar.update(p.done, p.total),
    });
    bar.stop();
    await writeFileAtomic(args.out, writeDarcyDataset(ds));
    const worst = Math.max(...ds.residual);
    const iters = ds.iterations.reduce((a, b) => a + b, 0) / ds.iterations.length;
    process.stderr.write(
      `wrote ${args.out}: coeff, sol [${ds.sol.shape.join(', ')}]; CG ${iters.toFixed(0)} iterations on average, worst relative residual ${worst.toExponential(1)}\n`,
    );
  });
}
