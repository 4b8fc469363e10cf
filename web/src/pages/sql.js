// SQL console: read-only SQL over the current serving version (POST /api/v1/sql), the result as
// a table, a CSV download and a quick chart of the first column against the numeric ones.
import { postSql } from '../api.js';
import { chart } from '../charts.js';
import * as f from '../format.js';
import { card, empty, h, showError, table } from '../ui.js';

export const usesFilters = false;

const kDefault = 'SELECT date, page_views, sessions, users\nFROM traffic_daily\nORDER BY date';
const kTables = ['events', 'page_views', 'sessions', 'users', 'traffic_daily', 'traffic_hourly', 'acquisition',
  'funnel_steps', 'funnel_dropoffs', 'journey_transitions', 'journey_paths', 'flow_activities', 'flow_transitions',
  'flow_cases', 'flow_variants', 'flow_wip_daily', 'flow_bottlenecks', 'bad_rows_daily', 'pipeline_versions'];
const kMaxShownRows = 500;

export async function render(root, ctx) {
  const query = ctx.params.get('q') ?? kDefault;
  const c = card('SQL', { wide: true, note: 'Read-only SQLite SQL over the current version. Ctrl+Enter runs the query.' });
  const result = card('Result', { wide: true });
  root.append(c.el, result.el);

  const box = h('textarea', { id: 'sql-query', 'aria-label': 'SQL query', rows: 6, spellcheck: 'false', autocapitalize: 'off' });
  box.value = query;
  const run = h('button', { type: 'button', id: 'sql-run', class: 'primary', text: 'Run' });
  const csv = h('button', { type: 'button', id: 'sql-csv', disabled: true, text: 'Download CSV' });
  const tables = h('select', { 'aria-label': 'Insert a table', onchange: (e) => {
    if (e.target.value) box.value = `SELECT * FROM ${e.target.value} LIMIT 100`;
    e.target.value = '';
    box.focus();
  } }, h('option', { value: '', text: 'Tables…' }), kTables.map((t) => h('option', { value: t, text: t })));
  c.body.append(box, h('div', { class: 'controls' }, run, csv, tables));
  empty(result.body, 'Run a query to see its rows.');

  const execute = async () => {
    const sql = box.value.trim();
    if (!sql) return;
    // The query goes into the URL (without re-rendering) so that it can be shared.
    history.replaceState(null, '', `#/sql?${new URLSearchParams({ ...Object.fromEntries(ctx.params), q: sql })}`);
    run.disabled = true;
    result.body.replaceChildren(h('p', { class: 'loading', role: 'status', text: 'Running…' }));
    const began = performance.now();
    try {
      const r = await postSql(sql);
      if (!ctx.isCurrent()) return;
      showResult(result.body, r, performance.now() - began);
      csv.disabled = false;
    } catch (e) {
      if (ctx.isCurrent()) showError(result.body, e);
      csv.disabled = true;
    } finally {
      run.disabled = false;
    }
  };
  run.addEventListener('click', execute);
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      execute();
    }
  });
  csv.addEventListener('click', async () => {
    try {
      const text = await postSql(box.value.trim(), 'csv');
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
      const a = h('a', { href: url, download: 'footfall-query.csv' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) {
      showError(result.body, e);
    }
  });
  if (ctx.params.has('q')) execute();
}

function showResult(body, r, ms) {
  const rows = r.rows ?? [];
  const columns = r.columns ?? [];
  body.replaceChildren(h('p', { class: 'note', id: 'sql-summary', text: `${f.int(rows.length)} row${rows.length === 1 ? '' : 's'}${r.truncated ? ' (truncated by the server)' : ''} in ${Math.round(ms)} ms, version ${r.version}.${rows.length > kMaxShownRows ? ` Showing the first ${kMaxShownRows}.` : ''}` }));
  if (rows.length === 0) return;
  // Numeric columns: every non-null value a number.
  const numeric = columns.map((_, i) => rows.some((row) => row[i] !== null) && rows.every((row) => row[i] === null || typeof row[i] === 'number'));
  const plotted = numeric.map((n, i) => (n && i > 0 ? i : -1)).filter((i) => i >= 0).slice(0, 4);
  if (columns.length >= 2 && plotted.length && rows.length <= 1000) {
    const line = rows.length > 24;
    chart(body, {
      grid: { left: 56, right: 16, top: 32, bottom: 40 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: rows.map((row) => f.key(row[0])), axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', axisLabel: { formatter: f.compact } },
      series: plotted.map((i) => ({ name: columns[i], type: line ? 'line' : 'bar', showSymbol: false, data: rows.map((row) => row[i]) })),
    }, { height: 260, label: `quick chart of ${plotted.map((i) => columns[i]).join(', ')} by ${columns[0]}`, className: 'sql-chart' });
  }
  body.append(table(columns.map((name, i) => ({
    label: name, num: numeric[i],
    value: (row) => (row[i] === null ? h('span', { class: 'null', text: 'NULL' }) : numeric[i] ? f.number(row[i], 6) : String(row[i])),
  })), rows.slice(0, kMaxShownRows), { className: 'sql-result' }));
}
