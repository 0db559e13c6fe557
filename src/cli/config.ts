/**
 * The training commands' config files, validated by zod schemas: every error names the key, what
 * it must be and the value found, e.g. `train.json: 'epochs' must be an integer >= 1, got "x"`.
 */
import { z } from 'zod';
import { WgnoError } from '../errors';
import type { FNOConfig } from '../models/fno';
import type { MgNOConfig } from '../models/mgno';
import { modelKind, type ModelKind } from '../models/registry';
import type { SpaceTimeFNOConfig } from '../models/spacetime_fno';
import { readInputFile } from './files';

/** Leaf schemas carry their expectation as the message, so the error can say "must be <message>". */
export const int = (min: number) => {
  const rule = `an integer >= ${min}`;
  return z.number({ error: rule }).int({ error: rule }).min(min, { error: rule });
};
export const positive = z.number({ error: 'a number > 0' }).positive({ error: 'a number > 0' });
export const nonNegative = z.number({ error: 'a number >= 0' }).min(0, { error: 'a number >= 0' });
export const integer = z.number({ error: 'an integer' }).int({ error: 'an integer' });
export const path = z.string({ error: 'a path (string)' }).min(1, { error: 'a non-empty path' });

const flag = z.boolean({ error: 'true or false' });
const oneOf = <T extends string>(values: readonly [T, ...T[]]) =>
  z.enum(values, { error: values.map((v) => `'${v}'`).join(' or ') });
const kind = <K extends ModelKind>(k: K) => z.literal(k, { error: `'${k}'` });

/** FNO options of the config; inChannels and outChannels come from the rollout (tIn, 1). */
const fnoSchema = z.strictObject(
  {
    nModes: z
      .array(int(1), { error: 'a list of 1 to 3 mode counts' })
      .min(1, { error: 'a list of 1 to 3 mode counts' })
      .max(3, { error: 'a list of 1 to 3 mode counts' }),
    hiddenChannels: int(1),
    nLayers: int(1).optional(),
    liftingChannelRatio: nonNegative.optional(),
    projectionChannelRatio: nonNegative.optional(),
    positionalEmbedding: z.literal('grid', { error: "'grid' or null" }).nullable().optional(),
    channelMlpExpansion: positive.optional(),
    domainPadding: z
      .number({ error: 'a number in [0, 1)' })
      .min(0, { error: 'a number in [0, 1)' })
      .lt(1, { error: 'a number in [0, 1)' })
      .nullable()
      .optional(),
    factorization: z.literal('tucker', { error: "'tucker' or null" }).nullable().optional(),
    rank: z
      .union([positive, z.array(int(1))], { error: 'a number > 0 or a list of integers' })
      .optional(),
    kind: kind('fno').optional(),
  },
  { error: 'an object of FNO options' },
);

/** MgNO options (models/mgno_config.ts); inChannels comes from tIn, one channel out. */
const mgnoSchema = z.strictObject(
  {
    kind: kind('mgno'),
    variant: oneOf(['dc', 'ns']).optional(),
    hiddenChannels: int(1),
    numLayers: int(1),
    numIteration: z
      .array(z.tuple([int(0), int(0)], { error: '[pre, post]' }), {
        error: 'a list of [pre, post] smoothing counts, finest level first',
      })
      .min(1, { error: 'a list of [pre, post] smoothing counts, finest level first' }),
    paddingMode: oneOf(['zeros', 'circular', 'reflect']).optional(),
    bias: flag.optional(),
    useRes: flag.optional(),
    lastLayer: oneOf(['conv', 'linear']).optional(),
    pointwise: flag.optional(),
    gridSize: z.tuple([int(1), int(1)], { error: '[H, W]' }).optional(),
    elementwiseAffine: flag.optional(),
    mlpHiddenDim: int(0).optional(),
    outputDim: int(1).optional(),
  },
  { error: 'an object of MgNO options' },
);

/** Space-time FNO options (models/spacetime_fno_config.ts); outputSteps comes from tOut. */
const spaceTimeSchema = z.strictObject(
  {
    kind: kind('spacetime_fno'),
    modesX: int(1),
    modesY: int(1),
    modesT: int(1),
    width: int(4),
    numSpectralLayers: int(2).optional(),
    latentSteps: int(1).optional(),
    channelExpansion: int(1).optional(),
    beta: z.number({ error: 'a number' }).optional(),
    delta: z.number({ error: 'a number' }).optional(),
    fftNorm: oneOf(['backward', 'forward', 'ortho']).optional(),
    activation: oneOf(['ReLU', 'GELU']).optional(),
    temporalPadding: flag.optional(),
  },
  { error: 'an object of space-time FNO options' },
);

