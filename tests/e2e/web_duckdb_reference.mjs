// The web model recomputed in DuckDB SQL from the enriched Parquet lake, written from the
// definitions of docs/views.md alone, and compared row by row with what `footfall batch`
// published: every row and computed column of `sessions`, `page_views`, `users`,
// `traffic_daily`, `traffic_hourly`, `acquisition`, `funnel_steps` and `funnel_dropoffs` of the
// `checkout` funnel, `journey_transitions` and `journey_paths`, and of `metrics_hourly` every
// column but engaged_sessions and users_estimate.
//
// Usage: node web_duckdb_reference.mjs WORK
//   WORK/data/enriched/   the enriched lake (Hive-partitioned Parquet)
//   WORK/<table>.json     `footfall sql --format json "SELECT * FROM <table>"` for each table
//                         above and pipeline_versions
// Exits 1 naming the table, key and column of each mismatch (the first few printed in full).

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import duckdb from '@duckdb/node-api';

const work = process.argv[2];
if (!work) {
  console.error('usage: node web_duckdb_reference.mjs WORK');
  process.exit(2);
}

// The web settings and the funnel and conversions of web_reference.yaml, the config of the batch;
// the two must stay in step.
const HEARTBEAT_S = 10;
const MIN_VISIT_S = 5;
const JOURNEY_STEPS = 4;
const FUNNEL = {
  name: 'checkout',
  steps: [
    { name: 'product', page_path: '/product/*' },
    { name: 'cart', page_path: '/cart' },
    { name: 'purchase', event_name: 'transaction' },
  ],
};
const CONVERSIONS = [
  { name: 'purchase', event_name: 'transaction' },
  { name: 'tried_on', event_name: 'try_on' },
  { name: 'saw_product', page_path: '/product/*' },
];

const sqlString = (s) => `'${String(s).replaceAll("'", "''")}'`;

// A config glob (`*` = any run of characters, nothing else special) as an anchored regex.
const globRegex = (glob) =>
  '^' + glob.split('*').map((p) => p.replace(/[.^$+?()[\]{}|\\]/g, '\\$&')).join('.*') + '$';

// SQL condition over an event row for a funnel step or conversion: every condition given must
// hold; a page path means page views only; an event name is compared with event_name, else the
// event type.
function matchSql(m) {
  const c = [];
  if (m.page_path) {
    c.push(`(event = 'page_view' AND regexp_full_match(page_urlpath, ${sqlString(globRegex(m.page_path))}))`);
  }
  if (m.event_name) c.push(`coalesce(event_name, event) = ${sqlString(m.event_name)}`);
  if (c.length === 0) throw new Error(`match ${m.name}: no condition`);
  return `coalesce(${c.join(' AND ')}, false)`;
}

const inst = await duckdb.DuckDBInstance.create(':memory:');
const con = await inst.connect();
const run = (sql) => con.run(sql);
const rows = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();
const one = async (sql) => Object.values((await rows(sql))[0])[0];

await run(`SET threads = 2`);
// REFERENCE_MEMORY_MB (bench/batch/run.sh): DuckDB's memory limit, beyond which it spills to
// disk, in WORK; by default DuckDB's own (80 % of the machine's memory).
await run(`SET temp_directory = ${sqlString(join(work, 'duckdb_tmp'))}`);
if (process.env.REFERENCE_MEMORY_MB) {
  await run(`SET memory_limit = '${Number(process.env.REFERENCE_MEMORY_MB)}MB'`);
}
await run(`SET TimeZone = 'UTC'`);

// The lake's files are those its newest manifest lists (a file of an unfinished commit is not
// part of it). Timestamps become plain UTC TIMESTAMPs (microseconds).
const lakeDir = join(work, 'data', 'enriched');
const manifest = readdirSync(lakeDir).filter((f) => /^_manifest-\d+\.json$/.test(f)).sort().at(-1);
if (!manifest) throw new Error(`no manifest in ${lakeDir}`);
const lakeFiles = JSON.parse(readFileSync(join(lakeDir, manifest), 'utf8'))
    .files.map((f) => sqlString(join(lakeDir, f.path)));
