/**
 * The layering of src/ (docs/architecture.md), checked by `npm run lint:layers` (part of `npm test`).
 * Bottom up: base (errors, random, io: no GPU) <- gpu <- graph <- ops <- runtime <- geometry <- nn <-
 * models <- train, pde <- viz, app, cli. A module imports only its own layer or layers below, and
 * nothing in src/ forms a run-time import cycle (type-only imports may point back inside a layer,
 * never to a layer above).
 */
const LAYERS = [
  ['errors', 'random', 'io', 'version'],
  ['gpu'],
  ['graph'],
  ['ops'],
  ['runtime'],
  ['geometry'],
  ['nn'],
  ['models'],
  ['train', 'pde'],
  ['viz', 'app', 'cli'],
];

const dir = (name) => `^src/${name}(/|\\.ts$)`;
const rank = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i])));

/** For each layer, a rule forbidding imports of any layer above it. */
const upward = LAYERS.slice(0, -1).map((names, i) => ({
  name: `no-upward-from-${names.join('-')}`,
  comment: `${names.join(', ')} may import only layers at or below it`,
  severity: 'error',
  from: { path: names.map(dir) },
  to: {
    path: [...rank].filter(([, r]) => r > i).map(([n]) => dir(n)),
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no run-time import cycle in src/ (type-only imports may point back within a layer)',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    ...upward,
    {
      name: 'index-is-the-top',
      comment: 'src/index.ts is the public API; nothing in src/ imports it',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/index\\.ts$' },
      to: { path: '^src/index\\.ts$' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true, pathNot: '\\?raw$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.wgsl' },
  },
};
