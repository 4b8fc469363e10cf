// Load for collector_crash.sh: GET /i page views at full speed over 8 keep-alive connections,
// each with a fresh event id. Every eid is appended to SENT_FILE before its request goes out,
// and to ACKED_FILE only once the collector answered it with a 2xx (one synchronous write per
// line). The first connection error (the collector was killed: ECONNRESET, ECONNREFUSED, socket
// hang up) or non-2xx answer stops the load; requests still in flight then settle as failures.
// The load also stops at MAX_MS whatever happens.
// Usage: node crash_load.mjs http://127.0.0.1:PORT SENT_FILE ACKED_FILE MAX_MS
// Prints one JSON line: {"sent":…,"acked":…,"non2xx":…,"errors":…,"first_error":…}.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

const [, , target, sentFile, ackedFile, maxMsArg] = process.argv;
const url = new URL(target);
const maxMs = Number(maxMsArg);
const kConnections = 8;
const kRequestTimeoutMs = 5000;

const agent = new http.Agent({ keepAlive: true, maxSockets: kConnections });
const sentFd = fs.openSync(sentFile, 'a');
const ackedFd = fs.openSync(ackedFile, 'a');
const deadline = Date.now() + maxMs;
let stopped = false;
const counts = { sent: 0, acked: 0, non2xx: 0, errors: 0, first_error: null };

const enc = encodeURIComponent;
const pageUrl = 'https://shop.example/women/dresses/summer-linen-midi-dress-1234?color=sand' +
  '&size=38&utm_source=newsletter&utm_medium=email&utm_campaign=summer-sale';
const duid = randomUUID();
const sid = randomUUID();

// A page view as the JavaScript tracker sends it (about 600 bytes).
function query(eid) {
  const now = Date.now();
  return `e=pv&url=${enc(pageUrl)}` +
    `&page=${enc('Summer Linen Midi Dress - Sand | Example Shop')}` +
    `&refr=${enc('https://www.google.com/search?q=linen+midi+dress')}` +
    '&tv=js-3.24.0&tna=sp1&aid=crash-shop&p=web&tz=Europe%2FBerlin&lang=de-DE&cs=UTF-8' +
    `&res=1920x1080&vp=1440x789&eid=${eid}&duid=${duid}&sid=${sid}&vid=1` +
    `&dtm=${now - 3}&stm=${now}`;
}

function fail(what) {
  counts.errors += 1;
  if (counts.first_error === null) counts.first_error = what;
  stopped = true;
}

// One request; resolves once it is settled either way (never rejects).
function send(eid) {
  return new Promise((resolve) => {
    const req = http.get({
      agent, host: url.hostname, port: url.port, path: `/i?${query(eid)}`,
      headers: { 'User-Agent': 'footfall-crash-test/1', 'Accept-Language': 'de-DE' },
      timeout: kRequestTimeoutMs,
    }, (res) => {
      if (res.statusCode >= 200 && res.statusCode < 300) {
        fs.writeSync(ackedFd, `${eid}\n`);
        counts.acked += 1;
      } else {
        counts.non2xx += 1;
        fail(`HTTP ${res.statusCode}`);
      }
      res.on('error', () => resolve());
      res.on('close', () => resolve());
      res.resume();
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', (err) => {
      fail(err.code ?? err.message);
      resolve();
    });
  });
}

async function worker() {
  while (!stopped && Date.now() < deadline) {
    const eid = randomUUID();
    fs.writeSync(sentFd, `${eid}\n`);
    counts.sent += 1;
    await send(eid);
  }
}

await Promise.all(Array.from({ length: kConnections }, worker));
agent.destroy();
fs.closeSync(sentFd);
fs.closeSync(ackedFd);
console.log(JSON.stringify(counts));
