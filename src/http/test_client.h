// A blocking HTTP/1.1 client over a plain POSIX socket, for tests of servers on 127.0.0.1. It
// writes exactly the bytes it is given, so tests can send malformed, pipelined or partial
// requests. Every read is bounded by a receive timeout so that a failing test ends instead of
// hanging. One thread per client.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "base/files.h"
#include "base/status.h"
#include "http/message.h"
#include "http/server.h"

namespace footfall::http {

struct TestResponse {
  int status = 0;
  HeaderList headers;
  std::string body;

  const std::string* Header(std::string_view name) const;
};

class TestClient {
 public:
  // Connects to 127.0.0.1:port; reads give up after `timeout_ms` without data.
  static Result<TestClient> Connect(uint16_t port, int timeout_ms = 10000);

  Status Send(std::string_view bytes);
  // Reads one response; its body by Content-Length (none when `head_request` or when the
  // status has none). Bytes after it stay buffered for the next call.
  Result<TestResponse> ReadResponse(bool head_request = false);
  // True when the server closes the connection (EOF or reset) before `timeout_ms`; buffered and
  // newly received bytes are discarded.
  bool WaitForClose(int timeout_ms);
  void ShutdownWrite();

 private:
  explicit TestClient(UniqueFd fd) : fd_(std::move(fd)) {}
  // Receives more bytes into buffer_; kIoError on timeout, error or EOF.
  Status Fill();

  UniqueFd fd_;
  std::string buffer_;
};

// Stands in for a connection in tests that call a handler directly: it hands out Responders and
// keeps the last response sent through them. Copies share what they saw.
class ResponseCapture {
 public:
  ResponseCapture();
  Responder NewResponder();
  int sends() const;                  // responses sent so far
  const Response& sent() const;       // the last one
  const HeaderList& headers() const;  // its extra headers

 private:
  struct Slot;
  std::shared_ptr<Slot> slot_;
};

// Options for a server under test: 127.0.0.1, a free port, two I/O threads.
ServerOptions LoopbackServerOptions();

// "GET /path HTTP/1.1\r\nHost: test\r\n" + extra_headers + "\r\n" (+ Content-Length and body
// when `body` is not empty).
std::string MakeRequest(std::string_view method, std::string_view target,
                        std::string_view extra_headers = "", std::string_view body = "");

}  // namespace footfall::http
