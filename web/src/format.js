// Number, time and text formatting shared by the pages.

const intFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const compactFormat = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

export function int(n) {
  return n === null || n === undefined || Number.isNaN(n) ? '–' : intFormat.format(n);
}

export function compact(n) {
  return n === null || n === undefined ? '–' : Math.abs(n) < 10000 ? int(n) : compactFormat.format(n);
}

export function number(n, digits = 1) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return n.toLocaleString('en', { maximumFractionDigits: digits });
}

// A share in [0, 1] as a percentage.
export function pct(share, digits = 1) {
  if (share === null || share === undefined || Number.isNaN(share)) return '–';
  return `${(share * 100).toFixed(digits)} %`;
}

// Seconds as "42 s", "3 min 5 s", "2 h 10 min", "3 d 4 h".
export function duration(s) {
  if (s === null || s === undefined || Number.isNaN(s)) return '–';
  if (s < 60) return `${s < 10 ? s.toFixed(1).replace(/\.0$/, '') : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min${s % 60 >= 1 ? ` ${Math.floor(s % 60)} s` : ''}`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
  const d = Math.floor(h / 24);
  return `${d} d${h % 24 ? ` ${h % 24} h` : ''}`;
}

export function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

// "2026-11-26T09:00:00Z" → "26 Nov 09:00" (UTC, as every time in footfall).
export function time(iso, withTime = true) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const opts = { day: 'numeric', month: 'short', timeZone: 'UTC' };
  if (withTime) Object.assign(opts, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return d.toLocaleString('en-GB', opts);
}

// The relative change from `previous` to `current`, or null when there is nothing to compare.
export function change(current, previous) {
  if (previous === null || previous === undefined || current === null || current === undefined) return null;
  if (previous === 0) return current === 0 ? 0 : null;
  return (current - previous) / Math.abs(previous);
}

// Text for the DOM: every value from the API goes through textContent or this.
export function escape(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

export function key(k) {
  return k === null || k === undefined || k === '' ? '(none)' : String(k);
}
