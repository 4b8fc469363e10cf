#include "http/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <utility>

namespace footfall::http {

const std::string* TestResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return &v;
  }
  return nullptr;
}

Result<TestClient> TestClient::Connect(uint16_t port, int timeout_ms) {
  UniqueFd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!socket.valid()) return ErrnoError("socket");
  const int fd = socket.get();
  TestClient client(std::move(socket));
  timeval tv{};
  tv.tv_sec = timeout_ms / 1000;
  tv.tv_usec = static_cast<suseconds_t>(timeout_ms % 1000) * 1000;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    return ErrnoError("connect to 127.0.0.1:" + std::to_string(port));
  }
  return client;
}

Status TestClient::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("send");
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status TestClient::Fill() {
  char chunk[16384];
  for (;;) {
    const ssize_t n = ::recv(fd_.get(), chunk, sizeof(chunk), 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return Status::Ok();
    }
    if (n == 0) return IoError("connection closed by the server");
    if (errno == EINTR) continue;
    return ErrnoError("recv");
  }
}

Result<TestResponse> TestClient::ReadResponse(bool head_request) {
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    FOOTFALL_RETURN_IF_ERROR(Fill());
  }
  const std::string head = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);

  TestResponse response;
  size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  if (status_line.size() < 12 || status_line.compare(0, 5, "HTTP/") != 0) {
    return InvalidArgument("bad status line: " + status_line);
  }
  response.status = std::atoi(status_line.c_str() + 9);
  while (line_end != std::string::npos) {
    const size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line = head.substr(start, line_end - start);
    const size_t colon = line.find(':');
    if (colon == std::string::npos) return InvalidArgument("bad header line: " + line);
    size_t value_start = colon + 1;
    while (value_start < line.size() && line[value_start] == ' ') ++value_start;
    response.headers.emplace_back(line.substr(0, colon), line.substr(value_start));
  }

  const bool bodyless =
      head_request || response.status < 200 || response.status == 204 || response.status == 304;
  const std::string* length = response.Header("Content-Length");
  if (!bodyless && length != nullptr) {
    const size_t n = std::strtoull(length->c_str(), nullptr, 10);
    while (buffer_.size() < n) FOOTFALL_RETURN_IF_ERROR(Fill());
    response.body = buffer_.substr(0, n);
    buffer_.erase(0, n);
  }
  return response;
}

bool TestClient::WaitForClose(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char chunk[16384];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    const ssize_t n = ::recv(fd_.get(), chunk, sizeof(chunk), MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0 && errno != EAGAIN && errno != EINTR) return true;  // reset
  }
}

void TestClient::ShutdownWrite() { ::shutdown(fd_.get(), SHUT_WR); }

ServerOptions LoopbackServerOptions() {
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.threads = 2;
  return o;
}

std::string MakeRequest(std::string_view method, std::string_view target,
                        std::string_view extra_headers, std::string_view body) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: test\r\n");
  out.append(extra_headers);
  if (!body.empty()) out.append("Content-Length: ").append(std::to_string(body.size()) + "\r\n");
  out.append("\r\n").append(body);
  return out;
}

struct ResponseCapture::Slot final : ResponseSlot {
  Response& response() override { return building; }
  void Send() override {
    ++sends;
    sent = building;
    headers = sent.Headers();
  }
  Response building;
  Response sent;
  HeaderList headers;
  int sends = 0;
};

ResponseCapture::ResponseCapture() : slot_(std::make_shared<Slot>()) {}
Responder ResponseCapture::NewResponder() { return Responder(slot_); }
int ResponseCapture::sends() const { return slot_->sends; }
const Response& ResponseCapture::sent() const { return slot_->sent; }
const HeaderList& ResponseCapture::headers() const { return slot_->headers; }

}  // namespace footfall::http
