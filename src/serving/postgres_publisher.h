// Publishing serving versions into PostgreSQL, for BI tools (docs/serving.md).
//
// A published SQLite version file (layout.h) is the source: every table in it is copied, with its
// indexes, into a fresh schema <schema>_v<N> on the server, and that schema is swapped in under the
// stable name <schema> ("footfall"), in one transaction with the load itself:
//
//   BEGIN; CREATE SCHEMA footfall_v7; CREATE TABLE ...; COPY ... FROM STDIN; CREATE INDEX ...;
//   ANALYZE ...; ALTER SCHEMA footfall RENAME TO footfall_prev_7;
//   ALTER SCHEMA footfall_v7 RENAME TO footfall; GRANT ...; COMMIT;
//   DROP SCHEMA footfall_prev_7 CASCADE;   -- its own transaction, bounded by a lock timeout
//
// So `footfall` always names one complete version: a reader sees either the previous tables or
// the new ones, never a mix, never none; and any failure (a lost connection, a COPY the server
// rejects, a crash of this process) rolls the whole load back, leaving the previous `footfall`
// untouched and no staging schema behind. The replaced schema is dropped afterwards; while a
// reader still holds it, the drop gives up after `drop_lock_timeout_ms` and the next publish
// retries it.
//
// Column types follow the declared SQLite types: INTEGER -> bigint, REAL -> double precision,
// TEXT -> text; a TEXT column whose name ends in "tstamp" becomes timestamptz when every value in
// it is a "YYYY-MM-DD HH:MM:SS[.ffffff]" UTC time PostgreSQL accepts (else it stays text, with a
// warning in the log).
//
// The read-only role (`footfall_reader` by default) is created NOLOGIN when missing, given USAGE
// on the schema and SELECT on its tables in the swap transaction, and default privileges make
// every table the loading role creates readable by it. It gets nothing else: no INSERT, UPDATE,
// DELETE, DDL. Operators let BI users in with `GRANT footfall_reader TO <login role>` or by
// giving the role itself LOGIN and a password.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"

namespace footfall::serving {

// COPY's two wire formats. They store the same values; binary spares the server parsing text
// (numbers, times) and is the default.
enum class PostgresCopyFormat { kText, kBinary };

struct PostgresTarget {
  // libpq connection string: URI or key=value pairs (the `serving.postgres` config key).
  std::string conninfo;
  // The stable schema BI tools read; staging and replaced schemas are named after it.
  std::string schema = "footfall";
  // The role given read access at each swap; created NOLOGIN if it does not exist.
  std::string reader_role = "footfall_reader";
  // How long dropping the replaced schema may wait for readers still using its tables.
  int drop_lock_timeout_ms = 2000;
  PostgresCopyFormat copy_format = PostgresCopyFormat::kBinary;
};

struct PostgresTableReport {
  std::string name;
  int64_t rows = 0;
  // Columns loaded as timestamptz.
  std::vector<std::string> timestamp_columns;
};

struct PostgresPublishReport {
  int64_t version = 0;
  std::vector<PostgresTableReport> tables;  // by name
  int64_t rows = 0;                         // over all tables
  Micros duration = 0;
  // False when the replaced schema could not be dropped yet (readers held it); the next publish
  // drops it.
  bool dropped_previous = true;
};

// Loads the serving version file `version_path` (a published v<N>.sqlite; N is read from the file)
// into the target and swaps it in as described above. Blocks for the whole load; call it from the
// batch thread. Different processes may call it for the same target: one publishes at a time, a
// second fails with kFailedPrecondition rather than waiting.
//
// Errors name the server (never the password) and the table: kIoError when the server cannot be
// reached or refuses the login or the connection breaks; kInvalidArgument for a conninfo libpq
// cannot parse, a bad schema or role name, data PostgreSQL rejects in a COPY or a column type
// footfall cannot map; kFailedPrecondition for missing privileges (creating the role needs
// CREATEROLE, the schemas need CREATE on the database) or a concurrent publish; kNotFound or
// kCorruption for a version file that is missing or not SQLite.
Result<PostgresPublishReport> PublishToPostgres(const PostgresTarget& target,
                                                const std::string& version_path);

// The version the stable schema holds (recorded in its comment); kNotFound when nothing was
// published to the target yet.
Result<int64_t> PostgresCurrentVersion(const PostgresTarget& target);

}  // namespace footfall::serving