const ts = (c) => `make_timestamp(epoch_us(${c})) AS ${c}`;
const started = performance.now();
await run(`
  CREATE TABLE raw AS
  SELECT event_id, ${ts('collector_tstamp')}, ${ts('derived_tstamp')}, ${ts('dvce_created_tstamp')},
         event, event_name, app_id, domain_sessionid, domain_userid, network_userid, user_id,
         contexts, page_url, page_urlhost, page_urlpath, page_title, refr_medium, refr_source,
         refr_term, mkt_medium, mkt_source, mkt_campaign, dvce_type, br_family, os_family,
         geo_country, pp_xoffset_max, pp_yoffset_max, br_viewwidth, br_viewheight, doc_width,
         doc_height
  FROM read_parquet([${lakeFiles.join(', ')}], hive_partitioning = true)`);

// Deduplication: one event per event_id, the one with the earliest collector_tstamp.
// `seq` is the event's position in its session in view order (derived_tstamp, event_id); the
// id of its web_page context, if any, names the page view it belongs to.
await run(`
  CREATE TABLE ev AS
  SELECT * EXCLUDE (contexts),
         row_number() OVER (PARTITION BY domain_sessionid ORDER BY derived_tstamp, event_id) AS seq,
         list_filter(CAST(json_extract(contexts, '$[*]') AS JSON[]),
                     c -> starts_with(json_extract_string(c, '$.schema'),
                                      'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-'))[1]
           ->> '$.data.id' AS web_page_id
  FROM (SELECT * FROM raw QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY collector_tstamp) = 1)`);

const summary = {};
summary.events = Number(await one(`SELECT count(*) FROM raw`));
summary.duplicates = summary.events - Number(await one(`SELECT count(*) FROM ev`));
await run(`DROP TABLE raw`);

// This reference implements tracker sessions only: the generator's events without a
// domain_sessionid are server-side ones with no user, which belong to no session.
const unsessioned = Number(await one(`
  SELECT count(*) FROM ev
  WHERE domain_sessionid IS NULL AND (domain_userid IS NOT NULL OR network_userid IS NOT NULL)`));
if (unsessioned !== 0) {
  console.error(`FAIL: ${unsessioned} events have a user but no domain_sessionid; this reference ` +
                `does not sessionize by inactivity`);
  process.exit(1);
}

// Page views, in session order.
await run(`
  CREATE TABLE pv AS
  SELECT coalesce(web_page_id, event_id) AS page_view_id, domain_sessionid,
         row_number() OVER (PARTITION BY domain_sessionid ORDER BY derived_tstamp, event_id)
           AS page_view_in_session_index,
         seq, app_id, domain_userid, network_userid, page_url, page_urlhost, page_urlpath,
         page_title, derived_tstamp AS start_tstamp, refr_medium, refr_source, refr_term,
         mkt_medium, mkt_source, mkt_campaign, dvce_type, br_family, os_family, geo_country,
         br_viewwidth, br_viewheight, doc_width, doc_height
  FROM ev WHERE event = 'page_view' AND domain_sessionid IS NOT NULL`);
const dupIds = Number(await one(`
  SELECT count(*) FROM (SELECT page_view_id FROM pv GROUP BY 1 HAVING count(*) > 1)`));
if (dupIds !== 0) {
  console.error(`FAIL: ${dupIds} page_view_ids name more than one page view; the comparison keys on it`);
  process.exit(1);
}

// Pings to page views: by the web_page context id within the session (an id the session has no
// page view for strayed from another session and is dropped); without one, the session's latest
// page view at the ping.
await run(`
  CREATE TABLE ping AS
  SELECT domain_sessionid, seq, event_id, derived_tstamp, dvce_created_tstamp, pp_xoffset_max,
         pp_yoffset_max, br_viewwidth, br_viewheight, doc_width, doc_height, web_page_id
  FROM ev WHERE event = 'page_ping' AND domain_sessionid IS NOT NULL`);
