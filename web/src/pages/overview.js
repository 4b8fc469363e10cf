// Overview: KPIs against the previous period, traffic over time with the live (speed-layer)
// part marked, the top pages, referrers, campaigns, countries and devices, and the last 30
// minutes live.
import { get } from '../api.js';
import { axisLabelTime, chart, kLiveColour, kPalette } from '../charts.js';
import * as f from '../format.js';
import { granularityFor, hasFilter, updateParams } from '../state.js';
import { card, empty, h, load, shareBar, table } from '../ui.js';

const kKpis = [
  { key: 'page_views', label: 'Page views', fmt: f.int },
  { key: 'sessions', label: 'Sessions', fmt: f.int },
  { key: 'users', label: 'Users', fmt: f.int },
  { key: 'engaged_sessions', label: 'Engaged sessions', fmt: f.int },
  { key: 'bounce_rate', label: 'Bounce rate', fmt: (v) => f.pct(v), lowerIsBetter: true },
  { key: 'avg_engaged_time_s', label: 'Avg. engaged time', fmt: f.duration },
];
const kMetrics = [
  ['page_views', 'Page views'], ['sessions', 'Sessions'], ['users', 'Users'],
  ['engaged_sessions', 'Engaged sessions'], ['events', 'Events'],
];
const kTops = [
  { dimension: 'page', title: 'Top pages', metric: 'page_views' },
  { dimension: 'referrer', title: 'Top referrers', metric: 'sessions' },
  { dimension: 'campaign', title: 'Top campaigns', metric: 'sessions' },
  { dimension: 'country', title: 'Countries', metric: 'sessions' },
  { dimension: 'device', title: 'Devices', metric: 'sessions' },
];
const kLiveRefreshMs = 15000;

export async function render(root, ctx) {
  const kpis = h('section', { class: 'kpis', 'aria-label': 'Key figures' });
  const provenance = h('p', { class: 'provenance note' });
  const traffic = card('Traffic');
  const liveCard = card('Live: last 30 minutes', { id: 'live' });
  const grid = h('div', { class: 'grid main-row' }, traffic.el, liveCard.el);
  const tops = kTops.map((t) => ({ ...t, card: card(t.title) }));
  root.append(kpis, provenance, grid, h('div', { class: 'grid' }, tops.map((t) => t.card.el)));

  load(kpis, () => get('/api/v1/overview', ctx.api), (o) => renderKpis(kpis, provenance, o), ctx.isCurrent);
  renderTraffic(traffic.body, ctx);
  for (const t of tops) {
    const params = new URLSearchParams(ctx.api);
    params.set('dimension', t.dimension);
    params.set('metric', t.metric);
    params.set('limit', '8');
    load(t.card.body, () => get('/api/v1/top', params), (r) => renderTop(t.card.body, r, t.metric), ctx.isCurrent);
  }
  const refresh = () => load(liveCard.body, () => get('/api/v1/live', new URLSearchParams({ minutes: '30' })), (l) => renderLive(liveCard.body, l, ctx), ctx.isCurrent);
  refresh();
  const timer = setInterval(() => ctx.isCurrent() && refreshQuietly(liveCard.body, ctx), kLiveRefreshMs);
  ctx.onLeave(() => clearInterval(timer));
}

// Later refreshes replace the live card only once the new answer is there (no flicker).
async function refreshQuietly(body, ctx) {
  try {
    const l = await get('/api/v1/live', new URLSearchParams({ minutes: '30' }));
    if (ctx.isCurrent()) {
      body.replaceChildren();
      renderLive(body, l, ctx);
    }
  } catch {
    // The next refresh tries again; the last numbers stay on screen meanwhile.
  }
}

function renderKpis(root, provenance, o) {
  const prev = o.previous ?? {};
  root.replaceChildren(...kKpis.map((k) => {
    const c = f.change(o[k.key], prev[k.key]);
    const good = c === null || c === 0 ? null : (c > 0) !== !!k.lowerIsBetter;
    const changeText = c === null ? 'no previous data' : `${c > 0 ? '▲' : c < 0 ? '▼' : '='} ${f.pct(Math.abs(c))}`;
    return h('div', { class: 'kpi', 'data-kpi': k.key },
      h('span', { class: 'kpi-label', text: k.label }),
      h('span', { class: 'kpi-value', text: k.fmt(o[k.key]) }),
      h('span', { class: `kpi-change ${good === null ? '' : good ? 'good' : 'bad'}`, title: `previous period: ${k.fmt(prev[k.key])}`, text: changeText }),
    );
  }));
  performance.mark('footfall:kpis');
  const range = o.range ? `${f.time(o.range.from)} – ${f.time(o.range.to)} UTC` : '';
  if (o.range) provenance.dataset.range = new URLSearchParams({ from: o.range.from, to: o.range.to }).toString();
  const speed = o.speed
    ? ` Includes live numbers from the speed layer past segment ${o.speed.since_segment}: ${f.int(o.speed.events)} events (sampled at ${f.pct(o.speed.sample_rate, 0)}, ±${f.pct(o.speed.relative_error)}).`
    : ' Batch numbers only (no speed layer in this process).';
  provenance.textContent = `${range}. Version ${o.version ?? '–'}, exact until ${f.time(o.exact_until)} (raw segment ${o.watermark ?? '–'}).${speed}`;
}

