// Small DOM helpers: elements, cards with loading / empty / error states, tables.
import { escape } from './format.js';

// h('div', {class: 'x', onclick: fn}, child, 'text', ...)
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// A titled panel; `body` is where its content goes.
export function card(title, { wide = false, tall = false, id, note } = {}) {
  const body = h('div', { class: 'card-body' });
  const el = h('section', { class: `card${wide ? ' wide' : ''}${tall ? ' tall' : ''}`, id, 'aria-label': title },
    h('h2', { text: title }), note ? h('p', { class: 'note', text: note }) : null, body);
  return { el, body };
}

export function loading(target, what = 'Loading') {
  target.replaceChildren(h('p', { class: 'loading', role: 'status', text: `${what}…` }));
}

export function empty(target, message) {
  target.replaceChildren(h('p', { class: 'empty', text: message }));
}

// An API error, in words, where the data would have been.
export function showError(target, error) {
  target.replaceChildren(h('p', { class: 'error', role: 'alert' }, h('strong', { text: 'Could not load: ' }), String(error?.message ?? error)));
}

// Runs `fetch` with a loading state in `target`, then `render(result)`; an error is shown in
// `target` instead. `isCurrent()` false means the user has moved on: the answer is dropped.
export async function load(target, fetch, render, isCurrent) {
  loading(target);
  let result;
  try {
    result = await fetch();
  } catch (e) {
    if (isCurrent()) showError(target, e);
    return;
  }
  if (!isCurrent()) return;
  try {
    target.replaceChildren();
    render(result);
  } catch (e) {
    showError(target, new Error(`the answer could not be shown: ${e.message}`));
    console.warn(e);
  }
}

// columns: [{label, value: row => text|Node, num: bool, cls}]
export function table(columns, rows, { caption, className = '' } = {}) {
  const thead = h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: [c.num ? 'num' : '', c.cls ?? ''].join(' ').trim() || null, text: c.label }))));
  const tbody = h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => {
    const v = c.value(r);
    return h('td', { class: [c.num ? 'num' : '', c.cls ?? ''].join(' ').trim() || null }, v instanceof Node ? v : String(v ?? ''));
  }))));
  return h('div', { class: `table-wrap ${className}` }, h('table', {}, caption ? h('caption', { text: caption }) : null, thead, tbody));
}

// A horizontal share bar inside a table cell.
export function shareBar(share) {
  const w = Math.max(0, Math.min(1, share ?? 0)) * 100;
  return h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { style: `width:${w.toFixed(1)}%` }));
}

export function html(strings, ...values) {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? escape(values[i]) : ''), '');
}