await run(`
  CREATE TABLE ping_pv AS
  SELECT pv.page_view_id, p.*
  FROM ping p JOIN pv ON p.domain_sessionid = pv.domain_sessionid AND p.web_page_id = pv.page_view_id
  UNION ALL
  SELECT pv.page_view_id, p.*
  FROM (SELECT * FROM ping WHERE web_page_id IS NULL) p
  ASOF JOIN pv ON p.domain_sessionid = pv.domain_sessionid AND p.seq >= pv.seq`);
summary.page_pings = Number(await one(`SELECT count(*) FROM ping`));
summary.pings_attached = Number(await one(`SELECT count(*) FROM ping_pv`));
summary.pings_without_context = Number(await one(`SELECT count(*) FROM ping WHERE web_page_id IS NULL`));

// Engaged time: heartbeat × (distinct ping buckets − 1) + minimum visit, 0 without pings.
// Scroll depth: floor(100 × (max offset + viewport) / document), at most 100, null without
// viewport or document size. docs/views.md does not say which event's viewport and document
// size count; pings carry them too, and a page grows as it loads, so the latest known one is
// taken: that of the page view's last ping that has it, else the page view's own.
const latest = (c) => `last(${c} ORDER BY seq) FILTER (WHERE ${c} IS NOT NULL) AS ${c}`;
const pct = (off, view, doc) => `
  CASE WHEN ${view} IS NULL OR ${doc} IS NULL OR ${doc} <= 0 THEN NULL
       ELSE least(100, floor(100.0 * (coalesce(a.${off}, 0) + ${view}) / ${doc})) END`;
await run(`
  CREATE TABLE page_views AS
  WITH a AS (
    SELECT page_view_id, max(derived_tstamp) AS last_ping, max(pp_yoffset_max) AS max_y,
           max(pp_xoffset_max) AS max_x,
           count(DISTINCT floor(epoch_us(dvce_created_tstamp) / ${HEARTBEAT_S * 1e6})) AS buckets,
           ${['br_viewwidth', 'br_viewheight', 'doc_width', 'doc_height'].map(latest).join(', ')}
    FROM ping_pv GROUP BY 1),
  sized AS (
    SELECT pv.page_view_id, coalesce(a.br_viewwidth, pv.br_viewwidth) AS view_w,
           coalesce(a.br_viewheight, pv.br_viewheight) AS view_h,
           coalesce(a.doc_width, pv.doc_width) AS doc_w,
           coalesce(a.doc_height, pv.doc_height) AS doc_h
    FROM pv LEFT JOIN a USING (page_view_id))
  SELECT pv.*, coalesce(a.last_ping, pv.start_tstamp) AS end_tstamp,
         CASE WHEN a.buckets IS NULL THEN 0.0
              ELSE ${HEARTBEAT_S} * (a.buckets - 1) + ${MIN_VISIT_S} END::DOUBLE AS engaged_time_in_s,
         (epoch_us(coalesce(a.last_ping, pv.start_tstamp)) - epoch_us(pv.start_tstamp)) / 1e6
           AS absolute_time_in_s,
         ${pct('max_y', 'view_h', 'doc_h')} AS vertical_percentage_scrolled,
         ${pct('max_x', 'view_w', 'doc_w')} AS horizontal_percentage_scrolled
  FROM pv LEFT JOIN a USING (page_view_id) JOIN sized USING (page_view_id)`);

// Sessions. Identity and device columns come from the first event, referrer and campaign from
// the first page view; is_engaged: at least 2 page views or engaged time ≥ 2 × heartbeat.
const convCols = CONVERSIONS.map(
    (c, i) => `bool_or(${matchSql(c)}) AS conv_${i}`).join(',\n         ');
