// The JSON API (docs/api.md): GETs with the shared date range and filters, the SQL console's
// POST, and errors turned into sentences that name the endpoint.

// Requests still waiting for an answer, for the loading indicator (and the end-to-end test,
// which waits for zero before it looks).
let pending = 0;
const listeners = new Set();
export function onPendingChange(fn) {
  listeners.add(fn);
}
function setPending(delta) {
  pending += delta;
  document.documentElement.dataset.pending = String(pending);
  for (const fn of listeners) fn(pending);
}

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

async function request(method, path, params, body, accept = 'json') {
  const qs = params && [...params].length ? `?${params}` : '';
  const url = `${path}${qs}`;
  setPending(1);
  try {
    let response;
    try {
      response = await fetch(url, {
        method,
        body,
        headers: body === undefined ? {} : { 'Content-Type': 'text/plain; charset=utf-8' },
        credentials: 'same-origin',
      });
    } catch (e) {
      throw new ApiError(`Cannot reach the footfall server (${method} ${path}): ${e.message}`, 0);
    }
    const text = await response.text();
    if (!response.ok) {
      let message = text.trim();
      try {
        message = JSON.parse(text).error ?? message;
      } catch {
        // Not JSON (a proxy's page, say): the text itself is the best description.
      }
      throw new ApiError(`${method} ${path} answered ${response.status}: ${message || response.statusText}`, response.status);
    }
    if (accept === 'text') return text;
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new ApiError(`${method} ${path} answered with invalid JSON: ${e.message}`, response.status);
    }
  } finally {
    setPending(-1);
  }
}

export function get(path, params) {
  return request('GET', path, params);
}

export function postSql(sql, format = 'json') {
  const params = format === 'json' ? undefined : new URLSearchParams({ format });
  return request('POST', '/api/v1/sql', params, sql, format === 'json' ? 'json' : 'text');
}
