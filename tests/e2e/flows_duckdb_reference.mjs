// An independent reference for the flow views: DuckDB recomputes the studio flow's executions,
// waiting times and directly-follows pairs from the enriched Parquet lake with plain SQL window
// functions, following the definitions of docs/views.md ("Flows"), and every row and column of
// footfall's flow_activities and flow_transitions must match it.
//
//   node flows_duckdb_reference.mjs send COLLECTOR_URL
//     posts one hand-made case (kEdgeCase) to a collector: tied and overlapping executions, two
//     open executions of one activity at once, a zero service time, a start at the instant of
//     another execution's completion, a never completed start, and a later duplicate of an event
//     with another cost. The generator's workflow has none of these.
//   node flows_duckdb_reference.mjs check DATA_DIR ACTIVITIES.json TRANSITIONS.json \
//       BOTTLENECKS.json
//     DATA_DIR is footfall's data directory (its enriched/ dataset is read through the current
//     manifest); the JSON files are `footfall sql --format json` output of SELECT * FROM the
//     three tables. Prints one summary line, or the first mismatches naming the row and column,
//     and exits non-zero on any mismatch.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import duckdb from '@duckdb/node-api';

const kFlow = 'studio';
const kSchemaPrefix = 'iglu:com.footfall/workflow_step/';
// Timestamps are whole milliseconds, so durations may differ by float rounding only; costs are
// sums of the same cents in another order.
const kTimeRelative = 1e-6;
const kTimeAbsoluteS = 1e-3;
const kCostAbsolute = 1e-9;

// The hand-made case: [seconds after its first step, activity, lifecycle, cost, event id]. Event
// ids order the steps that share an instant (views order events by time, then event_id).
const kEdgeCase = 'EDGE-0001';
const kEdgeSteps = [
  [0, 'intake', 'start', null, 'e0000000-0000-4000-8000-000000000001'],
  [100, 'intake', 'complete', 1.25, 'e0000000-0000-4000-8000-000000000002'],
  [100, 'choose_poses', 'start', null, 'e0000000-0000-4000-8000-000000000003'],
  [100, 'shoot_at_source', 'start', null, 'e0000000-0000-4000-8000-000000000004'],
  [300, 'choose_poses', 'complete', 2.5, 'e0000000-0000-4000-8000-000000000005'],
  [400, 'style_garment', 'start', null, 'e0000000-0000-4000-8000-000000000006'],
  [400, 'composite', 'start', null, 'e0000000-0000-4000-8000-000000000007'],
  [400, 'style_garment', 'complete', 0.75, 'e0000000-0000-4000-8000-000000000008'],
  [450, 'composite', 'start', null, 'e0000000-0000-4000-8000-000000000009'],
  [500, 'shoot_at_source', 'complete', 3, 'e0000000-0000-4000-8000-00000000000a'],
  [600, 'composite', 'complete', 4, 'e0000000-0000-4000-8000-00000000000b'],
  [700, 'composite', 'complete', 5, 'e0000000-0000-4000-8000-00000000000c'],
  [800, 'review', 'start', null, 'e0000000-0000-4000-8000-00000000000d'],
];
// Sent again after the rest was acknowledged, with another cost: deduplication keeps the first.
const kEdgeDuplicate = [700, 'composite', 'complete', 999, 'e0000000-0000-4000-8000-00000000000c'];
// The executions worked out by hand from docs/views.md: activity, start, end, service, wait.
const kEdgeExecutions = [
  ['intake', 0, 100, 100, null],
  ['choose_poses', 100, 300, 200, 0],
  ['shoot_at_source', 100, 500, 400, 0],
  ['style_garment', 400, 400, 0, 100],  // its own completion is not "another" execution's
  ['composite', 400, 600, 200, 0],  // style_garment completed at that very instant
  ['composite', 450, 700, 250, 50],  // the earliest open start goes with the first complete
  ['review', 800, null, null, 100],
];
// Directly-follows pairs with their gaps: overlaps clamp to 0.
const kEdgeFollows = [
  ['intake', 'choose_poses', 0],
  ['choose_poses', 'shoot_at_source', 0],
  ['shoot_at_source', 'style_garment', 0],
  ['style_garment', 'composite', 0],
  ['composite', 'composite', 0],
  ['composite', 'review', 100],
];