const convList = CONVERSIONS.map((c, i) => `CASE WHEN conv_${i} THEN ${sqlString(c.name)} END`);
await run(`
  CREATE TABLE sessions AS
  WITH e AS (
    SELECT domain_sessionid,
           first(app_id ORDER BY seq) AS app_id,
           first(domain_userid ORDER BY seq) AS domain_userid,
           first(network_userid ORDER BY seq) AS network_userid,
           last(user_id ORDER BY seq) FILTER (WHERE user_id IS NOT NULL AND user_id <> '') AS user_id,
           min(derived_tstamp) AS start_tstamp, max(derived_tstamp) AS end_tstamp,
           count(*) FILTER (WHERE event = 'page_view') AS page_views,
           count(*) FILTER (WHERE event = 'page_ping') AS page_pings,
           count(*) AS events,
           count(*) FILTER (WHERE event = 'struct') AS struct_events,
           count(*) FILTER (WHERE event = 'unstruct') AS unstruct_events,
           count(*) FILTER (WHERE event = 'transaction') AS transactions,
           first(dvce_type ORDER BY seq) AS dvce_type,
           first(br_family ORDER BY seq) AS br_family,
           first(os_family ORDER BY seq) AS os_family,
           first(geo_country ORDER BY seq) AS geo_country,
           ${convCols}
    FROM ev WHERE domain_sessionid IS NOT NULL GROUP BY 1),
  p AS (
    SELECT domain_sessionid, sum(engaged_time_in_s) AS engaged_time_in_s,
           first(page_urlpath ORDER BY page_view_in_session_index) AS landing_page,
           last(page_urlpath ORDER BY page_view_in_session_index) AS exit_page,
           first(refr_medium ORDER BY page_view_in_session_index) AS refr_medium,
           first(refr_source ORDER BY page_view_in_session_index) AS refr_source,
           first(refr_term ORDER BY page_view_in_session_index) AS refr_term,
           first(mkt_medium ORDER BY page_view_in_session_index) AS mkt_medium,
           first(mkt_source ORDER BY page_view_in_session_index) AS mkt_source,
           first(mkt_campaign ORDER BY page_view_in_session_index) AS mkt_campaign
    FROM page_views GROUP BY 1)
  SELECT e.*, 'tracker' AS sessionized_by,
         (epoch_us(end_tstamp) - epoch_us(start_tstamp)) / 1e6 AS duration_s,
         coalesce(p.engaged_time_in_s, 0.0) AS engaged_time_in_s,
         (page_views >= 2 OR coalesce(p.engaged_time_in_s, 0) >= ${2 * HEARTBEAT_S})::INTEGER AS is_engaged,
         p.landing_page, p.exit_page, p.refr_medium, p.refr_source, p.refr_term, p.mkt_medium,
         p.mkt_source, p.mkt_campaign,
         coalesce(${CONVERSIONS.map((_, i) => `conv_${i}`).join(' OR ')}, false)::INTEGER AS converted,
         nullif(concat_ws(',', ${convList.join(', ')}), '') AS conversions,
         coalesce(e.domain_userid, e.network_userid) AS user_key
  FROM e LEFT JOIN p USING (domain_sessionid)`);

// traffic_daily and traffic_hourly: events and page views by the bucket they happen in,
// sessions by the bucket they start in (`format`: the bucket's strftime format).
const trafficSql = (table, column, format) => `
  CREATE TABLE ${table} AS
  WITH d AS (
    SELECT strftime(derived_tstamp, ${format}) AS ${column}, count(*) AS events,
           count(*) FILTER (WHERE event = 'page_view') AS page_views
    FROM ev GROUP BY 1),
  s AS (
    SELECT strftime(start_tstamp, ${format}) AS ${column}, count(*) AS sessions,
           count(DISTINCT user_key) AS users, count(*) FILTER (WHERE is_engaged = 1) AS engaged_sessions,
           count(*) FILTER (WHERE page_views <= 1 AND is_engaged = 0) / count(*) AS bounce_rate,
           sum(engaged_time_in_s) / count(*) AS avg_engaged_time_in_s
    FROM sessions GROUP BY 1)
  SELECT ${column}, coalesce(d.events, 0) AS events, coalesce(d.page_views, 0) AS page_views,
         coalesce(s.sessions, 0) AS sessions, coalesce(s.users, 0) AS users,
         coalesce(s.engaged_sessions, 0) AS engaged_sessions, s.bounce_rate, s.avg_engaged_time_in_s
  FROM d FULL JOIN s USING (${column})`;
