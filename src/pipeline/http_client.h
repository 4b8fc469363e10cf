// A small blocking HTTP/1.1 client over one keep-alive TCP connection, for footfall's own tools
// (traffic generator, CLI) talking to footfall's servers. Not thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/files.h"
#include "base/status.h"

namespace footfall::pipeline {

class HttpClient {
 public:
  struct Response {
    int status = 0;
    std::string body;
  };

  // `target` is "http://host:port" (a path after it is ignored). Reconnects transparently when
  // the server closed the connection between requests.
  static Result<HttpClient> Connect(const std::string& target);

  Result<Response> Send(const std::string& method, const std::string& path_and_query,
                        const std::vector<std::pair<std::string, std::string>>& headers = {},
                        const std::string& body = "");

 private:
  HttpClient(std::string host, std::string port) : host_(std::move(host)), port_(std::move(port)) {}
  Status Open();
  Result<Response> SendOnce(const std::string& request);
  void CloseSocket();

  std::string host_;
  std::string port_;
  UniqueFd fd_;
  std::string buffer_;  // bytes read past the previous response
};

}  // namespace footfall::pipeline
