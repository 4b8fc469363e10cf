#include "pipeline/http_client.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace footfall::pipeline {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<HttpClient> HttpClient::Connect(const std::string& target) {
  std::string_view t = target;
  if (!t.starts_with("http://")) {
    return InvalidArgument("target '" + target + "' must start with http://");
  }
  t.remove_prefix(7);
  t = t.substr(0, t.find('/'));
  const size_t colon = t.rfind(':');
  std::string host(t.substr(0, colon));
  std::string port = colon == std::string_view::npos ? "80" : std::string(t.substr(colon + 1));
  if (host.empty() || port.empty()) return InvalidArgument("target '" + target + "' has no host");
  HttpClient client(std::move(host), std::move(port));
  FOOTFALL_RETURN_IF_ERROR(client.Open());
  return client;
}

void HttpClient::CloseSocket() {
  fd_.reset();
  buffer_.clear();
}

Status HttpClient::Open() {
  CloseSocket();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(host_.c_str(), port_.c_str(), &hints, &res);
  if (rc != 0) {
    return IoError("cannot resolve " + host_ + ":" + port_ + ": " + ::gai_strerror(rc));
  }
  Status last = IoError("no address for " + host_ + ":" + port_);
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    UniqueFd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
    if (!fd.valid()) continue;
    if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) == 0) {
      const int one = 1;
      ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      fd_ = std::move(fd);
      break;
    }
    last = ErrnoError("cannot connect to " + host_ + ":" + port_);
  }
  ::freeaddrinfo(res);
  return fd_.valid() ? Status::Ok() : last;
}

Result<HttpClient::Response> HttpClient::Send(
    const std::string& method, const std::string& path_and_query,
    const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body) {
  std::string request =
      method + " " + path_and_query + " HTTP/1.1\r\nHost: " + host_ + ":" + port_ + "\r\n";
  for (const auto& [k, v] : headers) request += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n";
  request += body;
  auto response = SendOnce(request);
  if (!response.ok() && response.status().code() == StatusCode::kIoError) {
    // The server may have closed an idle keep-alive connection: one fresh attempt.
    FOOTFALL_RETURN_IF_ERROR(Open());
    response = SendOnce(request);
  }
  return response;
}

Result<HttpClient::Response> HttpClient::SendOnce(const std::string& request) {
  if (!fd_.valid()) FOOTFALL_RETURN_IF_ERROR(Open());
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd_.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status s = ErrnoError("send to " + host_ + ":" + port_);
      CloseSocket();
      return s;
    }
    sent += static_cast<size_t>(n);
  }
  const auto read_more = [&]() -> Status {
    char buf[16384];
    for (;;) {
      const ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        Status s = n == 0 ? IoError("connection to " + host_ + ":" + port_ + " closed")
                          : ErrnoError("recv from " + host_ + ":" + port_);
        CloseSocket();
        return s;
      }
      buffer_.append(buf, static_cast<size_t>(n));
      return Status::Ok();
    }
  };
  size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    FOOTFALL_RETURN_IF_ERROR(read_more());
  }
  Response response;
  const std::string_view head(buffer_.data(), header_end);
  // "HTTP/1.1 200 OK"
  if (head.size() < 12 || !head.starts_with("HTTP/1.")) {
    CloseSocket();
    return Corruption("malformed HTTP response from " + host_ + ":" + port_);
  }
  std::from_chars(head.data() + 9, head.data() + 12, response.status);
  size_t content_length = 0;
  bool close_after = false;
  size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos < head.size()) {
    const size_t next = head.find("\r\n", pos + 2);
    const std::string_view line = head.substr(
        pos + 2, next == std::string_view::npos ? std::string_view::npos : next - pos - 2);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      const std::string_view name = line.substr(0, colon);
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (IEquals(name, "Content-Length")) {
        std::from_chars(value.data(), value.data() + value.size(), content_length);
      } else if (IEquals(name, "Connection") && IEquals(value, "close")) {
        close_after = true;
      }
    }
    pos = next;
  }
  const size_t body_start = header_end + 4;
  while (buffer_.size() < body_start + content_length) FOOTFALL_RETURN_IF_ERROR(read_more());
  response.body = buffer_.substr(body_start, content_length);
  buffer_.erase(0, body_start + content_length);
  if (close_after) CloseSocket();
  return response;
}

}  // namespace footfall::pipeline
