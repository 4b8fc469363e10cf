// DuckDB as an independent Parquet implementation, against footfall's writer and reader.
//
//   node duckdb_interop.mjs read DIR N
//       DuckDB reads DIR/footfall-SEED.parquet (written by footfall) for SEED in 1..N; every
//       value must equal DIR/footfall-SEED.jsonl (what `parquet_tool write-random` printed).
//   node duckdb_interop.mjs write DIR N
//       DuckDB writes DIR/duckdb-SEED.parquet (random types, nulls, codecs, row groups) and
//       DIR/duckdb-SEED.expected.jsonl, its own reading of that file in parquet_tool's form.
//   node duckdb_interop.mjs compare DIR N
//       DIR/duckdb-SEED.footfall.jsonl (`parquet_tool dump`) equals the expected file.
//
// The canonical form is parquet_tool's (see src/parquet/parquet_tool.cc): DuckDB's values are
// turned into it in SQL, from DuckDB's own types, so both sides are compared as text except
// floats, compared as numbers (NaN equal to NaN, -0 distinct from 0).
import duckdb from '@duckdb/node-api';
import fs from 'node:fs';

function fail(msg) {
  console.log('FAIL: ' + msg);
  process.exit(1);
}

function readLines(path) {
  const lines = fs.readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
  if (lines.length === 0) fail(`${path} is empty`);
  return { header: JSON.parse(lines[0]), rows: lines.slice(1).map((l) => JSON.parse(l)) };
}

function sqlString(s) {
  return "'" + s.replaceAll("'", "''") + "'";
}

function quoteIdent(s) {
  return '"' + s.replaceAll('"', '""') + '"';
}

// The SQL expression giving parquet_tool's canonical form of a column of DuckDB type `type`.
function canonical(name, type) {
  const c = quoteIdent(name);
  if (type === 'FLOAT' || type === 'DOUBLE') return `${c}::DOUBLE`;
  if (type === 'VARCHAR' || type === 'JSON') return `${c}::VARCHAR`;
  if (type === 'BLOB') return `hex(${c})`;
  if (type === 'DATE') return `(${c} - DATE '1970-01-01')::VARCHAR`;
  if (type.startsWith('TIMESTAMP')) return `epoch_us(${c})::VARCHAR`;
  // DuckDB prints DECIMAL(3,3) -0.999 as '-.999'; the canonical form has the leading zero.
  if (type.startsWith('DECIMAL')) return `regexp_replace(${c}::VARCHAR, '^(-?)[.]', '\\10.')`;
  // Integers of every width and sign, BOOLEAN ('true'/'false') and DECIMAL ('-12.30').
  return `${c}::VARCHAR`;
}

function sameValue(want, got) {
  if (want === null || got === null) return want === got;
  if (typeof want === 'number' || typeof got === 'number') {
    const w = typeof want === 'number' ? want : Number(want);
    const g = typeof got === 'number' ? got : Number(got);
    return Object.is(w, g);
  }
  return want === got;
}

function show(v) {
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  const s = JSON.stringify(v);
  return s.length > 120 ? s.slice(0, 120) + '…' : s;
}

function compareRows(what, want, got) {
  if (want.length !== got.length) fail(`${what}: ${want.length} rows expected, ${got.length} read`);
  for (let r = 0; r < want.length; ++r) {
    if (want[r].length !== got[r].length) fail(`${what}: row ${r} has ${got[r].length} values`);
    for (let c = 0; c < want[r].length; ++c) {
      if (!sameValue(want[r][c], got[r][c])) {
        fail(`${what}: row ${r}, column ${c}: expected ${show(want[r][c])}, got ${show(got[r][c])}`);
      }
    }
  }
}

