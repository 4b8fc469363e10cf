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
import { writeFileSync, readFileSync } from 'node:fs';
import {
  newTracker,
  buildPageView,
  buildStructEvent,
  buildSelfDescribingEvent,
  buildEcommerceTransaction,
  buildEcommerceTransactionItem,
} from '@snowplow/node-tracker';
import { readRawLog, eventsOf, compareSentWithLog } from './rawlog.mjs';
import { checkEnrichedAgainstSent, kEventNames } from './enriched_golden.mjs';

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

const [, , mode, ...args] = process.argv;
if (mode === 'send') {
  await send(args[0], args[1], args[2]);
} else if (mode === 'check') {
  check(args[0], args.slice(1));
} else if (mode === 'enriched') {
  await checkEnrichedAgainstSent(args[0], args.slice(1).flatMap((f) => JSON.parse(readFileSync(f, 'utf8'))));
} else {
  console.error('usage: node_tracker_all_events.mjs send URL get|post OUT.json | check RAW.jsonl SENT.json... | enriched LAKE_DIR SENT.json...');
  process.exit(2);
}
