/**
 * `wgno convert`: runs tools/convert_checkpoint.py (PyTorch checkpoint <-> safetensors) with the
 * system's Python, which must have torch and numpy; everything else about the conversion lives
 * there. Help needs no Python, and a Python without torch is a one-line error, not a traceback.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WgnoError } from '../errors';
import { checkInputFile, checkOutputFile } from './files';

export const CONVERT_HELP = `Usage: wgno convert IN.pt OUT.safetensors
       wgno convert --to-torch IN.safetensors OUT.pt

PyTorch checkpoint <-> safetensors, with neuraloperator's state_dict names. The checkpoint may be
a state_dict, a dict holding one under 'state_dict' or 'model', or a whole nn.Module; complex
tensors become complex64, floating ones f32, anything else is dropped and listed.

Runs tools/convert_checkpoint.py with python3 (or $PYTHON), which needs torch and numpy.`;

/** The script ships next to dist/ (package root/tools). */
function scriptPath(): string {
  for (const rel of ['../tools/convert_checkpoint.py', '../../tools/convert_checkpoint.py']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new WgnoError('convert', 'tools/convert_checkpoint.py is missing from this installation');
}

/** Python modules the script imports, looked up without importing them (torch takes seconds). */
const NEEDED = ['torch', 'numpy'];

function checkPython(python: string): void {
  const probe = `import importlib.util as u, sys; m = [n for n in ${JSON.stringify(NEEDED)} if u.find_spec(n) is None]; print(' '.join(m)); sys.exit(3 if m else 0)`;
  const r = spawnSync(python, ['-c', probe], { encoding: 'utf8' });
  if (r.error || (r.status !== 0 && r.status !== 3))
    throw new WgnoError(
      'convert',
      `could not run ${python} (${r.error?.message ?? r.stderr.trim().split('\n').at(-1)}); install Python 3 with PyTorch, or set PYTHON`,
    );
  if (r.status === 3)
    throw new WgnoError(
      'convert',
      `${python} has no ${r.stdout.trim().split(' ').join(', ')}; install it (pip install torch numpy) or set PYTHON to a Python that has it`,
    );
}

/** The input must be a readable file and the output writable, before Python starts. */
async function checkPaths(args: string[]): Promise<void> {
  const paths = args.filter((a) => !a.startsWith('-'));
  if (paths.length !== 2)
    throw new WgnoError(
      'convert',
      `needs an input and an output file, got ${paths.length ? paths.join(' ') : 'none'}; see wgno convert --help`,
    );
  const [input, output] = paths;
  await checkInputFile('convert', input, 'the input');
  await checkOutputFile('convert', output, 'the output');
}

/** Runs the conversion; resolves to its exit status. `--help` / `-h` / no arguments: the help. */
export async function convert(
  args: string[],
  python = process.env.PYTHON ?? 'python3',
): Promise<number> {
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${CONVERT_HELP}\n`);
    return args.length === 0 ? 1 : 0;
  }
  await checkPaths(args);
  checkPython(python);
  const r = spawnSync(python, [scriptPath(), ...args], { stdio: 'inherit' });
  if (r.error)
    throw new WgnoError(
      'convert',
      `could not run ${python} (${r.error.message}); install Python 3 with PyTorch, or set PYTHON`,
    );
  return r.status ?? 1;
}
