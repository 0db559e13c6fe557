/**
 * The live Navier-Stokes demo page: mounts the library's component with the shipped model
 * (models/ns2d-fno-32) and the refine switch's space-time FNO (models/ns2d-refiner). Everything
 * it does is public API (`mountNavierStokes`).
 */
import { mountNavierStokes, type NavierStokesDemo } from '../../src/index';
import { runPage, setState } from '../page';

// Relative to the page, so the demo also works from a static host under a sub-path.
const MODEL = new URL('../../models/ns2d-fno-32/', document.baseURI);
const REFINER = new URL('../../models/ns2d-refiner/', document.baseURI);
// ?refine-iterations=K sets the refine switch's iterations per window (tests use few).
const iterations = Number(new URLSearchParams(location.search).get('refine-iterations')) || 20;

void runPage(async () => {
  const demo = await mountNavierStokes(document.getElementById('app')!, {
    weightsUrl: new URL('weights.safetensors', MODEL).href,
    configUrl: new URL('config.json', MODEL).href,
    historyUrl: new URL('history.safetensors', MODEL).href,
    refiner: {
      weightsUrl: new URL('weights.safetensors', REFINER).href,
      configUrl: new URL('config.json', REFINER).href,
      iterations,
    },
  });
  const { vendor, architecture } = demo.runtime.adapterInfo;
  setState('running', `Running on ${`${vendor} ${architecture}`.trim() || 'an unnamed adapter'}.`);
  (window as unknown as { wgnoDemo: NavierStokesDemo }).wgnoDemo = demo;
});
