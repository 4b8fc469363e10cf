// The request and response types the HTTP server hands to its handler. They hold owned strings so
// that a handler may keep them past its own return (an asynchronous handler usually does), and
// they carry no Boost types so that code above the server compiles without Beast.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footfall::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One parsed HTTP request. The handler gets the connection's own Request by rvalue reference:
// what it moves out is its to keep; what it leaves is reused for the connection's next request
// once the handler returns, so that its strings' capacity serves again.
struct Request {
  std::string method;  // as sent: "GET", "POST", "HEAD", "OPTIONS", ...
  std::string target;  // raw request target, "/i?e=pv&..."
  std::string path;    // target before '?', not decoded
  std::string query;   // target after '?', not decoded ("" when none)
  HeaderList headers;  // in arrival order, names as sent
  std::string body;
  std::string peer_ip;  // remote address of the TCP connection
  int version = 11;     // 10 for HTTP/1.0, 11 for HTTP/1.1
  // The body is longer than ServerOptions::soft_body_limit; it is still complete.
  bool body_over_soft_limit = false;

  // The value of the first header named `name` (compared case-insensitively), or nullptr.
  const std::string* Header(std::string_view name) const;
};

// One response. The server adds Date, Server, Content-Length and, when it closes the
// connection, Connection; a handler that sets "Connection: close" gets the connection closed
// after this response. Headers whose name or value holds CR or LF are dropped, not sent.
struct Response {
  int status = 200;
  std::string content_type;  // empty: no Content-Type header
  HeaderList headers;        // extra headers (Set-Cookie, CORS, Location, ...)
  std::string body;          // not sent for HEAD requests; Content-Length still says its size
};

// Completes one request. Call it exactly once, from any thread; it never blocks. When every copy
// is destroyed without a call, the server answers 500 so that the connection does not hang.
using Responder = std::function<void(Response)>;

// Runs on a server I/O thread for each complete request and must not block: work that waits
// (disk, network) finishes elsewhere and calls the Responder from there. The Request is valid
// until the handler returns; move out of it whatever is needed later.
using Handler = std::function<void(Request&&, Responder)>;

// ASCII case-insensitive equality, for header names and tokens.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace footfall::http