// Rows of `file` as DuckDB reads them, in file order, in canonical form.
async function duckdbRows(con, file) {
  const src = `read_parquet(${sqlString(file)}, file_row_number = true)`;
  const desc = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`);
  const cols = desc.getRows().map((r) => ({ name: r[0], type: r[1] }))
    .filter((c) => c.name !== 'file_row_number');
  if (cols.length === 0) return { cols, rows: [] };
  const exprs = cols.map((c) => canonical(c.name, c.type)).join(', ');
  const result = await con.runAndReadAll(`SELECT ${exprs} FROM ${src} ORDER BY file_row_number`);
  // Floats become text that reads back to the same double ('-0', 'NaN', 'Infinity' included),
  // so that they survive JSON.
  const rows = result.getRows().map((row) => row.map((v) => {
    if (v === null || typeof v === 'string') return v;
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
    return String(v);
  }));
  return { cols, rows };
}

async function connect() {
  const inst = await duckdb.DuckDBInstance.create(':memory:');
  return inst.connect();
}

// DuckDB's type for each of footfall's ("PHYSICAL LOGICAL") column types.
function expectedDuckdbType(type) {
  const [physical, ...rest] = type.split(' ');
  const logical = rest.join(' ');
  if (logical.startsWith('DECIMAL')) return logical.replace(/\s/g, '');
  if (logical === 'STRING') return 'VARCHAR';
  if (logical === 'DATE') return 'DATE';
  if (logical === 'TIMESTAMP(MICROS,UTC)') return 'TIMESTAMP WITH TIME ZONE';
  if (logical === 'TIMESTAMP(MILLIS,UTC)') return 'TIMESTAMP WITH TIME ZONE';
  const ints = { 'INT(8,signed)': 'TINYINT', 'INT(16,signed)': 'SMALLINT',
    'INT(32,signed)': 'INTEGER', 'INT(8,unsigned)': 'UTINYINT', 'INT(16,unsigned)': 'USMALLINT',
    'INT(32,unsigned)': 'UINTEGER', 'INT(64,unsigned)': 'UBIGINT' };
  if (logical in ints) return ints[logical];
  return { BOOLEAN: 'BOOLEAN', INT32: 'INTEGER', INT64: 'BIGINT', FLOAT: 'FLOAT',
    DOUBLE: 'DOUBLE', BYTE_ARRAY: 'BLOB' }[physical];
}

async function read(file, expectedPath) {
  const want = readLines(expectedPath);
  const con = await connect();
  const got = await duckdbRows(con, file);
  const names = want.header.columns.map((c) => c.name);
  if (JSON.stringify(got.cols.map((c) => c.name)) !== JSON.stringify(names)) {
    fail(`${file}: DuckDB sees columns ${got.cols.map((c) => c.name)}, expected ${names}`);
  }
  want.header.columns.forEach((c, i) => {
    const t = expectedDuckdbType(c.type);
    if (got.cols[i].type !== t) fail(`${file}: column ${c.name} (${c.type}) is ${got.cols[i].type} to DuckDB, expected ${t}`);
  });
  compareRows(file, want.rows, got.rows);
  // DuckDB's view of the footer agrees too: row count and row groups.
  const meta = await con.runAndReadAll(
    `SELECT count(*), coalesce(sum(row_group_num_rows), 0) FROM
       (SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata(${sqlString(file)}))`);
  const [groups, rows] = meta.getRows()[0].map(Number);
  if (rows !== want.rows.length) fail(`${file}: parquet_metadata counts ${rows} rows`);
  console.log(`ok: DuckDB reads ${file}: ${want.rows.length} rows, ${names.length} columns, ` +
    `${groups} row groups, ${want.header.codec}${want.header.dictionary ? '' : ', no dictionary'}`);
}

// A deterministic generator, so that a failing seed can be rerun.
function rng(seed) {
  let s = BigInt(seed) * 0x9E3779B97F4A7C15n + 1n;
  return (n) => {
    s = (s * 6364136223846793005n + 1442695040888963407n) & 0xFFFFFFFFFFFFFFFFn;
    return Number((s >> 33n) % BigInt(n));
  };
}

// SQL expressions DuckDB computes per row i (0 .. rows-1), covering the types footfall reads.
// (Decimals are multiplied, not divided: DuckDB divides decimals as doubles.)
const GENERATORS = [
  ['BOOLEAN', (i) => `(${i} % 3 = 0)`],
  ['TINYINT', (i) => `((${i} * 7) % 256 - 128)::TINYINT`],
  ['SMALLINT', (i) => `((${i} * 7919) % 65536 - 32768)::SMALLINT`],
  ['INTEGER', (i) => `((hash(${i}) % 4294967296)::BIGINT - 2147483648)::INTEGER`],
  ['BIGINT', (i) => `(hash(${i})::HUGEINT - 9223372036854775808)::BIGINT`],
  ['UTINYINT', (i) => `(${i} % 256)::UTINYINT`],
  ['UINTEGER', (i) => `(hash(${i}) % 4294967296)::UINTEGER`],
  ['UBIGINT', (i) => `hash(${i} + 1)::UBIGINT`],
  ['FLOAT', (i) => `(CASE WHEN ${i} % 50 = 1 THEN 'nan'::FLOAT WHEN ${i} % 50 = 2 THEN '-inf'::FLOAT ELSE (${i} * 1.37 - 500)::FLOAT END)`],
  ['DOUBLE', (i) => `(CASE WHEN ${i} % 40 = 3 THEN -0.0::DOUBLE ELSE (hash(${i}) % 1000000) / 7.0 - 1e5 END)`],
  ['DECIMAL(9,2)', (i) => `((hash(${i}) % 1999999999)::BIGINT - 999999999)::DECIMAL(18,0) * 0.01`],
  ['DECIMAL(18,4)', (i) => `((hash(${i}) % 1999999999999999999)::HUGEINT - 999999999999999999)::DECIMAL(38,0) * 0.0001`],
  ['DECIMAL(4,1)', (i) => `((${i} % 19999) - 9999)::DECIMAL(5,0) * 0.1`],
  ['VARCHAR', (i) => `(CASE WHEN ${i} % 11 = 0 THEN '' WHEN ${i} % 13 = 0 THEN repeat('ü€😀', 500 + ${i} % 7) ELSE 'https://shop.example/p/' || (${i} % 37) END)`],
  ['VARCHAR', (i) => `md5(${i}::VARCHAR)`],
  ['BLOB', (i) => `('\\xAA\\x00'::BLOB || encode(${i}::VARCHAR))`],
  ['DATE', (i) => `(DATE '1970-01-01' + ((hash(${i}) % 3000000)::INTEGER - 719000))`],
  ['TIMESTAMP', (i) => `make_timestamp(((hash(${i}) % 200000000000000000)::BIGINT - 62000000000000000))`],
  ['TIMESTAMPTZ', (i) => `make_timestamp(1764000000000000 + ${i} * 1000003)::TIMESTAMPTZ`],
];

async function write(seed, dir) {
  const next = rng(seed);
  const ncols = 1 + next(10);
  const rows = [0, 1, 10, 1000, 5000][next(5)];
  const codec = ['zstd', 'snappy', 'uncompressed'][next(3)];
  const rowGroupSize = [100, 2048, 122880][next(3)];
  const exprs = [];
  for (let c = 0; c < ncols; ++c) {
    const [type, gen] = GENERATORS[next(GENERATORS.length)];
    const nullEvery = [0, 2, 5, 1][next(4)];  // 0: no nulls, 1: all null
    let e = `(${gen('i')})::${type}`;
    if (nullEvery > 0) e = `CASE WHEN i % ${nullEvery} = 0 THEN NULL ELSE ${e} END`;
    exprs.push(`${e} AS ${quoteIdent('c' + c + '_' + type.replace(/\W/g, ''))}`);
  }
  const file = `${dir}/duckdb-${seed}.parquet`;
  const con = await connect();
  await con.run(`SET threads = 1`);
  await con.run(`COPY (SELECT ${exprs.join(', ')} FROM range(${rows}) t(i)) TO ${sqlString(file)}
                 (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE ${rowGroupSize})`);
  const got = await duckdbRows(con, file);
  const header = { columns: got.cols.map((c) => ({ name: c.name, duckdb_type: c.type })),
    rows, codec };
  const out = [JSON.stringify(header), ...got.rows.map((r) => JSON.stringify(r))].join('\n') + '\n';
  fs.writeFileSync(`${dir}/duckdb-${seed}.expected.jsonl`, out);
}

function compare(expectedPath, actualPath) {
  const want = readLines(expectedPath);
  const got = readLines(actualPath);
  const names = want.header.columns.map((c) => c.name);
  const gotNames = got.header.columns.map((c) => c.name);
  if (JSON.stringify(names) !== JSON.stringify(gotNames)) {
    fail(`${actualPath}: columns ${gotNames}, expected ${names}`);
  }
  compareRows(actualPath, want.rows, got.rows);
  const types = want.header.columns.map((c, i) => `${c.duckdb_type}→${got.header.columns[i].type}`);
  console.log(`ok: footfall reads DuckDB's ${want.header.codec} file: ${want.rows.length} rows; ` +
    types.join(', '));
}

// One process for many files: DuckDB takes most of a second to load.
const [cmd, dir, n] = process.argv.slice(2);
const seeds = Array.from({ length: Number(n) }, (_, i) => i + 1);
if (cmd === 'read') {
  for (const seed of seeds) {
    await read(`${dir}/footfall-${seed}.parquet`, `${dir}/footfall-${seed}.jsonl`);
  }
} else if (cmd === 'write') {
  for (const seed of seeds) await write(seed, dir);
} else if (cmd === 'compare') {
  for (const seed of seeds) {
    compare(`${dir}/duckdb-${seed}.expected.jsonl`, `${dir}/duckdb-${seed}.footfall.jsonl`);
  }
} else {
  fail('usage: duckdb_interop.mjs read|write|compare DIR SEEDS');
}
