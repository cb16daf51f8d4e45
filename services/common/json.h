#pragma once
// A tiny JSON writer for `--json` output: enough for flat objects and arrays of them.

#include <cstdint>
#include <string>
#include <string_view>

namespace zhuji {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Uint(uint64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Key + value in one call.
  template <typename F>
  JsonWriter& Field(std::string_view key, F&& value_fn) {
    Key(key);
    value_fn(*this);
    return *this;
  }
  const std::string& str() const { return out_; }

 private:
  void Separate();
  std::string out_;
  bool need_comma_ = false;
};

std::string JsonEscape(std::string_view s);

}  // namespace zhuji
