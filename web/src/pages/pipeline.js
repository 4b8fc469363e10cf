// Pipeline: how data gets here — the collector's rate, the raw log, batch versions and their
// watermarks, the speed layer's lag, and bad rows by type with samples that show the reason.
import { get } from '../api.js';
import { chart, kPalette } from '../charts.js';
import * as f from '../format.js';
import { card, empty, h, load, table } from '../ui.js';

export const usesFilters = false;

export async function render(root, ctx) {
  const status = card('Raw log and serving');
  const live = card('Collector and speed layer');
  const versions = card('Batch versions', { wide: true });
  const bad = card('Bad rows', { wide: true, id: 'bad-rows' });
  root.append(h('div', { class: 'grid' }, status.el, live.el, versions.el, bad.el));

  load(status.body, () => get('/api/v1/status'), (s) => {
    const raw = s.raw ?? {};
    const serving = s.serving ?? {};
    status.body.append(facts([
      ['Sealed segments', f.int(raw.sealed_segments)],
      ['Sealed bytes', f.bytes(raw.sealed_bytes)],
      ['Active segments', `${f.int(raw.active_segments)} (${f.bytes(raw.active_bytes)})`],
      ['Last sealed segment', f.int(raw.last_sealed_segment)],
      ['Serving version', f.int(serving.version)],
      ['Built at', serving.built_at ? `${f.time(serving.built_at)} UTC` : '–'],
      ['Watermark (last segment in the version)', f.int(serving.watermark_segment)],
      ['Events in the version', f.int(serving.events)],
      ['Bad rows in the version', f.int(serving.bad_rows)],
      ['Segments not yet in a version', f.int(s.lag_segments)],
    ]));
  }, ctx.isCurrent);

  load(live.body, () => get('/api/v1/live', new URLSearchParams({ minutes: '30' })), (l) => {
    if (!l.available) return empty(live.body, 'No speed layer runs in this process (speed.enabled is false in its config): the collector rate and live numbers need it.');
    const minutes = l.minutes ?? [];
    const recent = minutes.slice(-5);
    const rate = recent.length ? recent.reduce((s, m) => s + m.events, 0) / recent.length : null;
    live.body.append(facts([
      ['Collector rate (last 5 min)', rate === null ? '–' : `${f.number(rate, 0)} events/min`],
      ['Speed-layer lag', `${f.number(l.lag_ms / 1000, 1)} s`],
      ['Speed layer counts from segment', f.int(l.since_segment)],
      ['Sample rate', f.pct(l.sample_rate, 0)],
    ]));
    if (minutes.length) {
      chart(live.body, {
        grid: { left: 40, right: 8, top: 8, bottom: 24 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: minutes.map((m) => f.time(m.t).slice(-5)), axisLabel: { hideOverlap: true } },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', name: 'events (estimated from the sample)', data: minutes.map((m) => m.events) }],
      }, { height: 160, label: 'events per minute reaching the speed layer' });
    }
  }, ctx.isCurrent);

  load(versions.body, () => get('/api/v1/meta'), (m) => {
    const list = [...(m.versions ?? [])].sort((a, b) => b.version - a.version);
    if (list.length === 0) return empty(versions.body, 'No version published yet: run footfall batch.');
    versions.body.append(table([
      { label: 'Version', value: (v) => (v.version === m.version ? `${v.version} (current)` : String(v.version)), num: true },
      { label: 'Built at (UTC)', value: (v) => f.time(v.built_at) },
      { label: 'Watermark segment', value: (v) => f.int(v.watermark), num: true },
      { label: 'Enrichment config', value: (v) => v.enrich_config ?? '', cls: 'mono' },
      { label: 'View config', value: (v) => v.view_config ?? '', cls: 'mono' },
    ], list, { className: 'versions' }));
  }, ctx.isCurrent);

  // Bad rows are dated by when the collector received them, which can be far from the events'
  // own times: all of them, up to tomorrow.
  const tomorrow = new Date(Date.now() + 24 * 3600 * 1000).toISOString().slice(0, 10);
  const badParams = new URLSearchParams({ from: '1970-01-01', to: tomorrow, limit: '20' });
  load(bad.body, () => get('/api/v1/bad_rows', badParams), (b) => {
    const types = b.by_type ?? [];
    if (!b.total) return empty(bad.body, 'No bad rows: every payload enriched.');
    bad.body.append(h('p', { class: 'summary', text: `${f.int(b.total)} bad rows in the current version, by the day the collector received them.` }));
    const split = h('div', { class: 'split' });
    bad.body.append(split);
    const left = h('div');
    const right = h('div');
    split.append(left, right);
    const rows = [...types].sort((x, y) => x.count - y.count);
    chart(left, {
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', show: false },
      yAxis: { type: 'category', data: rows.map((t) => t.type) },
      series: [{ type: 'bar', data: rows.map((t) => t.count), color: kPalette[5], label: { show: true, position: 'right' } }],
    }, { height: Math.max(140, rows.length * 30 + 20), label: 'bad rows by type' });
    const daily = b.daily ?? [];
    if (daily.length) {
      const dates = [...new Set(daily.map((d) => d.date))].sort();
      const typeNames = [...new Set(daily.map((d) => d.type))];
      chart(right, {
        grid: { left: 40, right: 8, top: 30, bottom: 24 },
        legend: { top: 0, type: 'scroll' },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: dates },
        yAxis: { type: 'value', minInterval: 1 },
        series: typeNames.map((t) => ({ name: t, type: 'bar', stack: 'bad', data: dates.map((d) => daily.find((x) => x.date === d && x.type === t)?.count ?? 0) })),
      }, { height: 220, label: 'bad rows per day by type' });
    }
    const samples = b.samples ?? [];
    bad.body.append(h('h3', { text: 'Samples' }));
    if (samples.length === 0) bad.body.append(h('p', { class: 'empty', text: 'No sample files found in the data directory.' }));
    else {
      bad.body.append(h('ul', { class: 'samples' }, samples.map((s) => h('li', {},
        h('div', {}, h('span', { class: 'tag', text: s.type }), ' ', h('span', { class: 'note', text: s.date ?? '' })),
        h('ul', { class: 'messages' }, (s.messages ?? []).map((msg) => h('li', { text: reason(msg) }))),
        s.payload ? h('details', {}, h('summary', { text: 'payload' }), h('pre', { text: s.payload })) : null))));
    }
  }, ctx.isCurrent);
}

// A bad row's message: {field, value, expectation} in a sentence, anything else as it is.
function reason(msg) {
  if (typeof msg === 'string') return msg;
  if (msg && msg.field !== undefined && msg.expectation !== undefined) {
    const value = msg.value === undefined || msg.value === null ? 'missing' : JSON.stringify(msg.value);
    return `${msg.field}: ${value}, expected ${msg.expectation}`;
  }
  return JSON.stringify(msg);
}

function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.map(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })]));
}
