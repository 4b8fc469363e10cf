// Acquisition and audience: sessions per medium, source or campaign over time, and who the
// visitors are (browsers, operating systems, device types, countries).
import { get } from '../api.js';
import { axisLabelTime, chart } from '../charts.js';
import * as f from '../format.js';
import { updateParams } from '../state.js';
import { card, empty, h, load, table } from '../ui.js';

const kBy = [['medium', 'Medium'], ['source', 'Source'], ['campaign', 'Campaign']];

export async function render(root, ctx) {
  const by = ctx.params.get('by') ?? 'medium';
  const over = card('Sessions by acquisition channel', { wide: true });
  const channels = card(`Top ${by}s`);
  const browsers = card('Browsers');
  const os = card('Operating systems');
  const devices = card('Device types');
  const countries = card('Countries');
  root.append(h('div', { class: 'grid' }, over.el, channels.el, devices.el, browsers.el, os.el, countries.el));

  const select = h('select', { id: 'acquisition-by', 'aria-label': 'Channel', onchange: (e) => updateParams({ by: e.target.value === 'medium' ? null : e.target.value }) },
    kBy.map(([v, l]) => h('option', { value: v, text: l, selected: v === by })));
  const holder = h('div');
  over.body.append(h('div', { class: 'controls' }, h('label', {}, 'By ', select)), holder);
  const params = new URLSearchParams(ctx.api);
  params.set('by', by);
  params.set('granularity', 'day');
  params.set('limit', '8');
  load(holder, () => get('/api/v1/acquisition', params), (a) => {
    const series = a.series ?? [];
    if (series.length === 0) return empty(holder, 'No sessions in this range.');
    chart(holder, {
      grid: { left: 48, right: 16, top: 40, bottom: 28 },
      legend: { type: 'scroll', top: 0 },
      tooltip: { trigger: 'axis', valueFormatter: f.int },
      xAxis: { type: 'time', axisLabel: { formatter: axisLabelTime(a.granularity), hideOverlap: true } },
      yAxis: { type: 'value', minInterval: 1 },
      series: series.map((s) => ({
        name: f.key(s.key), type: 'line', stack: 'sessions', areaStyle: { opacity: 0.5 }, showSymbol: false,
        data: (s.points ?? []).map((p) => [p.t, p.sessions]),
      })),
    }, { height: 300, label: `sessions per day by ${by}` });
  }, ctx.isCurrent);

  top(channels.body, ctx, by, (r) => r.rows.length && channels.body.append(tableOf(r)));
  top(devices.body, ctx, 'device', (r) => pie(devices.body, r));
  top(browsers.body, ctx, 'browser', (r) => bars(browsers.body, r));
  top(os.body, ctx, 'os', (r) => bars(os.body, r));
  top(countries.body, ctx, 'country', (r) => bars(countries.body, r));
}

function top(body, ctx, dimension, show) {
  const params = new URLSearchParams(ctx.api);
  params.set('dimension', dimension);
  params.set('metric', 'sessions');
  params.set('limit', '10');
  load(body, () => get('/api/v1/top', params), (r) => {
    if (!r.rows?.length) return empty(body, 'No sessions in this range.');
    show(r);
  }, ctx.isCurrent);
}

function tableOf(r) {
  return table([
    { label: r.dimension[0].toUpperCase() + r.dimension.slice(1), value: (row) => f.key(row.key), cls: 'key' },
    { label: 'Sessions', value: (row) => f.int(row.value), num: true },
    { label: 'Share', value: (row) => f.pct(row.share), num: true },
  ], r.rows, { className: `toplist toplist-${r.dimension}` });
}

function pie(body, r) {
  chart(body, {
    tooltip: { trigger: 'item', valueFormatter: f.int },
    legend: { bottom: 0, type: 'scroll' },
    series: [{ type: 'pie', radius: ['40%', '68%'], center: ['50%', '45%'], label: { formatter: '{b}\n{d} %' },
      data: r.rows.map((row) => ({ name: f.key(row.key), value: row.value })) }],
  }, { height: 260, label: `sessions by ${r.dimension}` });
  body.append(tableOf(r));
}

function bars(body, r) {
  const rows = [...r.rows].reverse();
  chart(body, {
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: f.int },
    xAxis: { type: 'value', show: false },
    yAxis: { type: 'category', data: rows.map((row) => f.key(row.key)), axisLabel: { width: 120, overflow: 'truncate' } },
    series: [{ type: 'bar', data: rows.map((row) => row.value), label: { show: true, position: 'right', formatter: (p) => f.pct(r.rows[rows.length - 1 - p.dataIndex].share, 0) } }],
  }, { height: Math.max(140, rows.length * 26 + 20), label: `sessions by ${r.dimension}` });
}
