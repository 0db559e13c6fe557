/**
 * `wgno train`'s config file, validated by a zod schema: every error names the key, what it must
 * be and the value found, e.g. `train.json: 'epochs' must be an integer >= 1, got "x"`.
 */
import { z } from 'zod';
import { WgnoError } from '../errors';
import type { FNOConfig } from '../models/fno';
import { readInputFile } from './files';

/** Leaf schemas carry their expectation as the message, so the error can say "must be <message>". */
const int = (min: number) => {
  const rule = `an integer >= ${min}`;
  return z.number({ error: rule }).int({ error: rule }).min(min, { error: rule });
};
const positive = z.number({ error: 'a number > 0' }).positive({ error: 'a number > 0' });
const nonNegative = z.number({ error: 'a number >= 0' }).min(0, { error: 'a number >= 0' });
const path = z.string({ error: 'a path (string)' }).min(1, { error: 'a non-empty path' });

/** FNO options of the config; inChannels and outChannels come from the rollout (tIn, 1). */
const modelSchema = z.strictObject(
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
  },
  { error: 'an object of FNO options' },
);

const trainSchema = z.strictObject(
  {
    /** Data set file (wgno ns-generate): u [n, s, s, T]. */
    data: path,
    nTrain: int(1),
    nTest: int(1),
    tIn: int(1).default(10),
    tOut: int(1).default(10),
    model: modelSchema,
    epochs: int(1),
    batchSize: int(1),
    lr: positive.default(1e-3),
    weightDecay: nonNegative.default(1e-4),
    stepSize: int(1).default(100),
    gamma: positive.default(0.5),
    seed: z.number({ error: 'an integer' }).int({ error: 'an integer' }).default(0),
    /** Output folder. */
    out: path,
  },
  { error: 'a JSON object' },
);

export type TrainConfig = z.infer<typeof trainSchema> & {
  model: Omit<FNOConfig, 'inChannels' | 'outChannels'>;
};

/** The value at `keys` inside `raw`, or undefined. */
function valueAt(raw: unknown, keys: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const k of keys) v = (v as Record<PropertyKey, unknown> | null)?.[k];
  return v;
}

/** Valid keys of the object schema at `keys` (the top level or `model`), for the error. */
function validKeys(keys: readonly PropertyKey[]): string {
  const shape = keys.length ? modelSchema.shape : trainSchema.shape;
  return Object.keys(shape).join(', ');
}

/** One line for the first problem of a config. */
export function describeIssue(name: string, raw: unknown, issue: z.core.$ZodIssue): string {
  const at = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = [...issue.path.map(String), issue.keys[0]].join('.');
    return `${name}: unknown key '${key}'; valid keys${at ? ` of '${at}'` : ''}: ${validKeys(issue.path)}`;
  }
  const value = valueAt(raw, issue.path);
  if (!at) return `${name}: the config must be ${issue.message}, got ${JSON.stringify(value)}`;
  if (value === undefined) return `${name}: missing key '${at}' (${issue.message})`;
  return `${name}: '${at}' must be ${issue.message}, got ${JSON.stringify(value)}`;
}

/** Checks a parsed config; unknown keys are errors. */
export function parseTrainConfig(raw: unknown, name: string): TrainConfig {
  const r = trainSchema.safeParse(raw);
  if (!r.success) throw new WgnoError('train', describeIssue(name, raw, r.error.issues[0]));
  return r.data as TrainConfig;
}

/** Reads and checks a training config file (JSON). */
export async function readTrainConfig(file: string): Promise<TrainConfig> {
  const text = new TextDecoder().decode(await readInputFile('train', file, 'the config'));
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new WgnoError('train', `${file} is not JSON: ${(e as Error).message}`);
  }
  return parseTrainConfig(raw, file);
}
