// Run a model trained in PyTorch's neuraloperator: its state_dict, saved as safetensors
// (tools/convert_checkpoint.py converts a .pt file), loads into wgno's FNO under the same names.
//
//   node examples/load_neuraloperator_checkpoint.mjs [--checkpoint model.safetensors] [--tiny]
//
// The default checkpoint is a committed test fixture: a 2-D FNO (modes 6 x 6, hidden 8, 2 layers)
// saved by tools/fixtures/make_fno_fixtures.py with an input and PyTorch's output beside the
// weights, so this script can show that wgno computes the same thing. With your own file, set
// `config` to the FNO(...) arguments you trained with, in camelCase (n_modes -> nModes, ...).
// --tiny changes nothing here (the fixture is already tiny); it is accepted like the others.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FNO, init, parseSafetensors } from 'wgno';

const { values: arg } = parseArgs({
  options: {
    checkpoint: {
      type: 'string',
      default: fileURLToPath(new URL('../test/fixtures/fno/fno2d.safetensors', import.meta.url)),
    },
    tiny: { type: 'boolean', default: false },
  },
});

// The architecture is not in a state_dict; the fixture stores it in the safetensors metadata.
// neuraloperator's FNO(n_modes=(6, 6), in_channels=1, out_channels=1, hidden_channels=8,
// n_layers=2) with its default lifting/projection ratio 2 and channel-MLP expansion 0.5 is:
const fallbackConfig = {
  nModes: [6, 6],
  inChannels: 1,
  outChannels: 1,
  hiddenChannels: 8,
  nLayers: 2,
};

const { tensors, metadata } = parseSafetensors(await readFile(arg.checkpoint));
const config = metadata.config ? JSON.parse(metadata.config) : fallbackConfig;

const rt = await init();
try {
  const fno = new FNO(rt, config);
  // Checks every name, shape and value first: on any mismatch it throws and loads nothing.
  // Keys starting with '__' (the fixture's input and output) are not parameters and are skipped.
  fno.loadStateDict(tensors);
  const nParams = fno.namedParameters().reduce((n, [, p]) => n + p.size, 0);
  console.log(`loaded ${arg.checkpoint}: ${nParams} parameters, config ${JSON.stringify(config)}`);

  // An input [batch, inChannels, height, width]: the fixture's own, or a smooth field.
  const x = tensors.get('__input__') ?? smoothField([1, config.inChannels, 32, 32]);
  const y = await fno.forward(rt.tensor(x.data, x.shape)).read();
  console.log(`output [${[x.shape[0], config.outChannels, ...x.shape.slice(2)].join(', ')}]`);

  // Against PyTorch's output for the same input, when the file carries one.
  const want = tensors.get('__output__');
  const relL2 = want ? relativeL2(y, want.data) : null;
  if (want) console.log(`relative L2 difference from PyTorch's output: ${relL2.toExponential(2)}`);
  console.log(`result ${JSON.stringify({ parameters: nParams, relL2VsPytorch: relL2 })}`);
} finally {
  rt.destroy();
}

/** sin(2 pi x) cos(2 pi y) on a [.., h, w] grid, the same in every batch entry and channel. */
function smoothField(shape) {
  const [h, w] = shape.slice(-2);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let k = 0; k < data.length; k++)
    data[k] =
      Math.sin((2 * Math.PI * Math.floor((k % (h * w)) / w)) / h) *
      Math.cos((2 * Math.PI * (k % w)) / w);
  return { data, shape };
}

/** ||a - b|| / ||b||. */
function relativeL2(a, b) {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}
