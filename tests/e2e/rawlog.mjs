// Reading `footfall raw` output in end-to-end tests: records, their exact bytes, and the
// tracker events they hold (GET query strings and POST payload_data bodies).
import { readFileSync } from 'node:fs';

// The records of a `footfall raw` output file, one parsed JSON object per line.
export function readRawLog(path) {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}

// The exact bytes of a stored string: a JSON string holds valid UTF-8, {"base64": …} anything.
export function bytesOf(value) {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (value && typeof value.base64 === 'string') return Buffer.from(value.base64, 'base64');
  throw new Error(`not a stored string: ${JSON.stringify(value)}`);
}

// A stored string that must be valid UTF-8.
export function textOf(value) {
  if (typeof value !== 'string') throw new Error(`expected UTF-8 text, got ${JSON.stringify(value)}`);
  return value;
}

// The value of a kept header (case-insensitive name), or undefined.
export function headerOf(record, name) {
  const want = name.toLowerCase();
  const found = record.headers.find(([n]) => textOf(n).toLowerCase() === want);
  return found === undefined ? undefined : textOf(found[1]);
}

// A query string as trackers write it (encodeURIComponent per value) into {name: value}.
export function parseQuery(query) {
  const params = {};
  if (query === '') return params;
  for (const piece of query.split('&')) {
    const eq = piece.indexOf('=');
    const name = decodeURIComponent(eq < 0 ? piece : piece.slice(0, eq));
    const value = eq < 0 ? '' : decodeURIComponent(piece.slice(eq + 1));
    if (Object.hasOwn(params, name)) throw new Error(`parameter ${name} twice in ${query}`);
    params[name] = value;
  }
  return params;
}

// The tracker events of a record: one for a GET, one per payload_data item for a POST (query
// parameters merged into each item, winning on a clash, as the protocol says).
export function eventsOf(record) {
  const query = parseQuery(textOf(record.query));
  if (record.method === 'GET') return [query];
  if (record.method !== 'POST') throw new Error(`unexpected method ${record.method}`);
  const body = JSON.parse(textOf(record.body));
  if (!/^iglu:com\.snowplowanalytics\.snowplow\/payload_data\/jsonschema\/1-0-\d+$/.test(body.schema)) {
    throw new Error(`unexpected POST schema ${body.schema}`);
  }
  return body.data.map((item) => ({ ...item, ...query }));
}

// Compares what trackers sent (payload objects, as onRequestSuccess hands them over) with the
// events in the raw log: every sent eid exactly once, every parameter equal as a string, and no
// parameter besides `stm` (added by the emitter at send time). Returns a list of problems.
export function compareSentWithLog(sent, logged) {
  const problems = [];
  const byEid = new Map();
  for (const e of logged) {
    if (e.eid === undefined) {
      problems.push(`logged event without eid: ${JSON.stringify(e)}`);
      continue;
    }
    if (byEid.has(e.eid)) problems.push(`eid ${e.eid} logged more than once`);
    byEid.set(e.eid, e);
  }
  const sentEids = new Set();
  for (const s of sent) {
    if (sentEids.has(s.eid)) problems.push(`eid ${s.eid} sent more than once`);
    sentEids.add(s.eid);
    const got = byEid.get(s.eid);
    if (got === undefined) {
      problems.push(`sent eid ${s.eid} (e=${s.e}) is not in the raw log`);
      continue;
    }
    for (const [k, v] of Object.entries(s)) {
      if (got[k] !== String(v)) {
        problems.push(`eid ${s.eid} ${k}: sent ${JSON.stringify(String(v))}, logged ${JSON.stringify(got[k])}`);
      }
    }
    for (const k of Object.keys(got)) {
      if (!Object.hasOwn(s, k) && k !== 'stm') problems.push(`eid ${s.eid}: unexpected logged parameter ${k}`);
    }
    if (!/^\d+$/.test(got.stm ?? '')) problems.push(`eid ${s.eid}: no stm in the log`);
  }
  for (const eid of byEid.keys()) {
    if (!sentEids.has(eid)) problems.push(`logged eid ${eid} was never sent`);
  }
  return problems;
}
