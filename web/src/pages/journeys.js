// Journeys: a Sankey diagram of page paths from the landing pages (or one chosen start page)
// through N steps.
import { get } from '../api.js';
import { chart, kPalette } from '../charts.js';
import * as f from '../format.js';
import { updateParams } from '../state.js';
import { card, empty, h, load, table } from '../ui.js';

const kDepths = [2, 3, 4, 5, 6];
const kPathCounts = [20, 50, 100];

export async function render(root, ctx) {
  const start = ctx.params.get('start') ?? '';
  const depth = Number(ctx.params.get('depth') ?? 3);
  const paths = Number(ctx.params.get('paths') ?? 50);
  const c = card(start ? `Journeys from ${start}` : 'Journeys from the landing pages', { wide: true });
  const links = card('Most followed steps');
  const landing = card('Landing pages');
  root.append(h('div', { class: 'grid' }, c.el, links.el, landing.el));

  const startSelect = h('select', { id: 'journey-start', 'aria-label': 'Start page', onchange: (e) => updateParams({ start: e.target.value }) },
    h('option', { value: '', text: 'All landing pages' }));
  const depthSelect = h('select', { id: 'journey-depth', 'aria-label': 'Steps', onchange: (e) => updateParams({ depth: e.target.value === '3' ? null : e.target.value }) },
    kDepths.map((d) => h('option', { value: String(d), text: `${d} steps`, selected: d === depth })));
  const holder = h('div');
  const pathsSelect = h('select', { id: 'journey-paths', 'aria-label': 'Paths', onchange: (e) => updateParams({ paths: e.target.value === '50' ? null : e.target.value }) },
    kPathCounts.map((n) => h('option', { value: String(n), text: `top ${n} paths`, selected: n === paths })));
  c.body.append(h('div', { class: 'controls' }, h('label', {}, 'Start ', startSelect), h('label', {}, 'Depth ', depthSelect), h('label', {}, 'Showing ', pathsSelect)), holder);

  const params = new URLSearchParams(ctx.api);
  if (start) params.set('start', start);
  params.set('depth', String(depth));
  params.set('limit', String(paths));
  load(holder, () => get('/api/v1/journeys', params), (j) => {
    const pages = j.landing_pages ?? [];
    for (const p of pages) startSelect.append(h('option', { value: p.page, text: p.page, selected: p.page === start }));
    if (start && !pages.some((p) => p.page === start)) startSelect.append(h('option', { value: start, text: start, selected: true }));
    landing.body.replaceChildren(pages.length ? table([
      { label: 'Landing page', value: (p) => h('a', { href: '#', onclick: (e) => { e.preventDefault(); updateParams({ start: p.page }); }, text: p.page }) },
      { label: 'Sessions', value: (p) => f.int(p.sessions), num: true },
    ], pages, { className: 'landing-pages' }) : h('p', { class: 'empty', text: 'No landing pages in this range.' }));

    if (j.whole_history) holder.append(h('p', { class: 'note', text: 'Journeys cover the whole history of this version: the date range and filters do not apply to them.' }));
    const nodes = j.nodes ?? [];
    const edges = j.links ?? [];
    if (edges.length === 0) {
      links.body.replaceChildren();
      return empty(holder, 'No journeys in this range (sessions need at least two page views).');
    }
    const name = new Map(nodes.map((n) => [n.id, n.name]));
    const depthOf = new Map(nodes.map((n) => [n.id, n.depth]));
    const maxDepth = Math.max(...nodes.map((n) => n.depth));
    chart(holder, {
      tooltip: {
        trigger: 'item',
        formatter: (p) => (p.dataType === 'edge'
          ? `${f.escape(name.get(p.data.source))} → ${f.escape(name.get(p.data.target))}<br>${f.int(p.data.value)} sessions`
          : `${f.escape(name.get(p.data.name))} (step ${depthOf.get(p.data.name)})<br>${f.int(p.value)} sessions`),
      },
      series: [{
        type: 'sankey', left: 8, right: 120, top: 8, bottom: 8, nodeGap: 10, nodeWidth: 14, draggable: false,
        emphasis: { focus: 'adjacency' },
        layoutIterations: 32,
        // Node names must be unique: a page seen at two steps is two nodes, named by id.
        data: nodes.map((n) => ({ name: n.id, depth: n.depth - 1, itemStyle: { color: kPalette[(n.depth - 1) % kPalette.length] } })),
        links: edges.map((l) => ({ source: l.source, target: l.target, value: l.value })),
        lineStyle: { color: 'gradient', opacity: 0.35, curveness: 0.5 },
        label: { formatter: (p) => name.get(p.data.name) ?? p.data.name, fontSize: 11, overflow: 'truncate', width: 110 },
        levels: [...Array(maxDepth).keys()].map((d) => ({ depth: d })),
      }],
    }, { height: Math.min(720, Math.max(360, nodes.length * 18)), label: 'journeys Sankey diagram', className: 'sankey' });

    const top = [...edges].sort((a, b) => b.value - a.value || a.source.localeCompare(b.source)).slice(0, 15);
    links.body.replaceChildren(table([
      { label: 'Step', value: (l) => String(depthOf.get(l.source)), num: true },
      { label: 'From', value: (l) => name.get(l.source) ?? l.source, cls: 'key' },
      { label: 'To', value: (l) => name.get(l.target) ?? l.target, cls: 'key' },
      { label: 'Sessions', value: (l) => h('span', { 'data-link': `${l.source}>${l.target}`, 'data-value': String(l.value), text: f.int(l.value) }), num: true },
    ], top, { className: 'journey-links' }));
  }, ctx.isCurrent);
}
