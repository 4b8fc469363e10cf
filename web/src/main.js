// The dashboard: a hash router over the pages, the shared date range and filter bar, and the
// loading indicator. Every number comes from the JSON API on the same origin.
import './style.css';
import { onPendingChange } from './api.js';
import { disposeCharts } from './charts.js';
import { renderFilters } from './filters.js';
import { apiParams, currentRoute, hrefFor, meta, sharedParams } from './state.js';
import { h, showError } from './ui.js';
import * as overview from './pages/overview.js';
import * as acquisition from './pages/acquisition.js';
import * as funnels from './pages/funnels.js';
import * as journeys from './pages/journeys.js';
import * as flows from './pages/flows.js';
import * as sql from './pages/sql.js';
import * as pipeline from './pages/pipeline.js';

const kPages = [
  { id: 'overview', label: 'Overview', module: overview },
  { id: 'acquisition', label: 'Acquisition & audience', module: acquisition },
  { id: 'funnels', label: 'Funnels', module: funnels },
  { id: 'journeys', label: 'Journeys', module: journeys },
  { id: 'flows', label: 'Flows', module: flows },
  { id: 'sql', label: 'SQL', module: sql },
  { id: 'pipeline', label: 'Pipeline', module: pipeline },
];

let generation = 0;
let cleanup = [];

function renderNav(route) {
  const nav = document.getElementById('nav');
  const shared = sharedParams(route.params);
  nav.replaceChildren(...kPages.map((p) => h('a', {
    href: hrefFor(p.id, shared),
    'aria-current': p.id === route.page ? 'page' : null,
    text: p.label,
  })));
}

async function render() {
  const route = currentRoute();
  const page = kPages.find((p) => p.id === route.page);
  const view = document.getElementById('view');
  const mine = ++generation;
  for (const fn of cleanup) fn();
  cleanup = [];
  disposeCharts();
  renderNav(route);
  document.body.dataset.page = route.page;
  if (!page) {
    view.replaceChildren(h('p', { class: 'error', role: 'alert', text: `There is no page “${route.page}”.` }),
      h('p', {}, h('a', { href: '#/overview', text: 'Go to the overview' })));
    return;
  }
  document.title = `${page.label} · footfall`;
  // The data range and filter values (meta) are needed first only by a preset range; otherwise
  // the page's requests go out at once and the filter bar fills in when meta answers.
  const filters = document.getElementById('filters');
  const usesFilters = page.module.usesFilters !== false;
  const metaAnswer = meta();
  const p = route.params;
  let m = null;
  if (p.get('range') && !p.get('from') && !p.get('to')) {
    m = await metaAnswer;
    if (mine !== generation) return;
  }
  renderFilters(filters, route, m ?? { ok: false, loading: true }, usesFilters);
  if (!m) {
    metaAnswer.then((answer) => {
      if (mine === generation) renderFilters(filters, route, answer, usesFilters);
    });
  }
  view.replaceChildren();
  const ctx = {
    params: route.params,
    api: apiParams(route.params, m),
    isCurrent: () => mine === generation,
    onLeave: (fn) => cleanup.push(fn),
  };
  try {
    await page.module.render(view, ctx);
  } catch (e) {
    if (ctx.isCurrent()) showError(view, e);
  }
}

onPendingChange((n) => document.body.classList.toggle('busy', n > 0));
window.addEventListener('hashchange', render);
render();
