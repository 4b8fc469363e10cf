// Flows (process mining): for the chosen flow, the process map (directly-follows graph with
// counts and times on the edges, activities coloured by waiting time), the bottleneck ranking,
// the cycle-time distribution, the variants and the cost per activity.
import { get } from '../api.js';
import { chart, kHeatColours, kPalette } from '../charts.js';
import * as f from '../format.js';
import { updateParams } from '../state.js';
import { card, empty, h, load, shareBar, table } from '../ui.js';

// Flows are built over all the data of a version: the date range and filters do not apply.
export const usesFilters = false;

export async function render(root, ctx) {
  const picker = h('div', { class: 'controls flow-picker' });
  const holder = h('div', { class: 'stack' });
  root.append(picker, holder);
  load(picker, () => get('/api/v1/flows'), (list) => {
    const flows = list.flows ?? [];
    if (flows.length === 0) {
      return empty(holder, 'No flows are configured. Map events to cases and activities under `flows:` in footfall.yaml (docs/config.md), then rebuild.');
    }
    const chosen = ctx.params.get('flow') ?? flows[0].name;
    picker.append(h('label', {}, 'Flow ', h('select', { id: 'flow-name', 'aria-label': 'Flow', onchange: (e) => updateParams({ flow: e.target.value }) },
      flows.map((fl) => h('option', { value: fl.name, selected: fl.name === chosen, text: `${fl.name} (${f.int(fl.cases)} cases, ${f.int(fl.activities)} activities)` })))));
    load(holder, () => get(`/api/v1/flows/${encodeURIComponent(chosen)}`), (flow) => renderFlow(holder, flow), ctx.isCurrent);
  }, ctx.isCurrent);
}

function renderFlow(root, flow) {
  const map = card(`Process map: ${flow.name}`, { wide: true, note: 'Boxes are activities, coloured by median waiting time before they start; arrows are directly-follows transitions with their count and median gap.' });
  const bottlenecks = card('Bottlenecks', { wide: true });
  const cycle = card('Cycle time');
  const cost = card('Cost per activity');
  const variants = card('Variants', { wide: true });
  root.append(map.el, bottlenecks.el, h('div', { class: 'grid' }, cycle.el, cost.el), variants.el);

  processMap(map.body, flow);

  const b = flow.bottlenecks ?? [];
  if (b.length === 0) empty(bottlenecks.body, 'No waiting time recorded.');
  else {
    bottlenecks.body.append(table([
      { label: '#', value: (r) => r.rank, num: true },
      { label: 'Activity', value: (r) => r.activity, cls: 'key' },
      { label: 'Total wait', value: (r) => `${f.number(r.total_wait_h)} h`, num: true },
      { label: 'Wait per case', value: (r) => f.duration(r.wait_per_case_min * 60), num: true },
      { label: 'p90 wait', value: (r) => f.duration(r.wait_p90_min * 60), num: true },
      { label: 'Share of cycle time', value: (r) => h('span', { class: 'share-cell' }, shareBar(r.wait_share), f.pct(r.wait_share)), num: true },
      { label: 'Queue growth', value: (r) => `${r.queue_growth_per_day > 0 ? '+' : ''}${f.number(r.queue_growth_per_day, 2)}/day`, num: true },
    ], b, { className: 'bottlenecks' }));
    if (b[0]?.evidence) bottlenecks.body.append(h('p', { class: 'summary', text: b[0].evidence }));
  }

  const ct = flow.cycle_time ?? {};
  const hist = ct.histogram ?? [];
  if (hist.length === 0) empty(cycle.body, 'No completed cases.');
  else {
    cycle.body.append(h('p', { class: 'summary', text: `Median ${f.duration(ct.p50_s)}, 90 % of cases within ${f.duration(ct.p90_s)}.` }));
    chart(cycle.body, {
      grid: { left: 44, right: 12, top: 12, bottom: 40 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', name: 'cycle time up to', nameLocation: 'middle', nameGap: 26, data: hist.map((x) => f.duration(x.upper_s)), axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', name: 'cases', minInterval: 1 },
      series: [{ type: 'bar', name: 'cases', data: hist.map((x) => x.cases), color: kPalette[0] }],
    }, { height: 260, label: 'cycle-time distribution' });
  }

  const c = flow.cost ?? {};
  const by = (c.by_activity ?? []).filter((x) => x.cost);
  if (by.length === 0) empty(cost.body, 'This flow records no cost.');
  else {
    cost.body.append(h('p', { class: 'summary', text: `Total ${f.number(c.total, 0)}, ${f.number(c.per_case, 2)} per case.` }));
    const rows = [...by].sort((x, y) => x.cost - y.cost);
    chart(cost.body, {
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', show: false },
      yAxis: { type: 'category', data: rows.map((x) => x.activity) },
      series: [{ type: 'bar', data: rows.map((x) => x.cost), color: kPalette[1], label: { show: true, position: 'right', formatter: (p) => f.number(p.value, 0) } }],
    }, { height: Math.max(160, rows.length * 28 + 20), label: 'cost per activity' });
  }

  const v = flow.variants ?? [];
  if (v.length === 0) empty(variants.body, 'No variants.');
  else {
    variants.body.append(table([
      { label: '#', value: (r) => r.rank, num: true },
      { label: 'Path', value: (r) => r.variant, cls: 'variant' },
      { label: 'Cases', value: (r) => f.int(r.cases), num: true },
      { label: 'Share', value: (r) => f.pct(r.share), num: true },
      { label: 'Median cycle time', value: (r) => f.duration(r.cycle_time_p50_s), num: true },
    ], v, { className: 'variants' }));
  }
}

