// The test page's script for browser_tracker.sh, bundled by esbuild: two real Snowplow browser
// trackers (POST and GET) to the collector named in ?collector=HOST:PORT, activity tracking,
// one page view, one structured and one self-describing event each. What the trackers report goes into window.footfallE2e for the driver.
import {
  newTracker,
  trackPageView,
  trackStructEvent,
  trackSelfDescribingEvent,
  enableActivityTracking,
  disableActivityTracking,
} from '@snowplow/browser-tracker';

const collector = new URLSearchParams(window.location.search).get('collector');
const state = {
  sent: [], // every payload a collector acknowledged, as onRequestSuccess hands them over
  failures: [],
  inFlight: 0, // requests sent and not yet answered
  stop: () => disableActivityTracking(),
};
window.footfallE2e = state;

function emitterCallbacks(name) {
  return {
    onRequestSuccess: (batch) => state.sent.push(...batch),
    onRequestFailure: (f) => state.failures.push(`${name}: ${f.status ?? ''} ${f.message ?? ''}`),
    customFetch: (request, options) => {
      state.inFlight += 1;
      return fetch(request, options).finally(() => {
        state.inFlight -= 1;
      });
    },
  };
}

newTracker('sp', collector, { appId: 'browser-e2e', eventMethod: 'post', ...emitterCallbacks('sp') });
newTracker('sp2', collector, { appId: 'browser-e2e', eventMethod: 'get', ...emitterCallbacks('sp2') });
enableActivityTracking({ minimumVisitLength: 1, heartbeatDelay: 1 });
trackPageView();
trackStructEvent({ category: 'shop', action: 'add-to-basket', label: 'Robe d\'été', property: 'size M', value: 79.5 });
trackSelfDescribingEvent({
  event: {
    schema: 'iglu:com.footfall/try_on/jsonschema/1-0-0',
    data: { product_id: 'robe-ete-42', garment_category: 'dresses', outcome: 'completed', duration_ms: 5400 },
  },
});
