// Owning libpq handles and the few calls the PostgreSQL serving store needs, with failures turned
// into Status values that name the server but never its password. Declared without <libpq-fe.h>
// so that headers can hold connections.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

struct pg_conn;
struct pg_result;

namespace footfall::serving {

struct PostgresConnCloser {
  void operator()(pg_conn* conn) const;
};
struct PostgresResultClearer {
  void operator()(pg_result* result) const;
};
using PostgresResult = std::unique_ptr<pg_result, PostgresResultClearer>;

// One open connection to a PostgreSQL server, and the server's description for messages. Move-only;
// one thread at a time (libpq's rule for a connection).
class PostgresConnection {
 public:
  // `conninfo` is anything libpq accepts: a URI ("postgresql://user:pw@host:5432/db") or key=value
  // pairs. kInvalidArgument when libpq cannot parse it; kIoError when the server cannot be reached
  // or refuses the login (wrong password, unknown role or database).
  static Result<PostgresConnection> Connect(const std::string& conninfo);

  pg_conn* get() const { return conn_.get(); }
  // "postgresql://user@host:port/dbname": what the connection reached, without the password.
  const std::string& server() const { return server_; }

  // Runs `sql`, one or more statements without parameters, whose rows are not needed.
  Status Exec(const std::string& sql, std::string_view context);

  using Row = std::vector<std::optional<std::string>>;  // text values, nullopt for NULL
  // Runs one statement with text parameters ($1, $2, ...) and returns its rows as text.
  Result<std::vector<Row>> Query(const std::string& sql, const std::vector<std::string>& params,
                                 std::string_view context);

  // A Status for a failed command: "<context>: <server>: ERROR <sqlstate> <message> (<where>)",
  // the code chosen by the SQLSTATE class: connection -> kIoError, data and SQL errors ->
  // kInvalidArgument, privileges and lock timeouts -> kFailedPrecondition, out of resources ->
  // kResourceExhausted, anything else -> kInternal. `result` may be null (then libpq's message).
  Status Error(const pg_result* result, std::string_view context) const;

 private:
  PostgresConnection(std::unique_ptr<pg_conn, PostgresConnCloser> conn, std::string server,
                     std::string password)
      : conn_(std::move(conn)), server_(std::move(server)), password_(std::move(password)) {}

  // `message` with every occurrence of the password masked, in case libpq echoed part of the
  // connection string.
  std::string Scrub(std::string message) const;

  std::unique_ptr<pg_conn, PostgresConnCloser> conn_;
  std::string server_;
  std::string password_;
};

// `identifier` in double quotes, inner quotes doubled: safe for any name.
std::string QuotePostgresIdentifier(std::string_view identifier);

}  // namespace footfall::serving
