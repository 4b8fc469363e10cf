// Any bytes as what one connection sends: the first byte sets the size of the pieces the rest
// arrives in; the pieces go through the server's RequestParser, request after request, into one
// reused Request as on a real connection. Parsing never crashes, and every request it completes
// is consistent with itself and within the limits, whatever the previous request left behind.
#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "http/request_parser.h"

namespace {

using footfall::http::Request;

void Check(const Request& r, const footfall::http::ServerOptions& o) {
  const std::string rebuilt =
      r.target.find('?') == std::string::npos ? r.path : r.path + "?" + r.query;
  if (rebuilt != r.target) std::abort();
  if (r.method.size() + r.target.size() + 11 > o.max_request_line) std::abort();
  if (r.body.size() > o.hard_body_limit) std::abort();
  if (r.body_over_soft_limit != (r.body.size() > o.soft_body_limit)) std::abort();
  size_t header_bytes = 0;
  for (const auto& [name, value] : r.headers) header_bytes += name.size() + value.size() + 4;
  if (header_bytes > o.max_header_bytes) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 64;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  footfall::http::ServerOptions options;
  options.max_request_line = 256;
  options.max_header_bytes = 512;
  options.soft_body_limit = 100;
  options.hard_body_limit = 200;

  Request request;
  footfall::http::HeaderList spare_headers;
  std::optional<footfall::http::RequestParser> parser;
  std::string buffered;  // arrived, not yet taken by the parser
  while (!rest.empty() || !buffered.empty()) {
    if (!parser) parser.emplace(&request, &spare_headers, options);
    const size_t n = std::min(piece, rest.size());
    buffered.append(rest.substr(0, n));
    rest.remove_prefix(n);
    boost::system::error_code ec;
    const size_t used = parser->put(boost::asio::buffer(buffered.data(), buffered.size()), ec);
    buffered.erase(0, used);
    if (ec == boost::beast::http::error::need_more) {
      if (rest.empty()) break;  // the connection ended inside a request
      continue;
    }
    if (ec) break;  // the server answers 4xx and closes the connection
    if (!parser->is_done()) continue;
    Check(request, options);
    parser.reset();  // the next request on the connection
  }
  return 0;
}