function fail(message) {
  console.log(`FAIL: ${message}`);
  process.exit(1);
}

// The enriched dataset's content is what its highest manifest lists (docs/formats/dataset.md),
// not whatever *.parquet files happen to be in the directory.
function enrichedFiles(dataDir) {
  const dir = join(dataDir, 'enriched');
  const manifests = readdirSync(dir).filter((n) => /^_manifest-\d{12}\.json$/.test(n)).sort();
  if (manifests.length === 0) fail(`no manifest in ${dir}`);
  const manifest = JSON.parse(readFileSync(join(dir, manifests[manifests.length - 1]), 'utf8'));
  if (manifest.files.length === 0) fail(`${dir}: the current manifest lists no files`);
  return manifest.files.map((f) => join(dir, f.path));
}

function sqlString(s) {
  return `'${s.replaceAll("'", "''")}'`;
}

async function rows(con, sql) {
  const reader = await con.runAndReadAll(sql);
  return reader.getRowObjectsJson();
}

async function reference(con, files) {
  const list = files.map(sqlString).join(', ');
  // Deduplication as every view does it: one event per event_id, the earliest collected.
  await con.run(`
    CREATE TABLE events AS
    SELECT * FROM read_parquet([${list}], hive_partitioning = true)
    QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY collector_tstamp) = 1`);
  // The flow's steps. Times in integer microseconds so that ties and differences are exact.
  await con.run(`
    CREATE TABLE raw_steps AS
    SELECT event_id,
           json_extract_string(unstruct_event, '$.data.case_id') AS case_id,
           json_extract_string(unstruct_event, '$.data.activity') AS activity,
           json_extract_string(unstruct_event, '$.data.lifecycle') AS lifecycle,
           TRY_CAST(json_extract_string(unstruct_event, '$.data.cost') AS DOUBLE) AS cost,
           epoch_us(derived_tstamp) AS t
    FROM events
    WHERE event = 'unstruct'
      AND starts_with(json_extract_string(unstruct_event, '$.schema'),
                      ${sqlString(kSchemaPrefix)})`);
  await con.run(`
    CREATE TABLE steps AS
    SELECT * FROM raw_steps
    WHERE case_id IS NOT NULL AND case_id <> '' AND activity IS NOT NULL AND activity <> ''
      AND t IS NOT NULL AND lifecycle IN ('start', 'complete')`);

  // Executions. With steps in time order (starts first at an instant), a complete pairs with the
  // earliest open start of its (case, activity). When the n-th complete is never before the n-th
  // start, that start is open when the complete comes (starts 1..n-1 went to completes 1..n-1),
  // so the pairing is simply by rank; the check below makes sure the data allows that shortcut.
  await con.run(`
    CREATE TABLE ranked AS
    SELECT *,
           row_number() OVER (PARTITION BY case_id, activity, lifecycle ORDER BY t, event_id) AS n
    FROM steps`);
  await con.run(`
    CREATE TABLE executions AS
    SELECT coalesce(s.case_id, c.case_id) AS case_id,
           coalesce(s.activity, c.activity) AS activity,
           s.t AS start_t, s.event_id AS start_id,
           c.t AS end_t, c.event_id AS end_id, c.cost AS cost
    FROM (SELECT * FROM ranked WHERE lifecycle = 'start') s
    FULL OUTER JOIN (SELECT * FROM ranked WHERE lifecycle = 'complete') c
      ON s.case_id = c.case_id AND s.activity = c.activity AND s.n = c.n`);
  const bad = await rows(con, `
    SELECT case_id, activity, start_t, end_t FROM executions
    WHERE start_t IS NULL OR (end_t IS NOT NULL AND end_t < start_t) LIMIT 3`);
  if (bad.length > 0) {
    fail(`the data has a complete without an open start, so rank pairing is not the documented ` +
         `pairing: ${JSON.stringify(bad)}`);
  }

  // Waiting time: start minus the latest completion of another execution of the case at or
  // before that start; none when there is none (the case's first execution).
  await con.run(`
    CREATE TABLE timed AS
    SELECT e.*,
           (e.end_t - e.start_t) / 1e6 AS service_s,
           (e.start_t - (SELECT max(o.end_t) FROM executions o
                         WHERE o.case_id = e.case_id AND o.end_t <= e.start_t
                           AND NOT (o.start_id IS NOT DISTINCT FROM e.start_id
                                    AND o.end_id IS NOT DISTINCT FROM e.end_id))) / 1e6 AS wait_s
    FROM executions e`);

  // Directly-follows: executions of a case by start (their start event's place in the event
  // order breaks ties); the gap runs from the end of one to the start of the next, 0 on overlap.
  await con.run(`
    CREATE TABLE follows AS
    SELECT case_id, position, activity AS from_activity, next_activity AS to_activity,
           greatest(0, next_start - end_t) / 1e6 AS gap_s
    FROM (SELECT *, lead(activity) OVER w AS next_activity, lead(start_t) OVER w AS next_start,
                 row_number() OVER w AS position
          FROM executions
          WINDOW w AS (PARTITION BY case_id ORDER BY coalesce(start_t, end_t), start_id))
    WHERE next_activity IS NOT NULL`);

  // The flow's span (first to last step, at least a day) and its cases' cycle times (first to
  // last step of each case) for completions_per_day and cycle_time_share.
  const [span] = await rows(con, `
    SELECT greatest(1.0, (max(t) - min(t)) / 86400e6) AS days FROM steps`);
  const [cycles] = await rows(con, `
    SELECT sum(cycle_s) AS total_s, count(*) AS cases
    FROM (SELECT (max(t) - min(t)) / 1e6 AS cycle_s FROM steps GROUP BY case_id)`);

  const activities = await rows(con, `
    SELECT activity,
           count(DISTINCT case_id) AS cases,
           count(*) AS executions,
           avg(service_s) AS service_mean_s,
           quantile_cont(service_s, 0.5) AS service_p50_s,
           quantile_cont(service_s, 0.9) AS service_p90_s,
           avg(wait_s) AS wait_mean_s,
           quantile_cont(wait_s, 0.5) AS wait_p50_s,
           quantile_cont(wait_s, 0.9) AS wait_p90_s,
           sum(cost) AS total_cost,
           count(end_t) / ${Number(span.days)} AS completions_per_day,
           (coalesce(sum(wait_s), 0) + coalesce(sum(service_s), 0)) / ${Number(cycles.total_s)}
             AS cycle_time_share,
           coalesce(sum(wait_s), 0) / 3600 AS total_wait_h,
           coalesce(sum(wait_s), 0) / 60 / ${Number(cycles.cases)} AS wait_per_case_min
    FROM timed GROUP BY activity ORDER BY activity`);
  const transitions = await rows(con, `
    SELECT from_activity, to_activity, count(*) AS count,
           quantile_cont(gap_s, 0.5) AS gap_p50_s, quantile_cont(gap_s, 0.9) AS gap_p90_s
    FROM follows GROUP BY ALL ORDER BY from_activity, to_activity`);
  const [counts] = await rows(con, `
    SELECT (SELECT count(*) FROM raw_steps) AS raw_steps, (SELECT count(*) FROM steps) AS steps,
           (SELECT count(*) FROM executions) AS executions,
           (SELECT count(*) FROM executions WHERE end_t IS NULL) AS open_executions`);
  return { activities, transitions, counts };
}