const HOUR = `'%Y-%m-%dT%H:00:00Z'`;
await run(trafficSql('traffic_daily', 'date', `'%Y-%m-%d'`));
await run(trafficSql('traffic_hourly', 'hour', HOUR));

// The funnel: a session reaches step k at the first of its events after step k−1 (strictly
// later in view order) that matches step k.
const fsteps = FUNNEL.steps;
await run(`
  CREATE TABLE f_events AS
  SELECT domain_sessionid, seq, derived_tstamp,
         ${fsteps.map((s, i) => `${matchSql(s)} AS m${i + 1}`).join(', ')}
  FROM ev WHERE domain_sessionid IS NOT NULL`);
await run(`
  CREATE TABLE f_1 AS
  SELECT domain_sessionid, min(seq) AS seq FROM f_events WHERE m1 GROUP BY 1`);
for (let k = 2; k <= fsteps.length; ++k) {
  await run(`
    CREATE TABLE f_${k} AS
    SELECT p.domain_sessionid, min(e.seq) AS seq
    FROM f_${k - 1} p JOIN f_events e
      ON e.domain_sessionid = p.domain_sessionid AND e.seq > p.seq AND e.m${k}
    GROUP BY 1`);
}
const funnelParts = [];
for (let k = 1; k <= fsteps.length; ++k) {
  const gap = k === 1 ? 'NULL::DOUBLE'
      : `(epoch_us(cur.derived_tstamp) - epoch_us(prev.derived_tstamp)) / 1e6`;
  const prevJoin = k === 1 ? '' : `
      JOIN f_${k - 1} fp ON fp.domain_sessionid = f.domain_sessionid
      JOIN f_events prev ON prev.domain_sessionid = fp.domain_sessionid AND prev.seq = fp.seq`;
  funnelParts.push(`
    SELECT ${k} AS step, ${sqlString(fsteps[k - 1].name)} AS step_name, count(*) AS sessions,
           quantile_cont(${gap}, 0.5) AS p50, quantile_cont(${gap}, 0.9) AS p90
    FROM f_${k} f
      JOIN f_events cur ON cur.domain_sessionid = f.domain_sessionid AND cur.seq = f.seq ${prevJoin}`);
}
await run(`
  CREATE TABLE funnel_steps AS
  WITH s AS (${funnelParts.join('\n    UNION ALL')})
  SELECT ${sqlString(FUNNEL.name)} AS funnel, step, step_name, sessions,
         sessions / lag(sessions, 1, sessions) OVER (ORDER BY step) AS conversion_from_previous,
         sessions / first_value(sessions) OVER (ORDER BY step) AS conversion_from_start,
         p50 AS time_from_previous_p50_s, p90 AS time_from_previous_p90_s
  FROM s`);

// funnel_dropoffs: sessions whose last step reached is k < the last step, by where they went
// next: the journey page name of their first page view after step k, else (exit).
const lastParts = [];
for (let k = 1; k < fsteps.length; ++k) {
  lastParts.push(`
    SELECT ${k} AS last_step, domain_sessionid, seq FROM f_${k}
    WHERE domain_sessionid NOT IN (SELECT domain_sessionid FROM f_${k + 1})`);
}
// users: per user key, from its sessions: the first session's landing page and source, the
// latest session's user_id.
await run(`
  CREATE TABLE users AS
  SELECT user_key,
         last(user_id ORDER BY start_tstamp, domain_sessionid) FILTER (WHERE user_id IS NOT NULL)
           AS user_id,
         min(start_tstamp) AS first_seen, max(end_tstamp) AS last_seen, count(*) AS sessions,
         sum(page_views) AS page_views, sum(engaged_time_in_s) AS engaged_time_in_s,
         first(landing_page ORDER BY start_tstamp, domain_sessionid) AS first_landing_page,
         first(refr_medium ORDER BY start_tstamp, domain_sessionid) AS first_refr_medium,
         first(refr_source ORDER BY start_tstamp, domain_sessionid) AS first_refr_source,
         first(mkt_campaign ORDER BY start_tstamp, domain_sessionid) AS first_mkt_campaign
  FROM sessions GROUP BY 1`);

