// The HTTP/1.1 server: Boost.Beast parsing and Asio sockets behind a Boost-free interface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "http/message.h"

namespace footfall::http {

struct ServerOptions {
  std::string host = "0.0.0.0";  // an address, or a name resolved once at Start()
  uint16_t port = 8080;          // 0 picks a free port; read it back with Server::port()
  int threads = 0;               // I/O threads; 0 = hardware concurrency
  // false: one event loop per I/O thread, each connection on one of them (the fastest; a handler
  // that blocks holds up the other connections of its loop). true: the threads share one loop
  // and any idle thread serves any connection, for handlers that block (database queries).
  bool blocking_handlers = false;
  size_t max_request_line = 20480;  // longer: 400, connection closed, handler not called
  size_t max_header_bytes = 40960;  // header fields longer than this: 431, connection closed
  // Bodies longer than this still reach the handler, with Request::body_over_soft_limit set
  // (the collector keeps them as size violations).
  size_t soft_body_limit = 1 << 20;
  size_t hard_body_limit = 2 << 20;  // longer: 413 without calling the handler, closed
  size_t max_connections = 10000;    // further connections are accepted and closed at once
  // A request (header and body) not complete this long after its first byte: 408, closed. Also
  // bounds the wait for the first request on a new connection (closed without an answer).
  int read_timeout_seconds = 25;
  int idle_timeout_seconds = 60;   // keep-alive connection with no new request: closed
  int write_timeout_seconds = 25;  // a client that does not take its response: closed
};

// Server owns a listening socket, its I/O threads and every connection they accept.
//
// Each connection serves one request at a time, in order: the next request (pipelined or not)
// is read only once the response to the previous one is written. The handler runs on an I/O
// thread; its Responder may be called later from any thread. HTTP/1.1 connections stay open
// unless the request or response says "Connection: close"; HTTP/1.0 connections close after
// one response unless the request asked for keep-alive. Errors detected by the server (400,
// 408, 413, 431) are answered without calling the handler and close the connection.
//
// Threads: Start() from any thread; port(), host() and Stop() from any thread except the
// server's own I/O threads (Stop() joins them). The handler must stay callable until Stop()
// returns.
class Server {
 public:
  // Binds and listens on options.host:options.port, then runs the I/O threads. Errors name
  // host:port (kIoError when the address cannot be bound, kInvalidArgument for bad options).
  static Result<std::unique_ptr<Server>> Start(ServerOptions options, Handler handler);

  ~Server();  // Stop()s
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  uint16_t port() const;
  const std::string& host() const;

  // Stops accepting, closes every connection (requests still with their handler are dropped;
  // their Responders become no-ops) and joins the I/O threads. Idempotent.
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace footfall::http
