#include "http/message.h"

#include <array>
#include <cstdint>
#include <exception>

#include "base/log.h"

namespace footfall::http {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

const std::string* Request::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return &v;
  }
  return nullptr;
}

bool IsHeaderValueSafe(std::string_view value) {
  // Two scans for one byte each: find_first_of would call memchr once per byte of `value`.
  return value.find('\r') == std::string_view::npos && value.find('\n') == std::string_view::npos;
}

namespace {

bool HasCloseToken(std::string_view value) {
  // "Connection" is a comma-separated token list.
  while (!value.empty()) {
    const size_t comma = value.find(',');
    std::string_view token = value.substr(0, comma);
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) {
      token.remove_prefix(1);
    }
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
    if (EqualsIgnoreCase(token, "close")) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

// An HTTP token (RFC 9110): what a header name must be. A table, as every header a response
// gets is checked.
constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> table{};
  for (int c = '!'; c <= '~'; ++c) table[c] = true;
  for (const char c : std::string_view(":\"(),/;<=>?@[\\]{}"))
    table[static_cast<uint8_t>(c)] = false;
  return table;
}();

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!kTokenChars[static_cast<uint8_t>(c)]) return false;
  }
  return true;
}

}  // namespace

Response::Response(int status, std::string_view content_type, std::string_view body)
    : status(status), content_type(content_type), body(body) {}

void Response::AddHeader(std::string_view name, std::string_view value) {
  if (!IsToken(name) || !IsHeaderValueSafe(value)) return;
  if (EqualsIgnoreCase(name, "Connection")) {
    close_ = close_ || HasCloseToken(value);
    return;
  }
  if (EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Transfer-Encoding")) {
    return;
  }
  header_lines_.append(name).append(": ").append(value).append("\r\n");
}

namespace {

// Calls fn(name, value) for each "Name: value\r\n" line of `lines` until it returns true.
template <class Fn>
void ForEachHeaderLine(std::string_view lines, const Fn& fn) {
  while (!lines.empty()) {
    const size_t end = lines.find("\r\n");
    const std::string_view line = lines.substr(0, end);
    const size_t colon = line.find(": ");
    if (fn(line.substr(0, colon), line.substr(colon + 2))) return;
    lines.remove_prefix(end + 2);
  }
}

}  // namespace

HeaderList Response::Headers() const {
  HeaderList out;
  ForEachHeaderLine(header_lines_, [&](std::string_view name, std::string_view value) {
    out.emplace_back(name, value);
    return false;
  });
  return out;
}

std::optional<std::string_view> Response::Header(std::string_view name) const {
  std::optional<std::string_view> found;
  ForEachHeaderLine(header_lines_, [&](std::string_view n, std::string_view value) {
    if (EqualsIgnoreCase(n, name)) found = value;
    return found.has_value();
  });
  return found;
}

void Response::TruncateHeaders(size_t size) {
  if (size < header_lines_.size()) header_lines_.resize(size);
}

void Response::Clear() {
  status = 200;
  content_type.clear();
  body.clear();
  header_lines_.clear();
  close_ = false;
}

Responder& Responder::operator=(Responder&& other) noexcept {
  if (this != &other) {
    AnswerDropped();
    slot_ = std::move(other.slot_);
  }
  return *this;
}

Responder::~Responder() { AnswerDropped(); }

void Responder::Send() {
  if (!slot_) {
    LogError("http", "a Responder was called twice or after a move; the response is dropped");
    return;
  }
  // Released before the send returns, so that the connection is not kept by this Responder.
  const std::shared_ptr<ResponseSlot> slot = std::move(slot_);
  slot->Send();
}

void Responder::operator()(Response r) {
  if (slot_) slot_->response() = std::move(r);
  Send();
}

void Responder::AnswerDropped() {
  if (!slot_) return;
  try {
    Response& r = slot_->response();
    r.Clear();
    r.status = 500;
    r.content_type = "text/plain";
    r.body = "no response\n";
    Send();
  } catch (const std::exception& e) {
    // Out of memory or a broken mutex: the connection then waits for its timeout.
    LogError("http", std::string("cannot answer a dropped request: ") + e.what());
    slot_.reset();
  }
}

}  // namespace footfall::http
