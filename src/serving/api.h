// The JSON API on the ui listener (docs/api.md): overview numbers, status, read-only SQL and a
// batch trigger, answered from the current serving version.
//
// Thread-safe: Handle() runs on the server's I/O threads. The store of the current version is
// opened once and swapped when CURRENT moves on; a request in flight keeps the version it
// started with.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "base/status.h"
#include "http/message.h"
#include "serving/query.h"

namespace footfall::serving {

struct ApiOptions {
  std::string serving_dir;
  // JSON object describing the running process and its data directory (GET /api/v1/status).
  std::function<std::string()> status_json;
  // Starts a rebuild in the background (POST /api/v1/batch); null when this process cannot.
  std::function<void()> trigger_batch;
  size_t max_sql_rows = 10000;
};

class Api {
 public:
  explicit Api(ApiOptions options);

  void Handle(http::Request&& request, const http::Responder& respond);

 private:
  // The store of the current version, reopened when CURRENT has moved on.
  Result<std::shared_ptr<ReadOnlyStore>> Current();
  http::Response Overview(const http::Request& request);
  http::Response Sql(const http::Request& request);

  // Constant after construction.
  const ApiOptions options_;

  std::mutex mu_;
  std::shared_ptr<ReadOnlyStore> store_;  // guarded by mu_
};

}  // namespace footfall::serving