const MODEL_SCHEMAS = { fno: fnoSchema, mgno: mgnoSchema, spacetime_fno: spaceTimeSchema };

const trainSchema = <K extends ModelKind>(k: K) =>
  z.strictObject(
    {
      /** Data set file (wgno ns-generate): u [n, s, s, T]. */
      data: path,
      nTrain: int(1),
      nTest: int(1),
      tIn: int(1).default(10),
      tOut: int(1).default(10),
      model: MODEL_SCHEMAS[k] as (typeof MODEL_SCHEMAS)[K],
      epochs: int(1),
      batchSize: int(1),
      lr: positive.default(1e-3),
      weightDecay: nonNegative.default(1e-4),
      stepSize: int(1).default(100),
      gamma: positive.default(0.5),
      seed: integer.default(0),
      /** Output folder. */
      out: path,
    },
    { error: 'a JSON object' },
  );

type Base = Omit<z.infer<ReturnType<typeof trainSchema<'fno'>>>, 'model'>;

/**
 * `wgno train`'s config: `model.kind` ('fno' when absent, 'mgno' or 'spacetime_fno') selects the
 * model options; the input and output channels (or frames) come from tIn and tOut.
 */
export type TrainConfig = Base &
  (
    | { model: Omit<FNOConfig, 'inChannels' | 'outChannels'> & { kind?: 'fno' } }
    | { model: Omit<MgNOConfig, 'inChannels'> & { kind: 'mgno' } }
    | { model: Omit<SpaceTimeFNOConfig, 'outputSteps' | 'seed'> & { kind: 'spacetime_fno' } }
  );

/** The kind of a train config's model: 'fno' when it names none. */
export function kindOf(cfg: TrainConfig): ModelKind {
  return cfg.model.kind ?? 'fno';
}

/** The value at `keys` inside `raw`, or undefined. */
function valueAt(raw: unknown, keys: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const k of keys) v = (v as Record<PropertyKey, unknown> | null)?.[k];
  return v;
}

/** The object schema's keys at `keys` inside `schema` (through optional/default/nullable). */
function validKeys(schema: z.ZodType, keys: readonly PropertyKey[]): string {
  type Node = { shape?: Record<string, Node>; unwrap?: () => Node };
  const unwrap = (n: Node | undefined) => {
    while (n && !n.shape && typeof n.unwrap === 'function') n = n.unwrap();
    return n;
  };
  let node = unwrap(schema as unknown as Node);
  for (const k of keys) node = unwrap(node?.shape?.[String(k)]);
  return node?.shape ? Object.keys(node.shape).join(', ') : '(see the README)';
}

/** One line for the first problem of a config. */
export function describeIssue(
  schema: z.ZodType,
  name: string,
  raw: unknown,
  issue: z.core.$ZodIssue,
): string {
  const at = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = [...issue.path.map(String), issue.keys[0]].join('.');
    return `${name}: unknown key '${key}'; valid keys${at ? ` of '${at}'` : ''}: ${validKeys(schema, issue.path)}`;
  }
  const value = valueAt(raw, issue.path);
  if (!at) return `${name}: the config must be ${issue.message}, got ${JSON.stringify(value)}`;
  if (value === undefined) return `${name}: missing key '${at}' (${issue.message})`;
  return `${name}: '${at}' must be ${issue.message}, got ${JSON.stringify(value)}`;
}

/** The JSON of a config file; errors are WgnoErrors of `op`. */
async function readJson(op: string, file: string): Promise<unknown> {
  const text = new TextDecoder().decode(await readInputFile(op, file, 'the config'));
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new WgnoError(op, `${file} is not JSON: ${(e as Error).message}`);
  }
}

/** `raw` checked against `schema`; errors are WgnoErrors of `op` naming `file`. */
function check<S extends z.ZodType>(
  op: string,
  file: string,
  raw: unknown,
  schema: S,
): z.output<S> {
  const r = schema.safeParse(raw);
  if (!r.success) throw new WgnoError(op, describeIssue(schema, file, raw, r.error.issues[0]));
  return r.data;
}

/** Reads a JSON config file and checks it against `schema`; errors are WgnoErrors of `op`. */
export async function readConfig<S extends z.ZodType>(
  op: string,
  file: string,
  schema: S,
): Promise<z.output<S>> {
  return check(op, file, await readJson(op, file), schema);
}

/** Reads and checks `wgno train`'s config file (JSON); unknown keys are errors. */
export async function readTrainConfig(file: string): Promise<TrainConfig> {
  const raw = await readJson('train', file);
  const model = (raw as { model?: unknown } | null)?.model;
  const k = modelKind('train', (model as { kind?: unknown } | null)?.kind, file);
  return check('train', file, raw, trainSchema(k)) as TrainConfig;
}
