// The bar above every page: date range (a preset counted back from the end of the data, or two
// dates) and the app, country, device and campaign filters. All of it lives in the URL.
import { kFilterKeys, kRangePresets, updateParams } from './state.js';
import { h } from './ui.js';

const kLabels = { app_id: 'App', country: 'Country', device: 'Device', campaign: 'Campaign' };
const kAll = { app_id: 'All apps', country: 'All countries', device: 'All devices', campaign: 'All campaigns' };
const kDay = 24 * 3600 * 1000;

// The API's `to` is exclusive; the date picker shows the last day included.
const dayBefore = (iso) => new Date(new Date(iso).getTime() - kDay).toISOString().slice(0, 10);
const dayAfter = (date) => new Date(new Date(`${date}T00:00:00Z`).getTime() + kDay).toISOString().slice(0, 10);

export function renderFilters(root, route, m, enabled) {
  const p = route.params;
  const custom = p.get('from') || p.get('to');
  const preset = h('select', {
    id: 'range', 'aria-label': 'Date range',
    onchange: (e) => {
      const v = e.target.value;
      if (v === 'custom') {
        const to = m.ok && m.data_range?.to ? m.data_range.to.slice(0, 10) : new Date().toISOString().slice(0, 10);
        updateParams({ range: null, from: new Date(new Date(`${to}T00:00:00Z`).getTime() - 6 * kDay).toISOString().slice(0, 10), to: dayAfter(to) });
      } else {
        updateParams({ range: v === '7d' ? null : v, from: null, to: null });
      }
    },
  },
  kRangePresets.map((r) => h('option', { value: r.value, text: r.label, selected: !custom && (p.get('range') ?? '7d') === r.value })),
  h('option', { value: 'custom', text: 'Custom dates', selected: !!custom }));

  const min = m.ok ? m.data_range?.from?.slice(0, 10) : undefined;
  const max = m.ok ? m.data_range?.to?.slice(0, 10) : undefined;
  const from = h('input', {
    type: 'date', id: 'from', 'aria-label': 'From (first day)', value: p.get('from')?.slice(0, 10) ?? '', min, max,
    onchange: (e) => e.target.value && updateParams({ range: null, from: e.target.value }),
  });
  const to = h('input', {
    type: 'date', id: 'to', 'aria-label': 'To (last day)', value: p.get('to') ? dayBefore(p.get('to')) : '', min, max,
    onchange: (e) => e.target.value && updateParams({ range: null, to: dayAfter(e.target.value) }),
  });
  const dates = h('span', { class: 'dates', hidden: !custom }, from, h('span', { 'aria-hidden': 'true', text: '–' }), to);

  const selects = kFilterKeys.map((k) => {
    const values = m.ok ? (m.filters?.[k] ?? []) : [];
    const current = p.get(k) ?? '';
    const options = [h('option', { value: '', text: kAll[k] }),
      ...values.map((v) => h('option', { value: v, text: v === null || v === '' ? '(none)' : v, selected: v === current }))];
    if (current && !values.includes(current)) options.push(h('option', { value: current, text: current, selected: true }));
    return h('label', { class: 'filter' }, h('span', { text: kLabels[k] }),
      h('select', { id: `filter-${k}`, 'data-filter': k, disabled: !enabled || !!m.loading, onchange: (e) => updateParams({ [k]: e.target.value }) }, options));
  });

  const active = kFilterKeys.filter((k) => p.get(k));
  root.replaceChildren(...[
    h('label', { class: 'filter' }, h('span', { text: 'Dates' }), preset), dates, ...selects,
    active.length ? h('button', { type: 'button', class: 'link', onclick: () => updateParams(Object.fromEntries(kFilterKeys.map((k) => [k, null]))), text: 'Clear filters' }) : null,
    m.ok || m.loading ? null : h('p', { class: 'error inline', role: 'alert', text: `Filter values and the data range are unavailable: ${m.error.message}` }),
    enabled ? null : h('p', { class: 'note inline', text: 'This page is not filtered.' }),
  ].filter(Boolean));
}
