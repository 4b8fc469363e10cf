// Hostile and malformed HTTP against `footfall collect`, over raw TCP sockets, and the check of
// what the raw log then holds.
//
//   node collector_bad_input.mjs send PORT SUMMARY.json
//     sends every case, checks each answer (status code, connection closed, others still
//     served) and writes what the raw log must hold to SUMMARY.json.
//   node collector_bad_input.mjs check RAW.jsonl SUMMARY.json
//     checks `footfall raw` output against it: one record per stored request, in order, the
//     invalid UTF-8 bytes intact, the size violation marked.
import net from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { readRawLog, bytesOf, headerOf } from './rawlog.mjs';

const kAnswerMs = 5000;  // cap on the wait for any one answer
const kTp2 = '/com.snowplowanalytics.snowplow/tp2';

let port = 0;
let failed = false;
const stored = [];  // what each request answered 2xx must have left in the raw log, in order

function fail(message) {
  console.error(`FAIL: ${message}`);
  failed = true;
}

// Sends `bytes` on a new connection and collects the answer until the server closes it, or
// `capMs` passes (then the answer is what arrived, and `closed` is false).
function exchange(bytes, capMs = kAnswerMs) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const data = Buffer.concat(chunks);
      const head = data.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3}) /.exec(head);
      const split = head.indexOf('\r\n\r\n');
      resolve({
        status: m ? Number(m[1]) : 0,
        head: split < 0 ? head : head.slice(0, split),
        body: split < 0 ? Buffer.alloc(0) : data.subarray(split + 4),
        closed,
      });
    };
    const timer = setTimeout(() => finish(false), capMs);
    socket.on('data', (d) => chunks.push(d));
    // A server that closes while the client still sends resets the connection: the answer
    // that arrived before counts.
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.write(bytes, () => socket.end());
  });
}

