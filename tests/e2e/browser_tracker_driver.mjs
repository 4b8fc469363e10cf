// Drives the Snowplow browser tracker in headless Chromium against a collector, and checks the
// raw log against what the page's trackers sent.
//
//   node browser_tracker_driver.mjs run http://127.0.0.1:COLLECTOR_PORT RESULT.json
//     bundles browser_tracker_page.js (esbuild), serves it from 127.0.0.1 on a free port,
//     opens it in Debian's Chromium (playwright-core), scrolls until both trackers sent a page
//     ping (at most 15 s), stops activity tracking, waits until nothing is in flight, and
//     writes {pageOrigin, sent, pings, failures, errors, cors} to RESULT.json. Exits non-zero
//     when Chromium cannot start, the page logged an error, a request failed or no ping came.
//   node browser_tracker_driver.mjs check RAW.jsonl RESULT.json
//     checks `footfall raw` output against RESULT.json; prints the sent counts per event type.
//   node browser_tracker_driver.mjs enriched LAKE_DIR RESULT.json
//     compares every sent event's enriched fields with what its parameters map to
//     (enriched_golden.mjs).
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { readRawLog, eventsOf, compareSentWithLog, headerOf, textOf } from './rawlog.mjs';
import { checkEnrichedAgainstSent, kEventNames } from './enriched_golden.mjs';