// Activities in columns by their distance from where cases start, so that the map reads left to
// right; loops back (rework) are drawn curved.
function layout(activities, transitions) {
  const names = new Set(activities.map((a) => a.activity));
  for (const t of transitions) {
    names.add(t.from_activity);
    names.add(t.to_activity);
  }
  const incoming = new Map([...names].map((n) => [n, 0]));
  const out = new Map([...names].map((n) => [n, []]));
  for (const t of transitions) {
    if (t.from_activity === t.to_activity) continue;
    incoming.set(t.to_activity, incoming.get(t.to_activity) + t.count);
    out.get(t.from_activity).push(t);
  }
  const cases = new Map(activities.map((a) => [a.activity, a.cases ?? 0]));
  let sources = [...names].filter((n) => incoming.get(n) === 0);
  if (sources.length === 0) {
    // Every activity has a predecessor (a loop): start where the most flow leaves relative to
    // what arrives.
    const balance = (n) => out.get(n).reduce((s, t) => s + t.count, 0) - incoming.get(n);
    sources = [[...names].sort((a, b) => balance(b) - balance(a))[0]];
  }
  const column = new Map(sources.map((s) => [s, 0]));
  const queue = [...sources];
  while (queue.length) {
    const n = queue.shift();
    for (const t of [...out.get(n)].sort((a, b) => b.count - a.count)) {
      if (!column.has(t.to_activity)) {
        column.set(t.to_activity, column.get(n) + 1);
        queue.push(t.to_activity);
      }
    }
  }
  const maxColumn = Math.max(0, ...column.values());
  for (const n of names) if (!column.has(n)) column.set(n, maxColumn + 1);
  const byColumn = new Map();
  for (const [n, c] of column) byColumn.set(c, [...(byColumn.get(c) ?? []), n]);
  const pos = new Map();
  for (const [c, list] of byColumn) {
    list.sort((a, b) => (cases.get(b) ?? 0) - (cases.get(a) ?? 0) || a.localeCompare(b));
    list.forEach((n, i) => pos.set(n, { x: c, y: (list.length - 1) / 2 - i }));
  }
  const rows = Math.max(...[...byColumn.values()].map((l) => l.length));
  return { names: [...names], pos, column, columns: byColumn.size, rows };
}

// A map stays readable up to about this many boxes and arrows; the busiest are kept.
const kMaxActivities = 14;
const kMaxTransitions = 40;

// t in [0, 1] → a colour between the ends of kHeatColours.
function heat(t) {
  const scaled = Math.max(0, Math.min(1, t)) * (kHeatColours.length - 1);
  const i = Math.min(kHeatColours.length - 2, Math.floor(scaled));
  const rgb = (hex) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
  const [a, b] = [rgb(kHeatColours[i]), rgb(kHeatColours[i + 1])];
  const mix = a.map((v, k) => Math.round(v + (b[k] - v) * (scaled - i)));
  return `rgb(${mix.join(',')})`;
}

