// A throwaway PostgreSQL server for tests: initdb into a temporary directory, started on a free
// 127.0.0.1 port with trust authentication, stopped and deleted with the object.
//
// PostgreSQL refuses to run as root, so when the tests run as root (as in CI containers) initdb and
// pg_ctl run as the `postgres` system user through runuser(1), and the directory is handed to that
// user. The binaries come from $FOOTFALL_POSTGRES_BIN or /usr/lib/postgresql/15/bin.
//
// Owned by the test binary (one server shared by its tests); any thread may read conninfo().
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/temp_dir.h"

namespace footfall::serving {

class PostgresTestServer {
 public:
  // The superuser initdb creates; every role may log in without a password.
  static constexpr std::string_view kSuperuser = "footfall_test";

  // kFailedPrecondition, saying to run scripts/bootstrap, when the server binaries are missing;
  // kIoError with the server's log when it does not start.
  static Result<std::unique_ptr<PostgresTestServer>> Start();

  PostgresTestServer(const PostgresTestServer&) = delete;
  PostgresTestServer& operator=(const PostgresTestServer&) = delete;
  ~PostgresTestServer();  // stops the server (immediate shutdown) and removes its directory

  // key=value conninfo for `user` on database `dbname` over TCP.
  std::string Conninfo(std::string_view user = kSuperuser,
                       std::string_view dbname = "postgres") const;
  int port() const { return port_; }

 private:
  PostgresTestServer() = default;

  TempDir dir_;
  std::string bin_dir_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace footfall::serving