// Compares one footfall table with the reference, keyed by KEY columns, over COLUMNS (each
// 'count', 'time' or 'cost'). Returns the mismatches as sentences.
function compare(table, key, columns, expected, actual) {
  const problems = [];
  const keyOf = (r) => key.map((k) => r[k]).join(' -> ');
  const got = new Map();
  for (const r of actual) {
    if (r.flow !== kFlow) {
      problems.push(`${table}: unexpected flow '${r.flow}'`);
      continue;
    }
    if (got.has(keyOf(r))) problems.push(`${table}: row ${keyOf(r)} appears twice`);
    got.set(keyOf(r), r);
  }
  for (const want of expected) {
    const k = keyOf(want);
    const have = got.get(k);
    if (!have) {
      problems.push(`${table}: row ${k} missing (DuckDB has ${JSON.stringify(want)})`);
      continue;
    }
    got.delete(k);
    for (const [column, kind] of Object.entries(columns)) {
      const w = want[column] === null ? null : Number(want[column]);
      const h = have[column] === null || have[column] === undefined ? null : Number(have[column]);
      let ok;
      if (w === null || h === null) {
        ok = w === h;
      } else if (kind === 'count') {
        ok = w === h;
      } else if (kind === 'time') {
        const d = Math.abs(w - h);
        ok = d <= kTimeAbsoluteS || d <= kTimeRelative * Math.max(Math.abs(w), Math.abs(h));
      } else {
        ok = Math.abs(w - h) <= kCostAbsolute;
      }
      if (!ok) problems.push(`${table}: row ${k}, column ${column}: DuckDB ${w}, footfall ${h}`);
    }
  }
  for (const k of got.keys()) problems.push(`${table}: row ${k} is not in DuckDB's result`);
  return problems;
}

