/**
 * The demo component's styles (its own and uPlot's), added once to the document that shows it, so
 * that embedding needs no stylesheet of its own.
 */
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import demoCss from './ns_demo.css?inline';

const STYLE_ID = 'wgno-ns-styles';

export function injectStyles(doc: Document = document): void {
  if (doc.getElementById(STYLE_ID)) return;
  const style = doc.createElement('style');
  style.id = STYLE_ID;
  style.textContent = `${uplotCss}\n${demoCss}`;
  doc.head.append(style);
}
