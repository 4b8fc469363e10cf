// The web dashboard's files (web/ in the source tree), bundled by esbuild and embedded into the
// binary at build time, served on the ui listener next to the JSON API. No file is read at run
// time, so the dashboard works offline and always matches the binary's API.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/message.h"

namespace footfall::serving {

// One file of the dashboard. The views point into storage that lives as long as the program
// (the embedded bytes) or as long as the Dashboard built from them.
struct DashboardAsset {
  std::string_view path;          // as requested: "/", "/assets/app-3f2a….js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view etag;          // quoted strong validator: "\"3f2a…\""
  // The name carries a hash of the content, so the file may be cached for good; files without
  // one (the page itself) are revalidated on every load.
  bool immutable = false;
  std::string_view body;
  std::string_view gzip_body;  // the body gzip-compressed; empty when not worth it
};

// The assets compiled into this binary (generated at build time from web/).
std::vector<DashboardAsset> EmbeddedDashboardAssets();

// Answers GET and HEAD for the dashboard's files: content type, ETag with If-None-Match (304),
// Cache-Control, gzip when the client accepts it, and headers that keep the page to its own
// origin. Immutable after construction; Handle() may run on any thread at once.
class Dashboard {
 public:
  explicit Dashboard(std::vector<DashboardAsset> assets);

  // The dashboard of this binary, built once.
  static const Dashboard& Embedded();

  http::Response Handle(const http::Request& request) const;

  const std::vector<DashboardAsset>& assets() const { return assets_; }

 private:
  // Constant after construction.
  std::vector<DashboardAsset> assets_;
  std::unordered_map<std::string_view, const DashboardAsset*> by_path_;
};

}  // namespace footfall::serving
