#include "tests/support/temp_dir.h"

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>

namespace zhuji {

TempDir::TempDir(const std::string& prefix, const std::string& base) {
  std::string folder = base.empty() ? std::filesystem::temp_directory_path().string() : base;
  std::string tmpl = folder + "/" + prefix + "XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a directory under " + folder);
  path_ = tmpl;
}

TempDir::~TempDir() {
  if (keep_) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace zhuji
