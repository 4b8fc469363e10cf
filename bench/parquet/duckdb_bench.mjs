// DuckDB's side of bench/parquet/run.sh: the rows of footfall's file, loaded into a DuckDB
// table (untimed), written with ZSTD on one thread and on THREADS; then a full scan of a file
// on one thread and on THREADS. Prints one JSON object; times are the best of three.
//
//   node duckdb_bench.mjs write FOOTFALL_FILE OUT_FILE THREADS
//   node duckdb_bench.mjs read FILE THREADS
//
// The scan aggregates every column (max of the value, max(length()) of a string) so that
// every value is decoded; the aggregate is a small cost DuckDB pays beyond decoding.
import duckdb from '@duckdb/node-api';
import fs from 'node:fs';

const q = (s) => "'" + s.replaceAll("'", "''") + "'";

async function bestOfThree(f) {
  let best = Infinity;
  for (let i = 0; i < 3; ++i) {
    const t0 = process.hrtime.bigint();
    await f();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return best;
}

const inst = await duckdb.DuckDBInstance.create(':memory:');
const con = await inst.connect();
const [cmd, a, b, c] = process.argv.slice(2);
if (cmd === 'write') {
  const threads = Number(c);
  await con.run(`CREATE TABLE t AS SELECT * FROM read_parquet(${q(a)})`);
  const copy = () => con.run(`COPY t TO ${q(b)} (FORMAT parquet, COMPRESSION zstd)`);
  await con.run('SET threads = 1');
  const one = await bestOfThree(copy);
  const oneBytes = fs.statSync(b).size;
  await con.run(`SET threads = ${threads}`);
  const all = await bestOfThree(copy);
  const allBytes = fs.statSync(b).size;
  await con.run('SET threads = 1');
  await copy();  // leave the one-thread file for the read benchmark
  console.log(JSON.stringify({ write_1_s: one, write_n_s: all, file_bytes: oneBytes,
    file_bytes_n: allBytes }));
} else if (cmd === 'read') {
  const threads = Number(b);
  const desc = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${q(a)})`)).getRows();
  const aggs = desc.map(([name, type]) => {
    const col = '"' + name.replaceAll('"', '""') + '"';
    return type === 'VARCHAR' || type === 'BLOB' ? `max(length(${col}))` : `max(${col})`;
  });
  const scan = () => con.runAndReadAll(`SELECT ${aggs.join(', ')} FROM read_parquet(${q(a)})`);
  await con.run('SET threads = 1');
  const one = await bestOfThree(scan);
  await con.run(`SET threads = ${threads}`);
  const all = await bestOfThree(scan);
  console.log(JSON.stringify({ read_1_s: one, read_n_s: all }));
} else {
  console.error('usage: duckdb_bench.mjs write FOOTFALL_FILE OUT_FILE THREADS | read FILE THREADS');
  process.exit(2);
}
