// Every event kind of the real @snowplow/node-tracker, and the check that the raw log holds
// exactly what it sent.
//
//   node node_tracker_all_events.mjs send http://127.0.0.1:PORT get|post SENT.json
//     tracks page views, structured, self-describing (with contexts, base64) and ecommerce
//     events (transactions and their items); writes every payload the collector acknowledged
//     (as onRequestSuccess hands them over) to SENT.json; exits non-zero on any failure.
//   node node_tracker_all_events.mjs check RAW.jsonl SENT.json...
//     compares `footfall raw` output with the sent payloads (see rawlog.mjs) and prints the
//     expected count per enriched event type as JSON.
//   node node_tracker_all_events.mjs enriched LAKE_DIR SENT.json...
//     reads the enriched Parquet lake (the files its newest manifest lists) with DuckDB and
//     compares, for every sent event, the enriched fields its parameters map to with what was
//     sent; exits non-zero naming the event_id, field, expected and actual value of each
//     difference.
import { writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import duckdb from '@duckdb/node-api';
import {
  newTracker,
  buildPageView,
  buildStructEvent,
  buildSelfDescribingEvent,
  buildEcommerceTransaction,
  buildEcommerceTransactionItem,
} from '@snowplow/node-tracker';
import { readRawLog, eventsOf, compareSentWithLog } from './rawlog.mjs';

const kWaitMs = 15000;
const kPostBuffer = 5;

function context(i) {
  return [
    { schema: 'iglu:com.example/try_on/jsonschema/1-0-0', data: { model: `m-${i}`, score: i / 4, fit: 'slim' } },
    { schema: 'iglu:com.example/basket/jsonschema/1-0-0', data: { items: i, note: 'été — ✓ "quoted" & <b>' } },
  ];
}

async function send(target, method, outFile) {
  const url = new URL(target);
  const acknowledged = [];
  const failures = [];
  const tracker = newTracker(
    { namespace: `all-${method}`, appId: 'e2e-all', encodeBase64: true },
    {
      endpoint: url.hostname,
      port: Number(url.port),
      protocol: 'http',
      eventMethod: method,
      bufferSize: method === 'post' ? kPostBuffer : 1,
      retryFailedRequests: false,
      onRequestSuccess: (batch) => acknowledged.push(...batch),
      onRequestFailure: (f) => failures.push(`${f.status ?? ''} ${f.message ?? ''}`),
    },
  );
  tracker.setDomainUserId(`node-user-${method}`);
  tracker.setSessionId(method === 'get' ? '0b6a1f2c-3d4e-4f50-8a6b-7c8d9e0f1a2b' : '1c7b2e3d-4f50-4a61-9b7c-8d9e0f1a2b3c');
  tracker.setSessionIndex(1);
  tracker.setUserId(`shopper-${method}@example.com`);

  const answered = async (n) => {
    for (let waited = 0; acknowledged.length + failures.length < n && waited < kWaitMs; waited += 10) {
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  // In tracker v4, bufferSize only triggers a flush, which then sends everything queued (up to
  // maxPostBytes) in one request; waiting for each full buffer to be answered keeps the POST
  // batches at exactly bufferSize events, so the log's batching is known.
  let tracked = 0;
  const track = async (builder, ctx) => {
    tracker.track(builder, ctx);
    tracked += 1;
    if (method === 'post' && tracked % kPostBuffer === 0) await answered(tracked);
  };
  for (let i = 0; i < 4; i++) {
    await track(buildPageView({ pageUrl: `https://shop.example/p/${i}?utm_source=e2e&q=a+b%20c`, pageTitle: `Robe d'été ${i} — 20 % ✓ 👗`, referrer: 'https://www.google.com/search?q=robe' }),
      i % 2 === 0 ? context(i) : undefined);
  }
  for (let i = 0; i < 3; i++) {
    await track(buildStructEvent({ category: 'try-on', action: i === 0 ? 'open' : 'rotate', label: `look ${i}`, property: 'größe=M&x', value: i + 0.5 }));
  }
  for (let i = 0; i < 3; i++) {
    await track(buildSelfDescribingEvent({
      event: { schema: 'iglu:com.example/try_on_done/jsonschema/1-0-0', data: { look: i, tags: ['a', 'b'], text: 'ünïcödé ✓ \u0001' } },
    }), context(i));
  }
  for (let t = 0; t < 2; t++) {
    const orderId = `order-${method}-${t}`;
    await track(buildEcommerceTransaction({ orderId, total: 129.9 + t, affiliation: 'web', tax: 21.65, shipping: 4.99, city: 'Lyon', state: 'ARA', country: 'FR', currency: 'EUR' }));
    for (let k = 0; k < 2; k++) {
      await track(buildEcommerceTransactionItem({ orderId, sku: `SKU-${t}-${k}`, name: `Jupe ${k}`, category: 'skirts', price: 49.95 + k, quantity: k + 1, currency: 'EUR' }));
    }
  }
  await tracker.flush();
  await answered(tracked);
  writeFileSync(outFile, JSON.stringify(acknowledged));
  console.log(JSON.stringify({ method, tracked, acknowledged: acknowledged.length, failures }));
  if (failures.length > 0 || acknowledged.length !== tracked) process.exit(1);
}

const kEventNames = { pv: 'page_view', se: 'struct', ue: 'unstruct', tr: 'transaction', ti: 'transaction_item' };

function check(rawFile, sentFiles) {
  const sent = sentFiles.flatMap((f) => JSON.parse(readFileSync(f, 'utf8')));
  const records = readRawLog(rawFile);
  const logged = records.flatMap(eventsOf);
  const problems = compareSentWithLog(sent, logged);
  // ue_px and cx must be the tracker's own base64 strings: check they were sent that way.
  const ue = sent.filter((s) => s.e === 'ue');
  if (ue.length === 0 || ue.some((s) => typeof s.ue_px !== 'string' || typeof s.cx !== 'string')) {
    problems.push('self-describing events were not sent as ue_px with cx');
  }
  const methods = new Set(records.map((r) => r.method));
  if (!methods.has('GET') || !methods.has('POST')) problems.push(`methods in the log: ${[...methods]}`);
  const postBatches = records.filter((r) => r.method === 'POST').map((r) => eventsOf(r).length);
  const sentByPost = sent.filter((s) => s.tna === 'all-post').length;
  const wantBatches = [];
  for (let left = sentByPost; left > 0; left -= kPostBuffer) wantBatches.push(Math.min(left, kPostBuffer));
  if (postBatches.join(',') !== wantBatches.join(',')) {
    problems.push(`POST batches of ${postBatches} events, expected ${wantBatches}`);
  }
  if (problems.length > 0) {
    for (const p of problems.slice(0, 30)) console.error(`FAIL: ${p}`);
    process.exit(1);
  }
  const counts = {};
  for (const s of sent) counts[kEventNames[s.e]] = (counts[kEventNames[s.e]] ?? 0) + 1;
  console.error(`ok: ${sent.length} sent events in ${records.length} raw records, byte for byte`);
  console.log(JSON.stringify(counts));
}

// Tracker parameters copied verbatim into a string field, and those read as a number.
const kStringFields = {
  aid: 'app_id', p: 'platform', tv: 'v_tracker', tna: 'name_tracker', uid: 'user_id',
  duid: 'domain_userid', sid: 'domain_sessionid', url: 'page_url', page: 'page_title',
  refr: 'page_referrer', se_ca: 'se_category', se_ac: 'se_action', se_la: 'se_label',
  se_pr: 'se_property', tr_id: 'tr_orderid', tr_af: 'tr_affiliation', tr_ci: 'tr_city',
  tr_st: 'tr_state', tr_co: 'tr_country', tr_cu: 'tr_currency', ti_id: 'ti_orderid',
  ti_sk: 'ti_sku', ti_nm: 'ti_name', ti_ca: 'ti_category', ti_cu: 'ti_currency',
};
const kNumberFields = {
  vid: 'domain_sessionidx', se_va: 'se_value', tr_tt: 'tr_total', tr_tx: 'tr_tax',
  tr_sh: 'tr_shipping', ti_pr: 'ti_price', ti_qu: 'ti_quantity',
};
// Parameters checked below by their own rules.
const kOtherParams = new Set(['e', 'eid', 'dtm', 'ue_px', 'cx']);

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
  want.dvce_created_tstamp = Number(s.dtm); // read back in milliseconds
  const ip = s.ip ?? '127.0.0.1';
  want.user_ipaddress = ip.replace(/\.\d+$/, '.x');
  const url = s.url === undefined ? undefined : new URL(s.url);
  want.page_urlhost = url?.hostname ?? null;
  want.page_urlpath = url?.pathname ?? null;
  want.page_urlquery = url === undefined || url.search === '' ? null : url.search.slice(1);
  want.mkt_source = url?.searchParams.get('utm_source') ?? null;
  want.refr_urlhost = s.refr === undefined ? null : new URL(s.refr).hostname;
  if (s.e === 'ue') {
    const inner = fromBase64(s.ue_px).data;
    want.unstruct_event = inner;
    const m = /^iglu:([^/]+)\/([^/]+)\/([^/]+)\/(\d+-\d+-\d+)$/.exec(inner.schema);
    if (!m) throw new Error(`eid ${s.eid}: unexpected schema URI ${inner.schema}`);
    [, want.event_vendor, want.event_name, want.event_format, want.event_version] = m;
  } else {
    want.unstruct_event = null;
  }
  want.contexts = s.cx === undefined ? null : fromBase64(s.cx).data;
  return want;
}

// The enriched row's value of a field, comparable with expectedFields: JSON fields parsed, numbers
// as numbers.
function actualField(row, field, want) {
  const v = row[field];
  if (v === null || v === undefined) return null;
  if (field === 'unstruct_event' || field === 'contexts') return JSON.parse(v);
  if (typeof want === 'number') return Number(v);
  return v;
}

async function checkEnriched(lakeDir, sentFiles) {
  const sent = sentFiles.flatMap((f) => JSON.parse(readFileSync(f, 'utf8')));
  const manifest = readdirSync(lakeDir).filter((f) => /^_manifest-\d+\.json$/.test(f)).sort().at(-1);
  if (!manifest) throw new Error(`no manifest in ${lakeDir}`);
  const files = JSON.parse(readFileSync(join(lakeDir, manifest), 'utf8')).files
    .map((f) => `'${join(lakeDir, f.path).replaceAll("'", "''")}'`);
  const inst = await duckdb.DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  const fields = [
    'event', 'event_id', 'user_ipaddress', 'page_urlhost', 'page_urlpath', 'page_urlquery',
    'mkt_source', 'refr_urlhost', 'unstruct_event', 'contexts', 'event_vendor', 'event_name',
    'event_format', 'event_version', ...Object.values(kStringFields), ...Object.values(kNumberFields),
  ];
  const reader = await con.runAndReadAll(`
    SELECT ${fields.join(', ')}, epoch_ms(dvce_created_tstamp) AS dvce_created_tstamp
    FROM read_parquet([${files.join(', ')}], hive_partitioning = true)`);
  const rows = new Map();
  const problems = [];
  for (const row of reader.getRowObjectsJson()) {
    if (rows.has(row.event_id)) problems.push(`event_id ${row.event_id}: more than one enriched row`);
    rows.set(row.event_id, row);
  }
  let compared = 0;
  for (const s of sent) {
    for (const param of Object.keys(s)) {
      const known = Object.hasOwn(kStringFields, param) || Object.hasOwn(kNumberFields, param);
      if (!known && !kOtherParams.has(param)) {
        problems.push(`event_id ${s.eid}: sent parameter ${param} is not checked against the enriched event`);
      }
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

const [, , mode, ...args] = process.argv;
if (mode === 'send') {
  await send(args[0], args[1], args[2]);
} else if (mode === 'check') {
  check(args[0], args.slice(1));
} else if (mode === 'enriched') {
  await checkEnriched(args[0], args.slice(1));
} else {
  console.error('usage: node_tracker_all_events.mjs send URL get|post OUT.json | check RAW.jsonl SENT.json... | enriched LAKE_DIR SENT.json...');
  process.exit(2);
}