// acquisition: sessions by the day they start and their first page view's source.
await run(`
  CREATE TABLE acquisition AS
  SELECT strftime(start_tstamp, '%Y-%m-%d') AS date, refr_medium, refr_source, mkt_campaign,
         count(*) AS sessions, count(DISTINCT user_key) AS users, sum(page_views) AS page_views,
         count(*) FILTER (WHERE is_engaged = 1) AS engaged_sessions,
         count(*) FILTER (WHERE converted = 1) AS conversions
  FROM sessions GROUP BY ALL`);

// Journeys: page names are paths with numeric and UUID segments as :id (an empty path is /).
const ID_SEGMENT = `'[0-9]+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'`;
await run(`
  CREATE TABLE journey_pages AS
  SELECT domain_sessionid, page_view_in_session_index AS i, start_tstamp, seq,
         array_to_string(list_transform(string_split(coalesce(nullif(page_urlpath, ''), '/'), '/'),
                                        s -> CASE WHEN regexp_full_match(s, ${ID_SEGMENT}) THEN ':id'
                                                  ELSE s END), '/') AS page
  FROM page_views`);
await run(`
  CREATE TABLE journey_transitions AS
  SELECT a.page AS from_page, b.page AS to_page, count(*) AS count,
         quantile_cont((epoch_us(b.start_tstamp) - epoch_us(a.start_tstamp)) / 1e6, 0.5) AS gap_p50_s
  FROM journey_pages a JOIN journey_pages b
    ON a.domain_sessionid = b.domain_sessionid AND b.i = a.i + 1
  GROUP BY 1, 2`);
await run(`
  CREATE TABLE journey_paths AS
  WITH p AS (
    SELECT string_agg(page, ' > ' ORDER BY i) AS path, count(*) AS steps
    FROM journey_pages WHERE i <= ${JOURNEY_STEPS} GROUP BY domain_sessionid)
  SELECT row_number() OVER (ORDER BY count(*) DESC, path) AS rank, path, max(steps) AS steps,
         count(*) AS sessions
  FROM p GROUP BY path`);

await run(`
  CREATE TABLE funnel_dropoffs AS
  WITH l AS (${lastParts.join('\n    UNION ALL')})
  SELECT ${sqlString(FUNNEL.name)} AS funnel, l.last_step, coalesce(j.page, '(exit)') AS next_page,
         count(*) AS sessions
  FROM l ASOF LEFT JOIN journey_pages j ON l.domain_sessionid = j.domain_sessionid AND l.seq < j.seq
  GROUP BY ALL`);

// metrics_hourly, but for engaged_sessions (the hour a session became engaged, which the speed
// layer's folder decides event by event) and users_estimate (its HyperLogLog): events, page
// views and pings by the hour they happen, sessions by the hour they start, distinct users of
// the hour's events.
await run(`
  CREATE TABLE metrics_hourly AS
  WITH e AS (
    SELECT strftime(derived_tstamp, ${HOUR}) AS hour, count(*) AS events,
           count(*) FILTER (WHERE event = 'page_view') AS page_views,
           count(*) FILTER (WHERE event = 'page_ping') AS page_pings,
           count(DISTINCT coalesce(domain_userid, network_userid)) AS users
    FROM ev GROUP BY 1),
  s AS (SELECT strftime(start_tstamp, ${HOUR}) AS hour, count(*) AS sessions_started
        FROM sessions GROUP BY 1)
  SELECT hour, events, page_views, page_pings, coalesce(sessions_started, 0) AS sessions_started,
         users
  FROM e LEFT JOIN s USING (hour)`);

// REFERENCE_TIME_ONLY=1 (bench/batch/run.sh): how long DuckDB took to build these views from
// the lake, and no comparison.
console.log(`duckdb: the web views of ${summary.events} ` +
            `events in ${((performance.now() - started) / 1000).toFixed(2)} s`);
if (process.env.REFERENCE_TIME_ONLY === '1') process.exit(0);

// ---- Comparison ----

const readFootfall = (table) => JSON.parse(readFileSync(join(work, `${table}.json`), 'utf8'));