function payload(t0Ms, [offsetS, activity, lifecycle, cost, eid]) {
  const step = { case_id: kEdgeCase, activity, lifecycle, resource: 'e2e-desk', cost };
  const ue = {
    schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0',
    data: { schema: 'iglu:com.footfall/workflow_step/jsonschema/1-0-0', data: step },
  };
  const ttm = String(t0Ms + offsetS * 1000);
  return { e: 'ue', p: 'srv', tv: 'e2e-flows', aid: 'studio', eid, dtm: ttm, ttm,
           ue_pr: JSON.stringify(ue) };
}

async function post(url, events) {
  const body = JSON.stringify({
    schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4', data: events });
  const res = await fetch(`${url}/com.snowplowanalytics.snowplow/tp2`, {
    method: 'POST', headers: { 'Content-Type': 'application/json; charset=UTF-8' }, body });
  if (res.status !== 200) fail(`collector answered ${res.status} to the hand-made case`);
}

async function send(url) {
  // Inside the generated traffic's days, on a whole second.
  const t0Ms = Math.floor(Date.now() / 1000 - 3 * 86400) * 1000;
  await post(url, kEdgeSteps.map((s) => payload(t0Ms, s)));
  await post(url, [payload(t0Ms, kEdgeDuplicate)]);
  console.log(`sent case ${kEdgeCase}: ${kEdgeSteps.length} steps and one duplicate`);
}

// The reference itself against the hand-worked case, so that agreement with footfall means
// agreement with docs/views.md and not a shared mistake.
async function checkEdgeCase(con) {
  const q = sqlString(kEdgeCase);
  const executions = await rows(con, `
    WITH t0 AS (SELECT min(t) AS t0 FROM steps WHERE case_id = ${q})
    SELECT activity, (start_t - t0) / 1e6 AS s, (end_t - t0) / 1e6 AS e, service_s, wait_s, cost
    FROM timed, t0 WHERE case_id = ${q} ORDER BY start_t, start_id`);
  const got = executions.map((r) => [r.activity, r.s, r.e, r.service_s, r.wait_s]);
  if (JSON.stringify(got) !== JSON.stringify(kEdgeExecutions)) {
    fail(`DuckDB's executions of ${kEdgeCase} are not the hand-worked ones:\n` +
         `  got      ${JSON.stringify(got)}\n  expected ${JSON.stringify(kEdgeExecutions)}`);
  }
  const composite = executions.filter((r) => r.activity === 'composite').map((r) => r.cost);
  if (JSON.stringify(composite) !== JSON.stringify([4, 5])) {
    fail(`${kEdgeCase}: composite costs ${JSON.stringify(composite)}, expected [4,5] ` +
         '(the later duplicate must be dropped)');
  }
  const pairs = await rows(con, `
    SELECT from_activity, to_activity, gap_s FROM follows WHERE case_id = ${q} ORDER BY position`);
  const gotPairs = pairs.map((r) => [r.from_activity, r.to_activity, r.gap_s]);
  if (JSON.stringify(gotPairs) !== JSON.stringify(kEdgeFollows)) {
    fail(`DuckDB's directly-follows pairs of ${kEdgeCase} are not the hand-worked ones:\n` +
         `  got      ${JSON.stringify(gotPairs)}\n  expected ${JSON.stringify(kEdgeFollows)}`);
  }
}

async function check(dataDir, activitiesFile, transitionsFile, bottlenecksFile) {
  const load = (f) => JSON.parse(readFileSync(f, 'utf8'));
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const ref = await reference(con, enrichedFiles(dataDir));
  await checkEdgeCase(con);
  console.log(`DuckDB: ${ref.counts.raw_steps} flow events, ${ref.counts.steps} usable steps, ` +
              `${ref.counts.executions} executions (${ref.counts.open_executions} open)`);
  if (ref.activities.length === 0) fail('DuckDB found no studio executions in the enriched lake');

  const time = 'time';
  const problems = [
    ...compare('flow_activities', ['activity'], {
      cases: 'count', executions: 'count',
      service_mean_s: time, service_p50_s: time, service_p90_s: time,
      wait_mean_s: time, wait_p50_s: time, wait_p90_s: time,
      total_cost: 'cost',
      completions_per_day: time, cycle_time_share: time,
    }, ref.activities, load(activitiesFile)),
    ...compare('flow_transitions', ['from_activity', 'to_activity'], {
      count: 'count', gap_p50_s: time, gap_p90_s: time,
    }, ref.transitions, load(transitionsFile)),
  ];

  // flow_bottlenecks ranks activities by total waiting time; the generator under-staffs
  // compositing, so it must come first, and the totals must be the reference's waits.
  const bottlenecks = load(bottlenecksFile);
  problems.push(...compare('flow_bottlenecks', ['activity'], {
    total_wait_h: time, wait_per_case_min: time,
  }, ref.activities, bottlenecks));
  const first = bottlenecks.find((r) => Number(r.rank) === 1);
  if (!first || first.activity !== 'composite') {
    problems.push(`flow_bottlenecks: rank 1 is ${first ? `'${first.activity}'` : 'missing'}, ` +
                  `expected 'composite'`);
  }
  const byWait = [...ref.activities].sort(
    (a, b) => Number(b.total_wait_h) - Number(a.total_wait_h));
  if (byWait[0].activity !== 'composite') {
    problems.push(`DuckDB's largest total wait is '${byWait[0].activity}', not 'composite'`);
  }

  if (problems.length > 0) {
    for (const p of problems.slice(0, 20)) console.log(`FAIL: ${p}`);
    if (problems.length > 20) console.log(`FAIL: … and ${problems.length - 20} more`);
    process.exit(1);
  }
  console.log(`ok: ${ref.activities.length} activities, ${ref.transitions.length} transitions ` +
              `match DuckDB; flow_bottlenecks ranks composite first`);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'send' && args.length === 1) {
  await send(args[0]);
} else if (mode === 'check' && args.length === 4) {
  await check(...args);
} else {
  fail('usage: flows_duckdb_reference.mjs send URL | ' +
       'check DATA_DIR ACTIVITIES.json TRANSITIONS.json BOTTLENECKS.json');
}