const kChromium = '/usr/bin/chromium';
const kChromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const kPingWaitMs = 15000;
const kSettleMs = 500;    // nothing in flight and nothing newly acknowledged for this long
const kSettleCapMs = 5000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function bundlePage() {
  const here = dirname(fileURLToPath(import.meta.url));
  const out = await build({
    entryPoints: [join(here, 'browser_tracker_page.js')],
    bundle: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0].contents;
}

// A static server on 127.0.0.1, port 0: the page and its bundled script.
async function startPageServer(bundle) {
  const page = '<!doctype html><html><head><meta charset="utf-8"><title>footfall browser e2e</title>' +
    '<link rel="icon" href="data:,"></head><body style="height:6000px">' +
    '<h1>Robe d\'été</h1><script src="/bundle.js"></script></body></html>';
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(page);
    } else if (path === '/bundle.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
      res.end(bundle);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return server;
}

async function run(collectorUrl, resultFile) {
  const collector = new URL(collectorUrl);
  const collectorHost = `127.0.0.1:${collector.port}`;
  const server = await startPageServer(await bundlePage());
  const pageOrigin = `http://127.0.0.1:${server.address().port}`;
  const userDataDir = mkdtempSync(join(tmpdir(), 'footfall-chromium-'));
  const errors = [];
  const cors = [];
  let context;
  try {
    try {
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: kChromium,
        headless: true,
        args: kChromiumArgs,
        timeout: 30000,
      });
    } catch (e) {
      throw new Error(`Chromium (${kChromium}) did not start: ${e.message}`);
    }
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
    const corsRead = [];
    page.on('response', (r) => {
      if (!r.url().startsWith(`http://${collectorHost}/`)) return;
      corsRead.push(r.allHeaders().then((headers) => cors.push({
        method: r.request().method(),
        status: r.status(),
        allowOrigin: headers['access-control-allow-origin'] ?? null,
        allowCredentials: headers['access-control-allow-credentials'] ?? null,
      })));
    });

    await page.goto(`${pageOrigin}/?collector=${encodeURIComponent(collectorHost)}`, { waitUntil: 'load', timeout: 10000 });
    const pingsFrom = (sent) => ({
      sp: sent.filter((p) => p.e === 'pp' && p.tna === 'sp').length,
      sp2: sent.filter((p) => p.e === 'pp' && p.tna === 'sp2').length,
    });
    // Scroll (activity) until each tracker has had a page ping acknowledged.
    const began = Date.now();
    let pings = { sp: 0, sp2: 0 };
    for (let step = 0; Date.now() - began < kPingWaitMs; step++) {
      await page.mouse.wheel(0, step % 10 < 5 ? 120 : -120);
      pings = pingsFrom(await page.evaluate(() => window.footfallE2e.sent));
      if (pings.sp > 0 && pings.sp2 > 0) break;
      await sleep(100);
    }
    console.error(`pings after ${Date.now() - began} ms: ${JSON.stringify(pings)}`);
    // No more events: then wait until every request is answered and acknowledged.
    await page.evaluate(() => window.footfallE2e.stop());
    const settleBegan = Date.now();
    let last = -1;
    let stableSince = settleBegan;
    while (Date.now() - settleBegan < kSettleCapMs) {
      const { n, inFlight } = await page.evaluate(() => ({ n: window.footfallE2e.sent.length, inFlight: window.footfallE2e.inFlight }));
      if (n !== last || inFlight > 0) {
        last = n;
        stableSince = Date.now();
      } else if (Date.now() - stableSince >= kSettleMs) {
        break;
      }
      await sleep(50);
    }
    const state = await page.evaluate(() => ({ sent: window.footfallE2e.sent, failures: window.footfallE2e.failures, inFlight: window.footfallE2e.inFlight }));
    pings = pingsFrom(state.sent);
    await Promise.all(corsRead);
    await context.close();
    context = undefined;
    writeFileSync(resultFile, JSON.stringify({ pageOrigin, sent: state.sent, pings, failures: state.failures, errors, cors }));

    const problems = [...errors, ...state.failures.map((f) => `tracker request failed: ${f}`)];
    if (state.inFlight > 0) problems.push(`${state.inFlight} requests still in flight after ${kSettleCapMs} ms`);
    if (pings.sp === 0 || pings.sp2 === 0) problems.push(`no page ping from both trackers within ${kPingWaitMs} ms: ${JSON.stringify(pings)}`);
    for (const c of cors) {
      if (c.allowOrigin !== pageOrigin || c.allowCredentials !== 'true') {
        problems.push(`collector answered ${c.method} with Access-Control-Allow-Origin ${c.allowOrigin}, -Credentials ${c.allowCredentials}`);
      }
    }
    if (cors.length === 0) problems.push('no collector response seen');
    if (problems.length > 0) {
      for (const p of problems) console.error(`FAIL: ${p}`);
      process.exitCode = 1;
    }
    console.log(JSON.stringify({ pageOrigin, acknowledged: state.sent.length, pings, responses: cors.length }));
  } finally {
    if (context) await context.close().catch(() => {});
    server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

function check(rawFile, resultFile) {
  const result = JSON.parse(readFileSync(resultFile, 'utf8'));
  const records = readRawLog(rawFile);
  const problems = compareSentWithLog(result.sent, records.flatMap(eventsOf));
  for (const r of records) {
    const origin = headerOf(r, 'Origin');
    if (r.method === 'POST' && origin !== result.pageOrigin) problems.push(`POST at offset ${r.offset}: Origin ${origin}, expected ${result.pageOrigin}`);
    if (!/HeadlessChrome|Chrome/.test(textOf(r.user_agent))) problems.push(`record at offset ${r.offset}: user agent ${r.user_agent}`);
  }
  const methods = records.map((r) => r.method);
  if (!methods.includes('POST') || !methods.includes('GET')) problems.push(`methods in the log: ${[...new Set(methods)]}`);
  const counts = { page_view: 0, page_ping: 0, struct: 0, unstruct: 0 };
  for (const s of result.sent) {
    const name = kEventNames[s.e];
    if (counts[name] === undefined) problems.push(`unexpected event type ${s.e}`);
    else counts[name] += 1;
  }
  for (const name of ['page_view', 'struct', 'unstruct']) {
    if (counts[name] !== 2) problems.push(`${counts[name]} ${name} events sent, expected 2 (one per tracker)`);
  }
  if (counts.page_ping < 2) problems.push(`${counts.page_ping} page pings sent, expected one per tracker at least`);
  if (problems.length > 0) {
    for (const p of problems.slice(0, 30)) console.error(`FAIL: ${p}`);
    process.exit(1);
  }
  console.error(`ok: ${result.sent.length} events in ${records.length} raw records, each eid once, byte for byte; POSTs from ${result.pageOrigin}`);
  console.log(JSON.stringify(counts));
}

const [, , mode, ...args] = process.argv;
if (mode === 'run') {
  await run(args[0], args[1]);
} else if (mode === 'check') {
  check(args[0], args[1]);
} else if (mode === 'enriched') {
  await checkEnrichedAgainstSent(args[0], JSON.parse(readFileSync(args[1], 'utf8')).sent);
} else {
  console.error('usage: browser_tracker_driver.mjs run COLLECTOR_URL RESULT.json | check RAW.jsonl RESULT.json | enriched LAKE_DIR RESULT.json');
  process.exit(2);
}
