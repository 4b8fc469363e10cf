#include "serving/postgres_connection.h"

#include <libpq-fe.h>

#include <utility>

#include "base/log.h"

namespace footfall::serving {
namespace {

std::string OrEmpty(const char* s) { return s != nullptr ? std::string(s) : std::string(); }

// libpq messages end in a newline and may span lines; a Status message is one line.
std::string OneLine(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  for (char& c : message) {
    if (c == '\n') c = ' ';
  }
  return message;
}

// The values a conninfo string sets, before any connection attempt; empty when it does not parse.
struct ParsedConninfo {
  bool ok = false;
  std::string parse_error;
  std::string password;
};

ParsedConninfo ParseConninfo(const std::string& conninfo) {
  ParsedConninfo parsed;
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    parsed.parse_error = error != nullptr ? OneLine(error) : "out of memory";
    PQfreemem(error);
    return parsed;
  }
  parsed.ok = true;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val != nullptr && std::string_view(o->keyword) == "password") parsed.password = o->val;
  }
  PQconninfoFree(options);
  return parsed;
}

std::string DescribeServer(const PGconn* conn) {
  std::string host = OrEmpty(PQhost(conn));
  if (host.empty()) host = "localhost";
  std::string out = "postgresql://";
  const std::string user = OrEmpty(PQuser(conn));
  if (!user.empty()) out += user + "@";
  // A socket directory is a path, which reads badly inside a URI; say what it is.
  if (host.front() == '/') {
    out += "[socket " + host + "]";
  } else {
    out += host;
  }
  const std::string port = OrEmpty(PQport(conn));
  if (!port.empty()) out += ":" + port;
  out += "/" + OrEmpty(PQdb(conn));
  return out;
}

StatusCode CodeForSqlState(std::string_view state) {
  const std::string_view cls = state.substr(0, 2);
  if (cls == "08" || cls == "28" || cls == "57" || cls == "58") return StatusCode::kIoError;
  if (cls == "22" || cls == "23" || cls == "42") {
    if (state == "42501") return StatusCode::kFailedPrecondition;  // insufficient privilege
    return StatusCode::kInvalidArgument;
  }
  if (cls == "55" || cls == "40") return StatusCode::kFailedPrecondition;
  if (cls == "53" || cls == "54") return StatusCode::kResourceExhausted;
  return StatusCode::kInternal;
}

// Server warnings go to footfall's log instead of libpq's default, bare stderr; NOTICEs ("schema
// ... does not exist, skipping") are not asked for (client_min_messages).
void LogServerWarning(void* /*arg*/, const char* message) {
  LogWarning("serving", "postgres: " + OneLine(message));
}

}  // namespace

void PostgresConnCloser::operator()(pg_conn* conn) const { PQfinish(conn); }
void PostgresResultClearer::operator()(pg_result* result) const { PQclear(result); }

Result<PostgresConnection> PostgresConnection::Connect(const std::string& conninfo) {
  const ParsedConninfo parsed = ParseConninfo(conninfo);
  if (!parsed.ok) {
    // libpq's parse errors quote the offending part, which may hold the password: say only that
    // it does not parse, and what libpq objected to with the password masked.
    PostgresConnection masked(nullptr, "", parsed.password);
    return InvalidArgument("serving.postgres is not a valid PostgreSQL connection string: " +
                           masked.Scrub(parsed.parse_error));
  }
  // expand_dbname: the conninfo goes in the dbname slot and may be a URI or key=value pairs.
  const char* keywords[] = {"dbname", "fallback_application_name", nullptr};
  const char* values[] = {conninfo.c_str(), "footfall", nullptr};
  std::unique_ptr<pg_conn, PostgresConnCloser> conn(
      PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
  if (conn == nullptr) {
    return Status(StatusCode::kResourceExhausted, "out of memory connecting to PostgreSQL");
  }
  PostgresConnection connection(std::move(conn), "", parsed.password);
  connection.server_ = DescribeServer(connection.get());
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    return IoError("cannot connect to PostgreSQL at " + connection.server_ + ": " +
                   connection.Scrub(OneLine(OrEmpty(PQerrorMessage(connection.get())))));
  }
  PQsetNoticeProcessor(connection.get(), LogServerWarning, nullptr);
  FOOTFALL_RETURN_IF_ERROR(
      connection.Exec("SET client_min_messages = warning", "set client_min_messages"));
  // Output and input in UTF-8 whatever the server's default, as the SQLite store holds it.
  if (PQsetClientEncoding(connection.get(), "UTF8") != 0) {
    return connection.Error(nullptr, "set client encoding UTF8");
  }
  return connection;
}

std::string PostgresConnection::Scrub(std::string message) const {
  if (password_.empty()) return message;
  for (size_t pos = message.find(password_); pos != std::string::npos;
       pos = message.find(password_, pos)) {
    message.replace(pos, password_.size(), "***");
    pos += 3;
  }
  return message;
}

Status PostgresConnection::Error(const pg_result* result, std::string_view context) const {
  std::string message(context);
  message += ": " + server_ + ": ";
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (state == nullptr) {
    std::string text = result != nullptr ? OrEmpty(PQresultErrorMessage(result)) : "";
    if (text.empty()) text = OrEmpty(PQerrorMessage(conn_.get()));
    message += OneLine(text);
    // No SQLSTATE: libpq itself failed, which means the connection.
    return IoError(Scrub(std::move(message)));
  }
  message += "ERROR " + std::string(state) + " ";
  message += OneLine(OrEmpty(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)));
  const std::string where = OneLine(OrEmpty(PQresultErrorField(result, PG_DIAG_CONTEXT)));
  if (!where.empty()) message += " (" + where + ")";
  return Status(CodeForSqlState(state), Scrub(std::move(message)));
}

Status PostgresConnection::Exec(const std::string& sql, std::string_view context) {
  PostgresResult result(PQexec(conn_.get(), sql.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Status::Ok();
  return Error(result.get(), context);
}

Result<std::vector<PostgresConnection::Row>> PostgresConnection::Query(
    const std::string& sql, const std::vector<std::string>& params, std::string_view context) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  PostgresResult result(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()),
                                     nullptr, values.data(), nullptr, nullptr, /*resultFormat=*/0));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return Error(result.get(), context);
  std::vector<Row> rows(static_cast<size_t>(PQntuples(result.get())));
  const int columns = PQnfields(result.get());
  for (size_t r = 0; r < rows.size(); ++r) {
    rows[r].resize(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (!PQgetisnull(result.get(), static_cast<int>(r), c)) {
        rows[r][static_cast<size_t>(c)] =
            std::string(PQgetvalue(result.get(), static_cast<int>(r), c),
                        static_cast<size_t>(PQgetlength(result.get(), static_cast<int>(r), c)));
      }
    }
  }
  return rows;
}

std::string QuotePostgresIdentifier(std::string_view identifier) {
  std::string out = "\"";
  for (char c : identifier) {
    out += c;
    if (c == '"') out += '"';
  }
  out += '"';
  return out;
}

}  // namespace footfall::serving
