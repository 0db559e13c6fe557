/**
 * The `wgno` command (Node): data generation, training, evaluation and file tools around the
 * library. Long jobs show a progress bar with ETA; Ctrl-C stops them cleanly at the next safe
 * point (no partial output file; training keeps its last checkpoint) with exit status 130.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { version } from '../../package.json';
import { WgnoError } from '../errors';
import { convert } from './convert';
import { darcyEvaluate, type DarcyEvalArgs } from './darcy_eval';
import { darcyGenerate, type DarcyGenerateArgs } from './darcy_generate';
import { darcyTrain } from './darcy_train';
import { evaluate, formatEval, type EvalArgs } from './eval';
import { describeSystemError, isSystemError } from './files';
import { info } from './info';
import { nsGenerate, parseDealias, type NsGenerateArgs } from './ns_generate';
import { report } from './report';
import { train } from './train';

const number = (what: string, check: (x: number) => boolean, rule: string) => (v: string) => {
  const x = Number(v);
  if (v.trim() === '' || !check(x))
    throw new InvalidArgumentError(`${what} must be ${rule}, got '${v}'`);
  return x;
};
const positiveInt = (what: string) =>
  number(what, (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1');
const positive = (what: string) => number(what, (x) => Number.isFinite(x) && x > 0, 'a number > 0');
const nonNegative = (what: string) =>
  number(what, (x) => Number.isFinite(x) && x >= 0, 'a number >= 0');

function parseModes(v: string): [number, number, number] {
  const m = v.split(',').map(Number);
  if (m.length !== 3 || m.some((x) => !Number.isInteger(x) || x < 1))
    throw new InvalidArgumentError(
      `--refine-modes must be three integers >= 1 as mx,my,mt, got '${v}'`,
    );
  return m as [number, number, number];
}

function parseDwdt(v: string): 'spectral' | 'implicit' {
  if (v !== 'spectral' && v !== 'implicit')
    throw new InvalidArgumentError(`--refine-dwdt must be 'spectral' or 'implicit', got '${v}'`);
  return v;
}

/** Runs `job` with an AbortSignal that the first Ctrl-C fires; a second Ctrl-C exits at once. */
async function interruptible(job: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const ctl = new AbortController();
  const onSigint = () => {
    if (ctl.signal.aborted) process.exit(130);
    process.stderr.write('\nwgno: stopping at the next safe point (Ctrl-C again to quit now)\n');
    ctl.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    await job(ctl.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function program(): Command {
  // exitOverride: commander throws instead of calling process.exit, so main() returns a status.
  const p = new Command('wgno')
    .description('WebGPU neural operators: data and file tools')
    .version(version, '-V, --version', 'print the wgno version')
    .exitOverride();
  p.command('ns-generate')
    .description(
      "Navier-Stokes data set (FNO paper's solver and initial fields) as safetensors a, u",
    )
    .requiredOption('--n <count>', 'trajectories', positiveInt('--n'))
    .option('--res <s>', 'stored grid', positiveInt('--res'), 64)
    .option(
      '--solver-res <s>',
      'solver grid (a multiple of --res)',
      positiveInt('--solver-res'),
      256,
    )
    .option('--nu <nu>', 'viscosity', nonNegative('--nu'), 1e-3)
    .option('--t <units>', 'time units, one record each', positiveInt('--t'), 20)
    .option('--dt <dt>', 'solver time step', positive('--dt'), 1e-4)
    .option(
      '--seed <seed>',
      'seed of the initial fields',
      number('--seed', Number.isInteger, 'an integer'),
      0,
    )
    .option('--batch <b>', 'trajectories solved together', positiveInt('--batch'))
    .option(
      '--dealias <where>',
      "2/3 rule on 'nonlinear' (the nonlinear term, as the FNO paper's script) or 'state' (also the state after every step)",
      parseDealias,
      'nonlinear',
    )
    .option(
      '--init <file>',
      "initial vorticities: safetensors tensor 'a' [n, solver-res, solver-res]",
    )
    .requiredOption('--out <file>', 'output .safetensors (written atomically)')
    .action((o: NsGenerateArgs) => interruptible((signal) => nsGenerate(o, signal)));
  p.command('darcy-generate')
    .description(
      'Darcy-flow data set: coefficients thresholded from a GRF (12 / 3), solutions of -div(a grad u) = 1',
    )
    .requiredOption('--n <count>', 'samples', positiveInt('--n'))
    .option('--s <nodes>', 'nodes per side, boundary included', positiveInt('--s'), 85)
    .option(
      '--seed <seed>',
      'seed of the random fields',
      number('--seed', Number.isInteger, 'an integer'),
      0,
    )
    .option('--batch <b>', 'fields solved together', positiveInt('--batch'))
    .option('--tol <tol>', 'CG relative residual to stop at', positive('--tol'), 1e-6)
    .requiredOption('--out <file>', 'output .safetensors (written atomically)')
    .action((o: DarcyGenerateArgs) => interruptible((signal) => darcyGenerate(o, signal)));
  p.command('train')
    .description("an FNO on a ns-generate data set, the paper's rollout setup (config: see README)")
    .requiredOption('--config <file>', 'training config (JSON)')
    .option('--resume', 'continue from <out>/checkpoint.safetensors')
    .action((o: { config: string; resume?: boolean }) =>
      interruptible((signal) => train(o.config, !!o.resume, signal)),
    );
  p.command('eval')
    .description(
      "error of a trained model (FNO, MgNO, space-time FNO) on a data set; a space-time FNO's also after --refine K iterations",
    )
    .argument(
      '[run]',
      "wgno train's output folder (config.json, weights.safetensors) or its config.json",
    )
    .argument('[data]', 'data set with u [n, s, s, T] (any grid: zero-shot)')
    .option('--weights <file>', 'weights.safetensors (default: beside the config)')
    .option('--config <file>', 'config.json written by wgno train (instead of <run>)')
    .option('--data <file>', 'data set (instead of <data>)')
    .option('--t-in <k>', 'input steps', positiveInt('--t-in'))
    .option(
      '--t-out <k>',
      "predicted steps (default: the rest of each trajectory; a space-time FNO's window)",
      positiveInt('--t-out'),
    )
    .option('--n <count>', 'use the last n trajectories', positiveInt('--n'))
    .option('--batch <b>', 'trajectories per forward pass', positiveInt('--batch'), 20)
    .option(
      '--refine <K>',
      'space-time FNO: also refine each window K iterations',
      positiveInt('--refine'),
    )
    .option(
      '--refine-lr-weight <lr>',
      "refinement's Adam rate of the spectral weights (default refine()'s, 1e-2)",
      positive('--refine-lr-weight'),
    )
    .option(
      '--refine-lr-bias <lr>',
      "refinement's Adam rate of the complex bias (default refine()'s: 200 at 64x64, scaled with the grid)",
      positive('--refine-lr-bias'),
    )
    .option(
      '--refine-modes <mx,my,mt>',
      "the refined layer's modes (default n/4, n/4, trained mt + 1)",
      parseModes,
    )
    .option(
      '--refine-alpha <alpha>',
      "the H^-1 norm's weight offset alpha (default refine()'s, 1)",
      positive('--refine-alpha'),
    )
    .option(
      '--refine-dwdt <how>',
      "dw/dt of the residual: 'spectral' (default) or 'implicit'",
      parseDwdt,
    )
    .option(
      '--json',
      'end with one JSON line: {"mean": ..., "perStep": [...]} (--refine: also "plain")',
    )
    .action(async (run: string | undefined, data: string | undefined, o: EvalArgs) =>
      interruptible(async (signal) => {
        const args = { ...o, run, data: o.data ?? data };
        console.log(formatEval(await evaluate(args, signal), !!o.json));
      }),
    );
  p.command('darcy-train')
    .description(
      'a GNO or GINO on Darcy point clouds from a darcy-generate set (config: see README)',
    )
    .requiredOption('--config <file>', 'training config (JSON)')
    .option('--resume', 'continue from <out>/checkpoint.safetensors')
    .action((o: { config: string; resume?: boolean }) =>
      interruptible((signal) => darcyTrain(o.config, !!o.resume, signal)),
    );
  p.command('darcy-eval')
    .description("relative L2 error of a darcy-train run's weights on a point cloud of any density")
    .requiredOption('--run <dir>', "darcy-train's output folder (config.json, weights.safetensors)")
    .requiredOption('--data <file>', 'darcy-generate set (coeff, sol [n, s, s])')
    .option('--points <count>', 'cloud size (default: the training size)', positiveInt('--points'))
    .option(
      '--cloud-seed <seed>',
      "cloud seed (default: the training cloud's + 1)",
      number('--cloud-seed', Number.isInteger, 'an integer'),
    )
    .option('--n <count>', 'use the last n samples', positiveInt('--n'))
    .option('--batch <b>', 'samples per forward pass', positiveInt('--batch'), 10)
    .option('--json', 'end with one JSON line: {"mean": ..., "points": ..., "seed": ...}')
    .action(async (o: DarcyEvalArgs) => console.log(await darcyEvaluate(o)));
  p.command('report')
    .description('loss curves of a training run as a self-contained HTML page (uPlot)')
    .argument('<run>', "wgno train's output folder, or its log.csv")
    .option('--out <file>', 'output HTML (default: report.html beside log.csv)')
    .action(async (run: string, o: { out?: string }) =>
      console.log(`wrote ${await report(run, o.out)}`),
    );
  p.command('info')
    .description('list the tensors and metadata of a safetensors file')
    .argument('<file>')
    .action(async (file: string) => console.log(await info(file)));
  p.command('convert')
    .description(
      'PyTorch checkpoint <-> safetensors (runs tools/convert_checkpoint.py; needs torch)',
    )
    .argument('[args...]', 'IN.pt OUT.safetensors, or --to-torch IN.safetensors OUT.pt')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (args: string[]) => {
      process.exitCode = await convert(args);
    });
  return p;
}

/** One line for an error the user can fix; null for a bug (whose stack is then worth showing). */
export function userError(e: unknown): { message: string; status: number } | null {
  if (e instanceof WgnoError)
    return { message: `wgno: ${e.message}`, status: /aborted/.test(e.message) ? 130 : 1 };
  if (isSystemError(e)) return { message: `wgno: ${describeSystemError(e)}`, status: 1 };
  return null;
}

/** Parses argv and runs the command; resolves to the process exit status. */
export async function main(argv: string[] = process.argv): Promise<number> {
  process.exitCode = undefined;
  try {
    await program().parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    // Commander has printed its own message (or the help / version) already.
    if (e instanceof CommanderError) return e.exitCode;
    const user = userError(e);
    if (!user) throw e;
    process.stderr.write(`${user.message}\n`);
    return user.status;
  }
}