// footfall's SQLite time text 'YYYY-MM-DD HH:MM:SS[.f…]' (UTC) with exactly six fraction
// digits, as the reference's are written.
function normalTime(s) {
  const m = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.(\d{1,6}))?$/.exec(s);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(6, '0')}` : `unparsable time ${s}`;
}

const mismatches = [];
const byColumn = new Map();
function mismatch(table, key, column, expected, actual) {
  const k = `${table}.${column}`;
  byColumn.set(k, (byColumn.get(k) ?? 0) + 1);
  mismatches.push(`${table} ${key}: ${column}: DuckDB ${JSON.stringify(expected)}, footfall ${JSON.stringify(actual)}`);
}

function sameValue(kind, expected, actual) {
  if (expected === null || actual === null) return expected === actual;
  if (kind === 'time') return normalTime(actual) === expected;
  if (kind === 'num') {
    const a = Number(expected), b = Number(actual);
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  }
  return String(expected) === String(actual);
}

// Compares the reference table with footfall's rows, keyed by the `key` columns, on `columns`
// ({name: 'text' | 'num' | 'time'}). The reference's values are read as plain JS strings and
// numbers, times as text with microseconds.
async function compare(table, key, columns) {
  const keys = [].concat(key);
  const as = ([c, kind]) =>
      kind === 'num' ? `CAST(${c} AS DOUBLE) AS ${c}`
      : kind === 'time' ? `strftime(${c}, '%Y-%m-%d %H:%M:%S.%f') AS ${c}`
      : `CAST(${c} AS VARCHAR) AS ${c}`;
  const select = [...keys.map((c) => [c, 'text']), ...Object.entries(columns)].map(as).join(', ');
  // Through a JSON file: far faster than converting DuckDB values row by row in JS.
  const file = join(work, `reference_${table}.json`);
  await run(`COPY (SELECT ${select} FROM ${table} ORDER BY ${keys.join(', ')})
             TO ${sqlString(file)} (FORMAT json, ARRAY true)`);
  const ref = JSON.parse(readFileSync(file, 'utf8'));
  const ours = readFootfall(table);
  const keyOf = (r) => keys.map((c) => String(r[c])).join('/');
  const index = new Map();
  for (const r of ours) {
    const k = keyOf(r);
    if (index.has(k)) mismatch(table, k, '(key)', 'unique', 'duplicate row');
    index.set(k, r);
  }
  let matched = 0;
  for (const r of ref) {
    const k = keyOf(r);
    const o = index.get(k);
    if (!o) {
      mismatch(table, k, '(row)', 'present', 'missing');
      continue;
    }
    index.delete(k);
    ++matched;
    for (const [col, kind] of Object.entries(columns)) {
      const expected = r[col];
      if (!(col in o)) {
        mismatch(table, k, col, expected, '(no such column)');
      } else if (!sameValue(kind, expected, o[col])) {
        mismatch(table, k, col, expected, o[col]);
      }
    }
  }
  for (const k of index.keys()) mismatch(table, k, '(row)', 'absent', 'present');
  console.log(`${table}: ${ref.length} reference rows, ${ours.length} footfall rows, ` +
              `${matched} compared on ${Object.keys(columns).length} columns`);
  return ref;
}

await compare('sessions', 'domain_sessionid', {
      sessionized_by: 'text', app_id: 'text', domain_userid: 'text', network_userid: 'text',
      user_id: 'text', start_tstamp: 'time', end_tstamp: 'time', duration_s: 'num',
      page_views: 'num', page_pings: 'num', events: 'num', struct_events: 'num',
      unstruct_events: 'num', transactions: 'num', engaged_time_in_s: 'num', is_engaged: 'num',
      landing_page: 'text', exit_page: 'text', refr_medium: 'text', refr_source: 'text',
      refr_term: 'text', mkt_medium: 'text', mkt_source: 'text', mkt_campaign: 'text',
      dvce_type: 'text', br_family: 'text', os_family: 'text', geo_country: 'text',
      converted: 'num', conversions: 'text',
    });

await compare('page_views', 'page_view_id', {
      domain_sessionid: 'text', page_view_in_session_index: 'num', app_id: 'text',
      domain_userid: 'text', network_userid: 'text', page_url: 'text', page_urlhost: 'text',
      page_urlpath: 'text', page_title: 'text', start_tstamp: 'time', end_tstamp: 'time',
      engaged_time_in_s: 'num', absolute_time_in_s: 'num', vertical_percentage_scrolled: 'num',
      horizontal_percentage_scrolled: 'num', refr_medium: 'text', refr_source: 'text',
      mkt_medium: 'text', mkt_source: 'text', mkt_campaign: 'text', dvce_type: 'text',
      br_family: 'text', os_family: 'text', geo_country: 'text',
    });

const daily = await compare('traffic_daily', 'date', {
  events: 'num', page_views: 'num', sessions: 'num', users: 'num', engaged_sessions: 'num',
  bounce_rate: 'num', avg_engaged_time_in_s: 'num',
});

const funnel = await compare('funnel_steps', ['funnel', 'step'], {
      step_name: 'text', sessions: 'num', conversion_from_previous: 'num',
      conversion_from_start: 'num', time_from_previous_p50_s: 'num', time_from_previous_p90_s: 'num',
    });

await compare('users', 'user_key', {
      user_id: 'text', first_seen: 'time', last_seen: 'time', sessions: 'num', page_views: 'num',
      engaged_time_in_s: 'num', first_landing_page: 'text', first_refr_medium: 'text',
      first_refr_source: 'text', first_mkt_campaign: 'text',
    });

await compare('traffic_hourly', 'hour', {
  events: 'num', page_views: 'num', sessions: 'num', users: 'num', engaged_sessions: 'num',
  bounce_rate: 'num', avg_engaged_time_in_s: 'num',
});

await compare('acquisition', ['date', 'refr_medium', 'refr_source', 'mkt_campaign'], {
  sessions: 'num', users: 'num', page_views: 'num', engaged_sessions: 'num', conversions: 'num',
});

await compare('funnel_dropoffs', ['funnel', 'last_step', 'next_page'], {sessions: 'num'});

await compare('journey_transitions', ['from_page', 'to_page'], {count: 'num', gap_p50_s: 'num'});

await compare('journey_paths', 'path', {rank: 'num', steps: 'num', sessions: 'num'});

await compare('metrics_hourly', 'hour', {
  events: 'num', page_views: 'num', page_pings: 'num', sessions_started: 'num', users: 'num',
});

// The published version's own counts.
const version = readFootfall('pipeline_versions').at(-1);
const totals = {
  events: summary.events - summary.duplicates,
  duplicates: summary.duplicates,
  sessions: Number(await one(`SELECT count(*) FROM sessions`)),
  page_views: Number(await one(`SELECT count(*) FROM page_views`)),
};
for (const [col, expected] of Object.entries(totals)) {
  if (!sameValue('num', expected, version[col])) {
    mismatch('pipeline_versions', `version ${version.version}`, col, expected, version[col]);
  }
}

console.log(`lake: ${lakeFiles.length} files, ${summary.events} events, ${summary.duplicates} duplicates, ` +
            `${summary.page_pings} page pings (${summary.pings_attached} attached to a page view, ` +
            `${summary.pings_without_context} without a web_page context)`);
console.log(`traffic_daily: ${daily.map((d) => `${d.date} ${d.events} events/${d.sessions} sessions`).join('; ')}`);
console.log(`funnel ${FUNNEL.name}: ${funnel.map((s) => `${s.step_name} ${s.sessions}`).join(' > ')}`);

if (mismatches.length > 0) {
  for (const m of mismatches.slice(0, 25)) console.log(`MISMATCH ${m}`);
  if (mismatches.length > 25) console.log(`... and ${mismatches.length - 25} more`);
  for (const [k, n] of byColumn) console.log(`mismatches in ${k}: ${n}`);
  console.log(`FAIL: ${mismatches.length} mismatches between footfall and the DuckDB reference`);
  process.exit(1);
}
console.log('ok: every row of every web view compared agrees with DuckDB');
