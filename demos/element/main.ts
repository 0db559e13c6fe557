/** Registers <wgno-navier-stokes> and reports when the element's demo runs (or why it does not). */
import { defineNavierStokesElement, type NavierStokesElement } from '../../src/index';
import { runPage, setState } from '../page';

void runPage(async () => {
  const el = document.querySelector('wgno-navier-stokes') as NavierStokesElement;
  const ready = new Promise((resolve, reject) => {
    el.addEventListener('ready', resolve);
    el.addEventListener('wgno-error', (e) => reject((e as CustomEvent).detail));
  });
  defineNavierStokesElement();
  await ready;
  setState('running', 'The element is running.');
});
