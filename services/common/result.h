#pragma once
// Expected failures (refused by a rule, not found, bad input) travel as values, never as
// exceptions (STYLE.md §6). Status carries a message that names the problem.

#include <optional>
#include <string>
#include <utility>

namespace zhuji {

class Status {
 public:
  static Status Ok() { return Status(); }
  static Status Error(std::string message) { return Status(std::move(message)); }

  bool ok() const { return !message_.has_value(); }
  explicit operator bool() const { return ok(); }
  const std::string& message() const {
    static const std::string kEmpty;
    return message_ ? *message_ : kEmpty;
  }

 private:
  Status() = default;
  explicit Status(std::string m) : message_(std::move(m)) {}
  std::optional<std::string> message_;
};

// A value or the Status that says why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)), status_(Status::Ok()) {}  // NOLINT: implicit
  Result(Status error) : status_(std::move(error)) {}                   // NOLINT: implicit
  bool ok() const { return value_.has_value(); }
  const T& value() const { return *value_; }
  const Status& status() const { return status_; }
  const std::string& message() const { return status_.message(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace zhuji
