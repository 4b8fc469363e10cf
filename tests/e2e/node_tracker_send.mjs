// Sends page views with the real @snowplow/node-tracker to a collector, then exits.
// Usage: node node_tracker_send.mjs http://127.0.0.1:PORT COUNT METHOD(get|post)
import { newTracker, buildPageView, buildStructEvent } from '@snowplow/node-tracker';

const [, , target, countArg, methodArg] = process.argv;
const url = new URL(target);
const count = Number(countArg);
const method = methodArg ?? 'get';
let failures = 0;
let sent = 0;

const tracker = newTracker(
  { namespace: 'e2e', appId: 'e2e-shop', encodeBase64: true },
  {
    endpoint: url.hostname,
    port: Number(url.port),
    protocol: 'http',
    eventMethod: method,
    bufferSize: method === 'post' ? 5 : 1,
    retryFailedRequests: false,
    onRequestSuccess: (batch) => { sent += batch.length; },
    onRequestFailure: (failure) => { failures += 1; console.error('request failed', failure.status, failure.message); },
  },
);
tracker.setDomainUserId('e2e-user-1');
tracker.setSessionId('6f9a7c1e-0d2b-4c3a-9e8f-1a2b3c4d5e6f');
tracker.setSessionIndex(1);

for (let i = 0; i < count; i++) {
  tracker.track(buildPageView({
    pageUrl: `https://shop.example/product/${i}`,
    pageTitle: `Product ${i}`,
    referrer: 'https://www.google.com/',
  }));
}
tracker.track(buildStructEvent({ category: 'try-on', action: 'open' }));
await tracker.flush();
// The emitter sends asynchronously: wait (bounded) until every event was answered.
for (let waited = 0; sent + failures < count + 1 && waited < 10000; waited += 50) {
  await new Promise((r) => setTimeout(r, 50));
}
console.log(JSON.stringify({ sent, failures }));
process.exit(failures === 0 && sent === count + 1 ? 0 : 1);