function renderTraffic(body, ctx) {
  const metric = ctx.params.get('metric') ?? 'page_views';
  const select = h('select', { 'aria-label': 'Metric', id: 'traffic-metric', onchange: (e) => updateParams({ metric: e.target.value === 'page_views' ? null : e.target.value }) },
    kMetrics.map(([v, l]) => h('option', { value: v, text: l, selected: v === metric })));
  const holder = h('div');
  body.append(h('div', { class: 'controls' }, select), holder);
  const params = new URLSearchParams(ctx.api);
  params.set('metric', metric);
  params.set('granularity', granularityFor(ctx.api));
  load(holder, () => get('/api/v1/timeseries', params), (ts) => {
    const points = ts.points ?? [];
    if (points.length === 0) return empty(holder, 'No traffic in this range.');
    // Two series sharing the boundary point: solid for batch, dashed for live.
    const firstLive = points.findIndex((p) => p.live);
    const batch = points.map((p, i) => (firstLive < 0 || i <= firstLive ? [p.t, p.value] : [p.t, null]));
    const liveData = points.map((p, i) => (firstLive >= 0 && i >= Math.max(0, firstLive - 1) ? [p.t, p.value] : [p.t, null]));
    const series = [{ name: 'batch', type: 'line', data: batch, showSymbol: false, areaStyle: { opacity: 0.12 }, lineStyle: { width: 2 }, color: kPalette[0] }];
    if (firstLive >= 0) {
      series.push({
        name: 'live (speed layer, sampled)', type: 'line', data: liveData, showSymbol: false, color: kLiveColour,
        lineStyle: { type: 'dashed', width: 2 },
        markArea: { silent: true, itemStyle: { color: 'rgba(213,94,0,0.08)' }, label: { show: true, text: 'live', color: kLiveColour, position: 'insideTop' }, data: [[{ xAxis: points[firstLive].t }, { xAxis: points[points.length - 1].t }]] },
      });
    }
    chart(holder, {
      grid: { left: 48, right: 16, top: 28, bottom: 28 },
      legend: { show: firstLive >= 0, top: 0, right: 0 },
      tooltip: { trigger: 'axis', valueFormatter: f.int },
      xAxis: { type: 'time', axisLabel: { formatter: axisLabelTime(ts.granularity), hideOverlap: true } },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: f.compact } },
      series,
    }, { height: 280, label: `${metric} per ${ts.granularity}`, className: 'traffic-chart' });
    holder.append(h('p', { class: 'note', text: firstLive >= 0 ? 'Dashed: live buckets past the batch watermark, from the sampled speed layer.' : 'All buckets come from the batch views.' }));
  }, ctx.isCurrent);
}

function renderTop(body, r, metric) {
  const rows = r.rows ?? [];
  if (rows.length === 0) return empty(body, 'Nothing in this range.');
  body.append(table([
    { label: r.dimension === 'page' ? 'Page' : r.dimension[0].toUpperCase() + r.dimension.slice(1), value: (row) => f.key(row.key), cls: 'key' },
    { label: '', value: (row) => shareBar(row.share), cls: 'share' },
    { label: metric === 'page_views' ? 'Page views' : 'Sessions', value: (row) => f.int(row.value), num: true },
    { label: 'Share', value: (row) => f.pct(row.share), num: true },
  ], rows, { className: `toplist toplist-${r.dimension}` }));
}

function renderLive(body, l, ctx) {
  if (!l.available) {
    return empty(body, 'No speed layer runs in this process (speed.enabled is false in its config): the numbers are the batch views only.');
  }
  const t = l.total ?? {};
  body.append(
    h('div', { class: 'live-total' },
      h('span', { class: 'live-dot', 'aria-hidden': 'true' }),
      h('span', { class: 'kpi-value', 'data-live': 'events', text: f.int(t.events) }), h('span', { text: ' events · ' }),
      h('span', { text: `${f.int(t.page_views)} page views · ${f.int(t.sessions)} sessions · ${f.int(t.users)} users` })),
    h('p', { class: 'note', text: `Sampled at ${f.pct(l.sample_rate, 0)}, ${f.number(l.lag_ms / 1000)} s behind the collector, from raw segment ${l.since_segment}.${hasFilter(ctx.params) ? ' Live numbers are not filtered.' : ''}` }),
  );
  const minutes = l.minutes ?? [];
  if (minutes.length) {
    chart(body, {
      grid: { left: 36, right: 8, top: 8, bottom: 24 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: minutes.map((m) => f.time(m.t).slice(-5)), axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ name: 'events', type: 'bar', data: minutes.map((m) => m.events), color: kLiveColour }],
    }, { height: 160, label: 'events per minute, last 30 minutes' });
  }
}
