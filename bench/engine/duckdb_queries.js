// The engine benchmark's jobs in DuckDB SQL, on the same Parquet file; prints the same result
// line as engine_bench. Usage: node duckdb_queries.js sessions|aggregate FILE
const duckdb = require('@duckdb/node-api');

const [job, file] = process.argv.slice(2);
const src = `read_parquet('${file.replace(/'/g, "''")}')`;
const queries = {
  // A new session after more than 30 minutes without a view, per user in time order.
  sessions: `
    WITH marked AS (
      SELECT user_id, tstamp,
        CASE WHEN epoch_us(tstamp) - epoch_us(lag(tstamp) OVER w) > 1800000000
             THEN 1 ELSE 0 END AS new_session
      FROM ${src} WINDOW w AS (PARTITION BY user_id ORDER BY tstamp)),
    numbered AS (
      SELECT user_id, tstamp,
        sum(new_session) OVER (PARTITION BY user_id ORDER BY tstamp
                               ROWS UNBOUNDED PRECEDING) AS session
      FROM marked),
    sessions AS (
      SELECT user_id, session, min(tstamp) AS start_tstamp, max(tstamp) AS end_tstamp,
             count(*) AS views
      FROM numbered GROUP BY user_id, session)
    SELECT count(*) AS groups, sum(views * views) AS sum_sq,
           sum(epoch_us(end_tstamp) - epoch_us(start_tstamp)) AS extra
    FROM sessions`,
  aggregate: `
    WITH g AS (SELECT page, count(*) AS c, sum(epoch_us(tstamp) // 1000000) AS s FROM ${src} GROUP BY page)
    SELECT count(*) AS groups, sum(c * c) AS sum_sq, sum(s % 1000003) AS extra FROM g`,
};

(async () => {
  if (!queries[job]) {
    console.error('usage: node duckdb_queries.js sessions|aggregate FILE');
    process.exit(2);
  }
  const inst = await duckdb.DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  const t0 = process.hrtime.bigint();
  const r = await con.runAndReadAll(queries[job]);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const [groups, sumSq, extra] = r.getRows()[0].map((v) => String(v));
  const threads = (await con.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0];
  console.log(`${job} groups=${groups} sum_sq=${sumSq} extra=${extra} seconds=${secs.toFixed(3)} ` +
              `threads=${threads}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
