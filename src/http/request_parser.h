// RequestParser: Beast's HTTP/1.1 request parser, filling a footfall Request directly (no Beast
// field container in between) and enforcing the server's limits. Used by server.cc and by the
// request parser fuzzer; besides server.cc, the one place that includes Beast.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <cstddef>
#include <cstdint>

#include "http/message.h"
#include "http/server.h"

namespace footfall::http {

// Parses one request into `request`. Not reusable: a Session builds a fresh one (in place, no
// allocation) for every request. The Request it fills is the connection's own, reused: every
// field is set anew, into the strings the previous request left, so that their capacity serves
// again; its header pairs go to `spare_headers` (the connection's too) and are taken from there.
class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  RequestParser(Request* request, HeaderList* spare_headers, const ServerOptions& options);

  bool saw_request_line() const { return saw_request_line_; }
  bool request_line_too_long() const { return request_line_too_long_; }
  bool expects_continue() const { return expects_continue_; }

 private:
  using error_code = boost::system::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb, string_view method, string_view target,
                       int version, error_code& ec) override;
  void on_response_impl(int, string_view, int, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         error_code&) override;
  size_t on_body_impl(string_view body, error_code&) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override;
  void on_finish_impl(error_code&) override {}

  void AppendBody(string_view piece);

  Request* const request_;
  HeaderList* const spare_headers_;
  const size_t max_request_line_;
  const size_t max_header_bytes_;
  const size_t soft_body_limit_;
  const size_t hard_body_limit_;
  size_t header_bytes_ = 0;
  bool saw_request_line_ = false;
  bool request_line_too_long_ = false;
  bool expects_continue_ = false;
};

}  // namespace footfall::http
