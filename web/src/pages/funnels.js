// Funnels: each configured funnel as a funnel chart, with per-step sessions, conversion, median
// time from the previous step, and where the sessions that dropped off went next.
import { get } from '../api.js';
import { chart } from '../charts.js';
import * as f from '../format.js';
import { card, empty, h, load, table } from '../ui.js';

export async function render(root, ctx) {
  const holder = h('div', { class: 'stack' });
  root.append(holder);
  load(holder, () => get('/api/v1/funnels', ctx.api), (r) => {
    const funnels = r.funnels ?? [];
    if (funnels.length === 0) {
      return empty(holder, 'No funnels are configured. Add them under `funnels:` in footfall.yaml (docs/config.md), then rebuild.');
    }
    if (r.whole_history) holder.append(h('p', { class: 'note', text: 'Funnels cover the whole history of this version: the date range and filters do not apply to them.' }));
    // Each card is in the page before its chart is drawn (ECharts sizes itself to its element).
    for (const fn of funnels) renderFunnel(holder, fn);
  }, ctx.isCurrent);
}

function renderFunnel(parent, fn) {
  const c = card(`Funnel: ${fn.name}`, { wide: true });
  c.el.dataset.funnel = fn.name;
  parent.append(c.el);
  const steps = fn.steps ?? [];
  if (steps.length === 0 || !steps[0].sessions) {
    empty(c.body, 'No session reached the first step in this range.');
    return;
  }
  const last = steps[steps.length - 1];
  c.body.append(h('p', { class: 'summary' },
    h('strong', { text: f.pct(last.conversion_from_start) }),
    ` of ${f.int(steps[0].sessions)} sessions that reached “${steps[0].name}” went on to “${last.name}”.`));
  const layout = h('div', { class: 'split' });
  c.body.append(layout);
  const left = h('div');
  const right = h('div');
  layout.append(left, right);
  chart(left, {
    tooltip: { trigger: 'item', formatter: (p) => `${f.escape(p.name)}<br>${f.int(p.value)} sessions (${f.pct(steps[p.dataIndex].conversion_from_start)} of the first step)` },
    series: [{
      type: 'funnel', sort: 'none', left: 8, right: 8, top: 8, bottom: 8, minSize: '8%', gap: 2,
      label: { position: 'inside', formatter: (p) => `${p.name}\n${f.int(p.value)}`, color: '#fff', textBorderColor: 'rgba(0,0,0,0.45)', textBorderWidth: 2 },
      data: steps.map((s) => ({ name: s.name, value: s.sessions })),
    }],
  }, { height: Math.max(220, steps.length * 64), label: `funnel ${fn.name}` });
  right.append(table([
    { label: '#', value: (s) => s.index, num: true },
    { label: 'Step', value: (s) => s.name },
    { label: 'Sessions', value: (s) => h('span', { 'data-sessions': String(s.sessions), text: f.int(s.sessions) }), num: true },
    { label: 'From start', value: (s) => f.pct(s.conversion_from_start), num: true },
    { label: 'From previous', value: (s) => (s.index === 1 ? '' : f.pct(s.conversion_from_previous)), num: true },
    { label: 'Median time', value: (s) => (s.index === 1 ? '' : f.duration(s.median_time_from_previous_s)), num: true },
  ], steps, { className: 'funnel-steps' }));
  const drops = steps.filter((s) => s.dropoffs?.length);
  if (drops.length) {
    right.append(h('h3', { text: 'Where drop-offs went next' }),
      h('ul', { class: 'dropoffs' }, drops.map((s) => {
        const lost = steps[s.index] ? s.sessions - steps[s.index].sessions : null;
        return h('li', {},
          h('strong', { text: `After “${s.name}”` }), lost === null ? ': ' : ` (${f.int(lost)} left): `,
          s.dropoffs.slice(0, 5).map((d, i) => `${i ? ', ' : ''}${d.next === null || d.next === '' ? 'left the site' : d.next} ${f.int(d.sessions)}`).join(''));
      })));
  }
}
