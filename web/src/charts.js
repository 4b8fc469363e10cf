// Charts on the dashboard's palette: Okabe–Ito, distinguishable with the common colour-vision
// deficiencies. ECharts itself (echarts.js) is the bulk of the bundle: it is imported the first
// time a chart is drawn, so that the page's first numbers are on screen before it is evaluated.
import { h } from './ui.js';

export const kPalette = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#8C6D00', '#5A5A5A'];
export const kLiveColour = '#D55E00';

const kBase = {
  color: kPalette,
  textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', color: '#1f2937' },
  aria: { enabled: true, decal: { show: false } },
  animationDuration: 300,
  animationDurationUpdate: 200,
  tooltip: { confine: true },
};

// Charts of the page on screen; disposed when the page changes.
const live = new Set();
let library = null;
let generation = 0;

// A chart in a new element appended to `parent` at once (so the layout does not jump); drawn
// when ECharts is loaded. `label` is its accessible name.
export function chart(parent, option, { height = 280, label, className = '' } = {}) {
  const el = h('div', { class: `chart ${className}`, role: 'img', 'aria-label': label ?? 'chart', style: `height:${height}px` });
  parent.append(el);
  // Evaluating ECharts takes the main thread for a while: first let the numbers that have
  // arrived paint.
  if (!library) library = new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))).then(() => import('./echarts.js'));
  const mine = generation;
  library.then(({ echarts }) => {
    if (mine !== generation || !el.isConnected) return;
    const instance = echarts.init(el, null, { renderer: 'canvas' });
    instance.setOption({ ...kBase, ...option });
    live.add(instance);
    if (performance.getEntriesByName('footfall:chart').length === 0) performance.mark('footfall:chart');
  }, (e) => {
    el.replaceChildren(h('p', { class: 'error', role: 'alert', text: `The chart library did not load: ${e.message}` }));
  });
}

export function disposeCharts() {
  generation++;
  for (const c of live) c.dispose();
  live.clear();
}

let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const c of live) c.resize();
  }, 100);
});

export const axisLabelTime = (granularity) => (v) => {
  const d = new Date(v);
  const day = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return granularity === 'hour' && d.getUTCHours() !== 0
    ? `${String(d.getUTCHours()).padStart(2, '0')}:00` : day;
};

// A gradient from calm to alarming for "how long things wait" (colour-vision safe ends).
export const kHeatColours = ['#56B4E9', '#F0E442', '#E69F00', '#D55E00'];