function request(method, target, { headers = [], body = Buffer.alloc(0), contentLength = body.length } = {}) {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: collector.test', 'Connection: close',
    ...headers];
  if (method === 'POST') lines.push(`Content-Length: ${contentLength}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), body]);
}

async function expectStatus(what, bytes, want, { store } = {}) {
  const answer = await exchange(bytes);
  if (answer.status !== want) {
    fail(`${what}: status ${answer.status || '(none)'}, expected ${want}: ${answer.head.slice(0, 200)}`);
  } else if (!answer.closed) {
    fail(`${what}: connection left open after ${answer.status}`);
  } else {
    console.error(`ok: ${what} -> ${answer.status}`);
  }
  if (store !== undefined && answer.status >= 200 && answer.status < 300) stored.push({ what, ...store });
  return answer;
}

async function expectHealthy(after) {
  await expectStatus(`/health after ${after}`, request('GET', '/health'), 200);
}

function payloadData(items) {
  return JSON.stringify({ schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4', data: items });
}

// Deterministic pseudo-random bytes (a 32-bit LCG).
function garbage(n, seed) {
  const out = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

async function send(portArg, summaryFile) {
  port = Number(portArg);
  const t0 = Date.now();

  await expectStatus('malformed request line', Buffer.from('GARBAGE\r\n\r\n'), 400);
  await expectHealthy('a malformed request line');
  await expectStatus('request with no HTTP version', Buffer.from('GET /i?e=pv\r\nHost: x\r\n\r\n'), 400);

  const longQuery = `e=pv&eid=long-line&x=${'a'.repeat(21000)}`;
  await expectStatus('request line over 20480 bytes', request('GET', `/i?${longQuery}`), 400);
  const nearQuery = `e=pv&p=web&tv=e2e&eid=0c0ffee0-0000-4000-8000-000000000001&x=${'a'.repeat(20000)}`;
  await expectStatus('request line of 20 KB', request('GET', `/i?${nearQuery}`), 200,
    { store: { path: '/i', query: Buffer.from(nearQuery).toString('base64') } });

  const bigHeaders = Array.from({ length: 42 }, (_, i) => `X-Filler-${i}: ${'h'.repeat(1000)}`);
  await expectStatus('header fields over 40 KiB', request('GET', '/i?e=pv', { headers: bigHeaders }), 431);

  // Over the hard limit: refused from the Content-Length alone, without reading the body.
  await expectStatus('body over 2 MiB', request('POST', kTp2, { headers: ['Content-Type: application/json'],
    body: Buffer.from('{"schema":'), contentLength: 2560 * 1024 }), 413);
  await expectHealthy('a 413');

  // Between the soft (1 MiB) and hard (2 MiB) limits: accepted, stored cut to 1 MiB and marked.
  const filler = 'x'.repeat(1536 * 1024);
  const mid = Buffer.from(payloadData([{ e: 'pv', p: 'web', tv: 'e2e', eid: '0c0ffee0-0000-4000-8000-000000000002', page: filler }]));
  await expectStatus(`body of ${mid.length} bytes`, request('POST', kTp2, { headers: ['Content-Type: application/json'], body: mid }), 200,
    { store: { path: kTp2, body: mid.subarray(0, 1 << 20).toString('base64'), size_violation: String(mid.length) } });

  // A client that sends half a header and stalls must not hold up the others. The collector
  // drops it only after its 25 s read timeout, which no option shortens: not waited for here.
  const slow = net.connect(port, '127.0.0.1');
  const slowData = [];
  slow.on('data', (d) => slowData.push(d));
  slow.on('error', () => {});
  await new Promise((resolve) => slow.once('connect', resolve));
  slow.write('GET /i?e=pv&eid=slow HTTP/1.1\r\nHost: collector.test\r\nX-Half');
  const began = Date.now();
  for (let i = 0; i < 5; i++) {
    const q = `e=pv&p=web&tv=e2e&eid=0c0ffee0-0000-4000-8000-00000000010${i}`;
    await expectStatus(`pixel ${i} while a client stalls`, request('GET', `/i?${q}`), 200,
      { store: { path: '/i', query: Buffer.from(q).toString('base64') } });
  }
  await expectHealthy('requests beside a stalled client');
  const elapsed = Date.now() - began;
  if (elapsed > 3000) fail(`requests beside a stalled client took ${elapsed} ms`);
  if (slowData.length > 0) fail(`the stalled client got an answer: ${Buffer.concat(slowData).toString('latin1').slice(0, 80)}`);
  slow.destroy();

  for (const seed of [1, 2, 3]) {
    const answer = await exchange(garbage(4096, seed));
    if (!answer.closed || (answer.status !== 0 && answer.status !== 400)) {
      fail(`random bytes (seed ${seed}): status ${answer.status}, closed ${answer.closed}`);
    } else {
      console.error(`ok: 4 KiB of random bytes (seed ${seed}) -> ${answer.status || 'closed without an answer'}`);
    }
  }
  await expectHealthy('random bytes');

  // Invalid UTF-8, raw in the request target and percent-encoded: kept byte for byte.
  const rawQuery = Buffer.concat([Buffer.from('e=pv&p=web&tv=e2e&eid=0c0ffee0-0000-4000-8000-000000000003&page='),
    Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82, 0x41, 0xed, 0xa0, 0x80, 0xc0, 0xaf, 0x80])]);
  await expectStatus('invalid UTF-8 bytes in the query', Buffer.concat([Buffer.from('GET /i?'), rawQuery,
    Buffer.from(' HTTP/1.1\r\nHost: collector.test\r\nConnection: close\r\n\r\n')]), 200,
  { store: { path: '/i', query: rawQuery.toString('base64') } });
  const encodedQuery = 'e=pv&p=web&tv=e2e&eid=0c0ffee0-0000-4000-8000-000000000004&page=%FF%FE%C3%28';
  await expectStatus('percent-encoded invalid UTF-8 in the query', request('GET', `/i?${encodedQuery}`), 200,
    { store: { path: '/i', query: Buffer.from(encodedQuery).toString('base64') } });
  const [before, after] = payloadData([{ e: 'pv', p: 'web', tv: 'e2e', eid: '0c0ffee0-0000-4000-8000-000000000005', page: 'PAGE' }]).split('PAGE');
  const badBody = Buffer.concat([Buffer.from(before), Buffer.from([0xc1, 0xfe, 0xff, 0x80, 0xed, 0xa0, 0x80]), Buffer.from(after)]);
  await expectStatus('invalid UTF-8 in a POST body', request('POST', kTp2, { headers: ['Content-Type: application/json'], body: badBody }), 200,
    { store: { path: kTp2, body: badBody.toString('base64') } });

  // Each header value is shown as a string or as base64 on its own: valid UTF-8 sequences at
  // the edges of the ranges, and the kinds of invalid ones (overlong, surrogate, above
  // U+10FFFF, stray or missing continuation bytes), some after eight ASCII bytes.
  const utf8Cases = [
    ['plain', true], ['c3a9', true], ['e282ac', true], ['f09d849e', true], ['f48fbfbf', true],
    ['ed9fbf', true], ['ee8080', true], ['e0a080', true], ['f0908080', true], ['61626364656667c3a9', true],
    ['c0af', false], ['e080af', false], ['f08080af', false], ['eda080', false], ['f4908080', false],
    ['f5808080', false], ['80', false], ['c3', false], ['e282', false], ['ff', false], ['c328', false],
    ['6162636465666768ff', false], ['6162636465666768e2', false],
  ].map(([hex, valid]) => ({ bytes: hex === 'plain' ? Buffer.from('plain') : Buffer.from(hex, 'hex'), valid }));
  const languageHeaders = Buffer.concat(utf8Cases.map((c) => Buffer.concat([Buffer.from('Accept-Language: '), c.bytes, Buffer.from('\r\n')])));
  const utf8Query = 'e=pv&p=web&tv=e2e&eid=0c0ffee0-0000-4000-8000-000000000007';
  await expectStatus('header values with edge cases of UTF-8', Buffer.concat([
    Buffer.from(`GET /i?${utf8Query} HTTP/1.1\r\nHost: collector.test\r\nConnection: close\r\n`), languageHeaders, Buffer.from('\r\n')]), 200,
  { store: { path: '/i', query: Buffer.from(utf8Query).toString('base64'), languages: utf8Cases.map((c) => ({ bytes: c.bytes.toString('base64'), valid: c.valid })) } });

  // tp2 with a body that is not declared JSON: stored; enrichment makes it an adapter failure.
  const plain = Buffer.from(payloadData([{ e: 'pv', p: 'web', tv: 'e2e', eid: '0c0ffee0-0000-4000-8000-000000000006' }]));
  await expectStatus('tp2 POST as text/plain', request('POST', kTp2, { headers: ['Content-Type: text/plain'], body: plain }), 200,
    { store: { path: kTp2, body: plain.toString('base64'), content_type: 'text/plain' } });

  writeFileSync(summaryFile, JSON.stringify({ stored }));
  console.error(`sent every case in ${Date.now() - t0} ms; ${stored.length} requests answered 2xx and stored`);
  if (failed) process.exit(1);
}

function check(rawFile, summaryFile) {
  const { stored: want } = JSON.parse(readFileSync(summaryFile, 'utf8'));
  const records = readRawLog(rawFile);
  if (records.length !== want.length) fail(`${records.length} records in the raw log, ${want.length} requests stored`);
  for (let i = 0; i < Math.min(records.length, want.length); i++) {
    const r = records[i];
    const w = want[i];
    const same = (field, expected) => {
      if (!bytesOf(r[field]).equals(expected)) {
        fail(`${w.what}: ${field} differs: ${JSON.stringify(r[field]).slice(0, 120)}`);
      }
    };
    same('path', Buffer.from(w.path));
    if (w.query !== undefined) same('query', Buffer.from(w.query, 'base64'));
    if (w.body !== undefined) same('body', Buffer.from(w.body, 'base64'));
    if (w.content_type !== undefined) same('content_type', Buffer.from(w.content_type));
    if (w.languages !== undefined) {
      const got = r.headers.filter(([n]) => n === 'Accept-Language').map(([, v]) => v);
      if (got.length !== w.languages.length) fail(`${w.what}: ${got.length} Accept-Language headers stored, ${w.languages.length} sent`);
      w.languages.forEach((l, k) => {
        const v = got[k];
        if (v === undefined) return;
        if ((typeof v === 'string') !== l.valid) fail(`${w.what}: ${JSON.stringify(v)} shown as ${typeof v}, valid UTF-8: ${l.valid}`);
        if (!bytesOf(v).equals(Buffer.from(l.bytes, 'base64'))) fail(`${w.what}: header ${k} bytes differ: ${JSON.stringify(v)}`);
      });
    }
    const violation = headerOf(r, 'X-Footfall-Size-Violation');
    if (violation !== w.size_violation) fail(`${w.what}: size violation header ${violation}, expected ${w.size_violation}`);
  }
  const encoded = records.filter((r) => typeof r.query === 'object' || typeof r.body === 'object').length;
  if (encoded !== 2) fail(`${encoded} records with a base64 query or body, expected the 2 with invalid UTF-8`);
  if (failed) process.exit(1);
  console.error(`ok: ${records.length} records, each as stored, invalid UTF-8 byte for byte`);
}

const [, , mode, ...args] = process.argv;
if (mode === 'send') {
  await send(args[0], args[1]);
} else if (mode === 'check') {
  check(args[0], args[1]);
} else {
  console.error('usage: collector_bad_input.mjs send PORT SUMMARY.json | check RAW.jsonl SUMMARY.json');
  process.exit(2);
}
