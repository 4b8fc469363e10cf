// The golden check shared by the tracker tests: every payload a real Snowplow tracker sent (as
// its onRequestSuccess callback hands them over) must enrich to the field values its parameters
// map to (docs/formats/enriched-event.md), read back from the enriched Parquet lake with DuckDB.
//
//   checkEnrichedAgainstSent(lakeDir, sent) → exits non-zero naming the event_id, field,
//   expected and actual value of each difference, and any sent parameter the check does not
//   know (so a tracker that starts sending something new is noticed, not skipped).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import duckdb from '@duckdb/node-api';

export const kEventNames = {
  pv: 'page_view', pp: 'page_ping', se: 'struct', ue: 'unstruct', tr: 'transaction', ti: 'transaction_item',
};

// Tracker parameters copied verbatim into a string field, and those read as a number.
const kStringFields = {
  aid: 'app_id', p: 'platform', tv: 'v_tracker', tna: 'name_tracker', uid: 'user_id',
  duid: 'domain_userid', sid: 'domain_sessionid', url: 'page_url', page: 'page_title',
  refr: 'page_referrer', se_ca: 'se_category', se_ac: 'se_action', se_la: 'se_label',
  se_pr: 'se_property', tr_id: 'tr_orderid', tr_af: 'tr_affiliation', tr_ci: 'tr_city',
  tr_st: 'tr_state', tr_co: 'tr_country', tr_cu: 'tr_currency', ti_id: 'ti_orderid',
  ti_sk: 'ti_sku', ti_nm: 'ti_name', ti_ca: 'ti_category', ti_cu: 'ti_currency',
  lang: 'br_lang', cs: 'doc_charset', tz: 'os_timezone', cd: 'br_colordepth',
};
const kNumberFields = {
  vid: 'domain_sessionidx', se_va: 'se_value', tr_tt: 'tr_total', tr_tx: 'tr_tax',
  tr_sh: 'tr_shipping', ti_pr: 'ti_price', ti_qu: 'ti_quantity', pp_mix: 'pp_xoffset_min',
  pp_max: 'pp_xoffset_max', pp_miy: 'pp_yoffset_min', pp_may: 'pp_yoffset_max',
};
// "WxH" parameters, split into two integer fields.
const kSizeFields = {
  res: ['dvce_screenwidth', 'dvce_screenheight'], vp: ['br_viewwidth', 'br_viewheight'],
  ds: ['doc_width', 'doc_height'],
};
// Parameters checked by their own rules in expectedFields.
const kOtherParams = new Set(['e', 'eid', 'dtm', 'stm', 'ue_px', 'ue_pr', 'cx', 'co', 'cookie']);
// Fields read back as milliseconds since the epoch.
const kTimeFields = ['dvce_created_tstamp', 'dvce_sent_tstamp'];
const kJsonFields = new Set(['unstruct_event', 'contexts']);

// The JSON of a base64 (or base64url) parameter.
const fromBase64 = (s) => JSON.parse(Buffer.from(s, 'base64').toString('utf8'));

// The fields a sent payload must produce, as {field: value}; null where nothing was sent. The
// collector saw the tracker at 127.0.0.1, which the default anonymization masks to 127.0.0.x.
function expectedFields(s) {
  const want = { event: kEventNames[s.e] ?? `unknown e=${s.e}` };
  for (const [param, field] of Object.entries(kStringFields)) want[field] = s[param] ?? null;
  for (const [param, field] of Object.entries(kNumberFields)) {
    want[field] = s[param] === undefined ? null : Number(s[param]);
  }
  for (const [param, [w, h]] of Object.entries(kSizeFields)) {
    const m = s[param] === undefined ? null : /^(\d+)x(\d+)$/.exec(s[param]);
    if (s[param] !== undefined && !m) throw new Error(`eid ${s.eid}: ${param}=${s[param]} is not WxH`);
    want[w] = m ? Number(m[1]) : null;
    want[h] = m ? Number(m[2]) : null;
  }
  want.br_cookies = s.cookie === undefined ? null : s.cookie === '1';
  want.dvce_created_tstamp = Number(s.dtm);
  // Trackers add stm as they send, after handing the payload to onRequestSuccess: checked only
  // where the payload carries it.
  if (s.stm !== undefined) want.dvce_sent_tstamp = Number(s.stm);
  const ip = s.ip ?? '127.0.0.1';
  want.user_ipaddress = ip.replace(/\.\d+$/, '.x');
  const url = s.url === undefined ? undefined : new URL(s.url);
  want.page_urlhost = url?.hostname ?? null;
  want.page_urlpath = url?.pathname ?? null;
  want.page_urlquery = url === undefined || url.search === '' ? null : url.search.slice(1);
  want.mkt_source = url?.searchParams.get('utm_source') ?? null;
  want.refr_urlhost = s.refr === undefined ? null : new URL(s.refr).hostname;
  const unstruct = s.ue_px !== undefined ? fromBase64(s.ue_px) : s.ue_pr !== undefined ? JSON.parse(s.ue_pr) : null;
  if (s.e === 'ue') {
    const inner = unstruct.data;
    want.unstruct_event = inner;
    const m = /^iglu:([^/]+)\/([^/]+)\/([^/]+)\/(\d+-\d+-\d+)$/.exec(inner.schema);
    if (!m) throw new Error(`eid ${s.eid}: unexpected schema URI ${inner.schema}`);
    [, want.event_vendor, want.event_name, want.event_format, want.event_version] = m;
  } else {
    want.unstruct_event = null;
  }
  const contexts = s.cx !== undefined ? fromBase64(s.cx) : s.co !== undefined ? JSON.parse(s.co) : null;
  want.contexts = contexts?.data ?? null;
  return want;
}

