#pragma once
// A directory of one's own under a temporary folder, removed with everything in it when the
// object goes (unless kept). For tests and benchmarks. A resource: not copyable.

#include <string>

namespace zhuji {

class TempDir {
 public:
  // Creates <base>/<prefix>XXXXXX; `base` defaults to the system's temporary folder. Throws
  // std::runtime_error naming the folder if it cannot.
  explicit TempDir(const std::string& prefix = "zhuji-", const std::string& base = "");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Leave the directory in place when this object goes (to look at it afterwards).
  void Keep() { keep_ = true; }

 private:
  std::string path_;
  bool keep_ = false;
};

}  // namespace zhuji
