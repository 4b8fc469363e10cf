#include "http/request_parser.h"

#include <algorithm>
#include <boost/beast/http/error.hpp>
#include <string_view>

#include "base/string_pairs.h"

namespace footfall::http {

namespace bhttp = boost::beast::http;

RequestParser::RequestParser(Request* request, HeaderList* spare_headers,
                             const ServerOptions& options)
    : request_(request),
      spare_headers_(spare_headers),
      max_request_line_(options.max_request_line),
      max_header_bytes_(options.max_header_bytes),
      soft_body_limit_(options.soft_body_limit),
      hard_body_limit_(options.hard_body_limit) {
  header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
  body_limit(static_cast<std::uint64_t>(options.hard_body_limit));
  request_->body.clear();
  request_->body_over_soft_limit = false;
  ClearReusing(&request_->headers, spare_headers_);
}

void RequestParser::on_request_impl(bhttp::verb, string_view method, string_view target,
                                    int version, error_code& ec) {
  saw_request_line_ = true;
  // method SP target SP "HTTP/1.1" CRLF
  if (method.size() + target.size() + 11 > max_request_line_) {
    request_line_too_long_ = true;
    ec = bhttp::error::bad_target;
    return;
  }
  request_->method.assign(method.data(), method.size());
  request_->target.assign(target.data(), target.size());
  const std::string_view t = request_->target;
  const size_t q = t.find('?');
  request_->path.assign(t.substr(0, q));
  request_->query.assign(q == std::string_view::npos ? std::string_view() : t.substr(q + 1));
  request_->version = version;
  request_->headers.reserve(16);
}

void RequestParser::on_response_impl(int, string_view, int, error_code& ec) {
  ec = bhttp::error::bad_method;  // a request parser never sees a status line
}

void RequestParser::on_field_impl(bhttp::field name, string_view name_string, string_view value,
                                  error_code& ec) {
  // Beast's own header limit applies to the bytes it has not parsed yet, so how much of a header
  // it catches depends on how the bytes arrived; this count does not. Each field costs at least
  // its name, its value, ": " and CRLF on the wire.
  header_bytes_ += name_string.size() + value.size() + 4;
  if (header_bytes_ > max_header_bytes_) {
    ec = bhttp::error::header_limit;
    return;
  }
  if (name == bhttp::field::expect && request_->version >= 11 &&
      EqualsIgnoreCase({value.data(), value.size()}, "100-continue")) {
    expects_continue_ = true;
  }
  AppendReusing(&request_->headers, spare_headers_, name_string, value);
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                      error_code&) {
  if (content_length) {
    request_->body.reserve(static_cast<size_t>(
        std::min<std::uint64_t>(*content_length, static_cast<std::uint64_t>(hard_body_limit_))));
  }
}

size_t RequestParser::on_body_impl(string_view body, error_code&) {
  AppendBody(body);
  return body.size();
}

size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  AppendBody(body);
  return body.size();
}

void RequestParser::AppendBody(string_view piece) {
  request_->body.append(piece.data(), piece.size());
  if (request_->body.size() > soft_body_limit_) request_->body_over_soft_limit = true;
}

}  // namespace footfall::http