// The enriched row's value of a field, comparable with expectedFields: JSON fields parsed,
// numbers as numbers.
function actualField(row, field, want) {
  const v = row[field];
  if (v === null || v === undefined) return null;
  if (kJsonFields.has(field)) return JSON.parse(v);
  if (typeof want === 'number') return Number(v);
  return v;
}

// The newest manifest's files of an enriched dataset, as a DuckDB list literal.
function lakeFiles(lakeDir) {
  const manifest = readdirSync(lakeDir).filter((f) => /^_manifest-\d+\.json$/.test(f)).sort().at(-1);
  if (!manifest) throw new Error(`no manifest in ${lakeDir}`);
  return JSON.parse(readFileSync(join(lakeDir, manifest), 'utf8')).files
    .map((f) => `'${join(lakeDir, f.path).replaceAll("'", "''")}'`);
}

export async function checkEnrichedAgainstSent(lakeDir, sent) {
  const inst = await duckdb.DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  const fields = new Set([
    'event', 'event_id', 'user_ipaddress', 'page_urlhost', 'page_urlpath', 'page_urlquery',
    'mkt_source', 'refr_urlhost', 'unstruct_event', 'contexts', 'event_vendor', 'event_name',
    'event_format', 'event_version', 'br_cookies', ...Object.values(kStringFields),
    ...Object.values(kNumberFields), ...Object.values(kSizeFields).flat(),
  ]);
  const reader = await con.runAndReadAll(`
    SELECT ${[...fields].join(', ')}, ${kTimeFields.map((f) => `epoch_ms(${f}) AS ${f}`).join(', ')}
    FROM read_parquet([${lakeFiles(lakeDir).join(', ')}], hive_partitioning = true)`);
  const rows = new Map();
  const problems = [];
  for (const row of reader.getRowObjectsJson()) {
    if (rows.has(row.event_id)) problems.push(`event_id ${row.event_id}: more than one enriched row`);
    rows.set(row.event_id, row);
  }
  let compared = 0;
  for (const s of sent) {
    for (const param of Object.keys(s)) {
      const known = Object.hasOwn(kStringFields, param) || Object.hasOwn(kNumberFields, param) ||
        Object.hasOwn(kSizeFields, param) || kOtherParams.has(param);
      if (!known) problems.push(`event_id ${s.eid}: sent parameter ${param} is not checked against the enriched event`);
    }
    const row = rows.get(s.eid.toLowerCase());
    if (row === undefined) {
      problems.push(`event_id ${s.eid}: no enriched row`);
      continue;
    }
    for (const [field, want] of Object.entries(expectedFields(s))) {
      const got = actualField(row, field, want);
      compared += 1;
      if (!isDeepStrictEqual(got, want)) {
        problems.push(`event_id ${s.eid} (e=${s.e}): ${field}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
      }
    }
  }
  if (rows.size !== sent.length) problems.push(`${rows.size} enriched rows for ${sent.length} sent events`);
  if (problems.length > 0) {
    for (const p of problems.slice(0, 30)) console.error(`FAIL: ${p}`);
    if (problems.length > 30) console.error(`FAIL: … and ${problems.length - 30} more`);
    process.exit(1);
  }
  console.log(`ok: ${compared} enriched field values of ${sent.length} events equal to what was sent`);
}