function processMap(body, flow) {
  const all = flow.activities ?? [];
  if (all.length === 0) return empty(body, 'No cases in this flow yet.');
  const activities = [...all].sort((a, b) => (b.cases ?? 0) - (a.cases ?? 0) || a.activity.localeCompare(b.activity)).slice(0, kMaxActivities);
  const kept = new Set(activities.map((a) => a.activity));
  const among = (flow.transitions ?? []).filter((t) => kept.has(t.from_activity) && kept.has(t.to_activity));
  const transitions = [...among].sort((a, b) => b.count - a.count).slice(0, kMaxTransitions);
  if (activities.length < all.length || transitions.length < among.length) {
    body.append(h('p', { class: 'note', text: `Showing the ${activities.length} busiest of ${all.length} activities and the ${transitions.length} most frequent transitions between them; the tables below cover all.` }));
  }
  const { names, pos, column, columns, rows } = layout(activities, transitions);
  const byName = new Map(activities.map((a) => [a.activity, a]));
  const waits = activities.map((a) => a.wait_p50_s ?? 0);
  const maxCount = Math.max(1, ...transitions.map((t) => t.count));
  // Labels on the strongest edges only; the rest in the tooltip.
  const labelled = new Set([...transitions].sort((a, b) => b.count - a.count).slice(0, 14));
  chart(body, {
    tooltip: {
      formatter: (p) => {
        if (p.dataType === 'edge') {
          const t = p.data.transition;
          return `${f.escape(t.from_activity)} → ${f.escape(t.to_activity)}<br>${f.int(t.count)} times, median gap ${f.duration(t.gap_p50_s)}, p90 ${f.duration(t.gap_p90_s)}`;
        }
        const a = byName.get(p.data.name) ?? {};
        return `<strong>${f.escape(p.data.name)}</strong><br>${f.int(a.cases)} cases, ${f.int(a.executions)} executions<br>` +
          `waiting: median ${f.duration(a.wait_p50_s)}, p90 ${f.duration(a.wait_p90_s)}<br>service: median ${f.duration(a.service_p50_s)}, p90 ${f.duration(a.service_p90_s)}`;
      },
    },
    // Positions on hidden value axes (not the graph's own view, which would stretch the boxes
    // to fit the layout's aspect ratio).
    grid: { left: 50, right: 50, top: 20, bottom: 56 },
    xAxis: { type: 'value', show: false, min: -0.5, max: columns - 0.5 },
    yAxis: { type: 'value', show: false, min: -rows / 2, max: rows / 2 },
    visualMap: {
      // A legend only: the boxes are coloured below (visual mapping does not reach graph nodes
      // placed on axes).
      type: 'continuous', min: 0, max: Math.max(1, ...waits), seriesIndex: [], calculable: false,
      orient: 'horizontal', left: 'center', bottom: 0, itemWidth: 12, itemHeight: 160,
      text: [`wait ${f.duration(Math.max(...waits))}`, 'no wait'], inRange: { color: kHeatColours },
    },
    series: [{
      type: 'graph', layout: 'none', coordinateSystem: 'cartesian2d',
      symbol: 'roundRect', symbolSize: [Math.max(70, Math.min(120, 900 / columns - 10)), 30],
      edgeSymbol: ['none', 'arrow'], edgeSymbolSize: 9,
      label: { show: true, color: '#111', fontSize: 11, overflow: 'truncate', width: Math.max(64, Math.min(114, 900 / columns - 16)) },
      edgeLabel: { fontSize: 10, color: '#333', backgroundColor: 'rgba(255,255,255,0.85)', padding: 2 },
      data: names.map((n) => ({
        name: n,
        value: [pos.get(n).x, pos.get(n).y, byName.get(n)?.wait_p50_s ?? 0],
        itemStyle: { color: heat((byName.get(n)?.wait_p50_s ?? 0) / Math.max(1, ...waits)), borderColor: '#333', borderWidth: 1 },
      })),
      links: transitions.map((t) => {
        const back = column.get(t.to_activity) <= column.get(t.from_activity);
        return {
          source: t.from_activity, target: t.to_activity, transition: t,
          lineStyle: { width: 1 + 5 * (t.count / maxCount), color: back ? '#CC79A7' : '#6b7280', curveness: back ? 0.35 : 0.05, opacity: 0.8 },
          label: { show: labelled.has(t), formatter: () => `${f.compact(t.count)} · ${f.duration(t.gap_p50_s)}` },
        };
      }),
    }],
  }, { height: Math.min(640, Math.max(300, rows * 80 + 100)), label: `process map of ${flow.name}`, className: 'process-map' });
}
