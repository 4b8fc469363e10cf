// Where the dashboard is: the page and its parameters, all kept in the URL's hash
// ("#/funnels?range=30d&country=FR") so that a view can be bookmarked, shared and reloaded.
import { get } from './api.js';

export const kFilterKeys = ['app_id', 'country', 'device', 'campaign'];
export const kRangePresets = [
  { value: '24h', label: 'Last 24 hours', hours: 24 },
  { value: '7d', label: 'Last 7 days', hours: 24 * 7 },
  { value: '30d', label: 'Last 30 days', hours: 24 * 30 },
  { value: 'all', label: 'All data' },
];

export function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const q = hash.indexOf('?');
  const page = (q < 0 ? hash : hash.slice(0, q)) || 'overview';
  return { page, params: new URLSearchParams(q < 0 ? '' : hash.slice(q + 1)) };
}

export function hrefFor(page, params) {
  const s = params.toString();
  return `#/${page}${s ? `?${s}` : ''}`;
}

// Changes some parameters of the current page (null or '' removes one).
export function updateParams(changes, page = currentRoute().page) {
  const { params } = currentRoute();
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === undefined || v === '') params.delete(k);
    else params.set(k, v);
  }
  location.hash = hrefFor(page, params);
}

// The parameters every page keeps when the user moves to another one.
export function sharedParams(params) {
  const out = new URLSearchParams();
  for (const k of ['range', 'from', 'to', ...kFilterKeys]) if (params.has(k)) out.set(k, params.get(k));
  return out;
}

// /api/v1/meta, once per load: data range, versions, filter values, funnel and flow names.
let metaPromise = null;
export function meta() {
  if (!metaPromise) metaPromise = get('/api/v1/meta').then((m) => ({ ok: true, ...m }), (error) => ({ ok: false, error }));
  return metaPromise;
}

const kHour = 3600 * 1000;
const isoHour = (ms) => new Date(Math.floor(ms / kHour) * kHour).toISOString().replace(/:00\.000Z$/, ':00Z');

// The date range and filters as API query parameters. A preset is counted back from the end of
// the data (which, for an archive, may be long ago), not from now.
export function apiParams(params, m) {
  const out = new URLSearchParams();
  const range = params.get('range');
  const preset = kRangePresets.find((p) => p.value === range);
  if (params.get('from') || params.get('to')) {
    if (params.get('from')) out.set('from', params.get('from'));
    if (params.get('to')) out.set('to', params.get('to'));
  } else if (preset && m?.ok && m.data_range?.to) {
    const end = Math.ceil(new Date(m.data_range.to).getTime() / kHour) * kHour;
    out.set('to', isoHour(end));
    if (preset.hours) out.set('from', isoHour(end - preset.hours * kHour));
    else if (m.data_range.from) out.set('from', isoHour(new Date(m.data_range.from).getTime()));
  }
  for (const k of kFilterKeys) if (params.get(k)) out.set(k, params.get(k));
  return out;
}

export function hasFilter(params) {
  return kFilterKeys.some((k) => params.get(k));
}

// Hourly buckets for ranges up to a week (the API's default range), daily beyond.
export function granularityFor(api) {
  if (!api.get('from') || !api.get('to')) return api.get('from') ? 'day' : 'hour';
  return new Date(api.get('to')) - new Date(api.get('from')) <= 7 * 24 * kHour ? 'hour' : 'day';
}
