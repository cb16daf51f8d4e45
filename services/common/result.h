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

}  // namespace zhuji
