// Status and Result<T>: expected failures as values, with a stable code and a message that names
// the input. Propagate with FOOTFALL_RETURN_IF_ERROR / FOOTFALL_ASSIGN_OR_RETURN.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace footfall {

// Stable error codes: tests assert these, never message text.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // bad input from a user or a client
  kNotFound,
  kAlreadyExists,
  kCorruption,  // stored data failed a check (CRC, magic, length)
  kIoError,     // the operating system refused a read, write or sync
  kUnimplemented,
  kFailedPrecondition,
  kResourceExhausted,
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "CODE: message", for logs and one-line user errors.
  std::string ToString() const;

  // Returns this status with `context` prepended to the message ("context: message").
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
inline Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
inline Status Unimplemented(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
// An IoError naming `what` (a path or an operation) and the text of the current errno.
Status ErrnoError(std::string_view what);

// A value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.ok());
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace footfall

#define FOOTFALL_CONCAT_INNER_(a, b) a##b
#define FOOTFALL_CONCAT_(a, b) FOOTFALL_CONCAT_INNER_(a, b)

#define FOOTFALL_RETURN_IF_ERROR(expr)                   \
  do {                                                   \
    ::footfall::Status footfall_status_ = (expr);        \
    if (!footfall_status_.ok()) return footfall_status_; \
  } while (0)

// `lhs` is a declaration or an lvalue, so it cannot be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define FOOTFALL_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) return tmp.status();                   \
  lhs = std::move(tmp).value()

#define FOOTFALL_ASSIGN_OR_RETURN(lhs, expr) \
  FOOTFALL_ASSIGN_OR_RETURN_IMPL_(FOOTFALL_CONCAT_(footfall_result_, __LINE__), lhs, expr)
// NOLINTEND(bugprone-macro-parentheses)
