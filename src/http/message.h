// The request and response types the HTTP server hands to its handler. They hold owned strings so
// that a handler may keep them past its own return (an asynchronous handler usually does), and
// they carry no Boost types so that code above the server compiles without Beast.
#pragma once

#include <functional>
#include <memory>
#include <optional>
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
// connection, Connection; a handler that adds "Connection: close" gets the connection closed
// after this response.
//
// Headers are kept as the lines they are sent as, so that a connection's Response, reused from
// one request to the next, keeps its capacity: once warm, answering allocates nothing.
struct Response {
  Response() = default;
  Response(int status, std::string_view content_type, std::string_view body);

  int status = 200;
  std::string content_type;  // empty: no Content-Type header
  std::string body;          // not sent for HEAD requests; Content-Length still says its size

  // Adds an extra header (Set-Cookie, CORS, Location, ...). One whose name is not an HTTP token
  // or whose value holds CR or LF is dropped, as are Content-Length and Transfer-Encoding (the
  // server frames the body) and Connection (which only decides wants_close()).
  void AddHeader(std::string_view name, std::string_view value);
  // The extra headers, each line "Name: value\r\n", in the order added.
  std::string_view header_lines() const { return header_lines_; }
  // The extra headers as pairs, for inspection.
  HeaderList Headers() const;
  // The value of the first extra header named `name` (case-insensitively), if any.
  std::optional<std::string_view> Header(std::string_view name) const;
  // Drops the headers added after header_lines() was `size` bytes long.
  void TruncateHeaders(size_t size);
  // A "Connection: close" was added.
  bool wants_close() const { return close_; }

  // Back to a new Response's state, keeping the strings' capacity.
  void Clear();

 private:
  std::string header_lines_;
  bool close_ = false;
};

// The connection a Responder answers on; implemented by the server (and by tests).
class ResponseSlot {
 public:
  // The connection's Response, empty when the request reaches the handler.
  virtual Response& response() = 0;
  // Sends response(); called once per request.
  virtual void Send() = 0;

 protected:
  ~ResponseSlot() = default;
};

// Completes one request: fill response() (or pass a whole Response) and Send(), exactly once,
// from any thread; it never blocks. Move-only. When a Responder that has not sent is destroyed,
// the server answers 500 so that the connection does not hang.
class Responder {
 public:
  Responder() = default;  // answers nothing
  explicit Responder(std::shared_ptr<ResponseSlot> slot) : slot_(std::move(slot)) {}
  Responder(Responder&& other) noexcept = default;
  Responder& operator=(Responder&& other) noexcept;
  ~Responder();

  // The response to fill in; only until Send().
  Response& response() { return slot_->response(); }
  void Send();
  // Sends `r`.
  void operator()(Response r);
  // Not yet sent.
  explicit operator bool() const { return slot_ != nullptr; }

 private:
  void AnswerDropped();
  std::shared_ptr<ResponseSlot> slot_;
};

// Runs on a server I/O thread for each complete request and must not block: work that waits
// (disk, network) finishes elsewhere and calls the Responder from there. The Request is valid
// until the handler returns; move out of it whatever is needed later.
using Handler = std::function<void(Request&&, Responder)>;

// ASCII case-insensitive equality, for header names and tokens.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Holds no CR or LF, so it cannot end a header line or start another.
bool IsHeaderValueSafe(std::string_view value);

}  // namespace footfall::http
