#include "tools/args.h"

#include <cerrno>
#include <cstdlib>

namespace zhuji::tools {

Args::Args(int argc, char** argv, const std::set<std::string>& flags) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0 && a.size() > 2) {
      std::string name = a.substr(2);
      auto eq = name.find('=');
      if (eq != std::string::npos) {
        options_[name.substr(0, eq)] = name.substr(eq + 1);
        all_.emplace_back(name.substr(0, eq), name.substr(eq + 1));
      } else if (flags.count(name)) {
        flags_set_.insert(name);
      } else {
        if (i + 1 >= argc) throw UsageError("--" + name + " needs a value");
        options_[name] = argv[++i];
        all_.emplace_back(name, argv[i]);
      }
    } else if (a == "-h") {
      flags_set_.insert("help");
    } else {
      positionals_.push_back(a);
    }
  }
}

bool Args::Flag(const std::string& name) const { return flags_set_.count(name) > 0; }

std::string Args::Get(const std::string& name, const std::string& fallback) const {
  auto it = options_.find(name);
  return it == options_.end() ? fallback : it->second;
}

std::vector<std::string> Args::GetAll(const std::string& name) const {
  std::vector<std::string> out;
  for (auto& [k, v] : all_) {
    if (k == name) out.push_back(v);
  }
  return out;
}

long long Args::GetInt(const std::string& name, long long fallback, long long min,
                       long long max) const {
  auto it = options_.find(name);
  if (it == options_.end()) return fallback;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(it->second.c_str(), &end, 10);
  if (errno || !end || *end || v < min || v > max) {
    throw UsageError("--" + name + " must be a whole number from " + std::to_string(min) + " to " +
                     std::to_string(max) + ", got '" + it->second + "'");
  }
  return v;
}

void Args::Allow(const std::set<std::string>& allowed) const {
  for (auto& [k, v] : options_) {
    if (!allowed.count(k)) throw UsageError("unknown option --" + k);
  }
  for (auto& f : flags_set_) {
    if (!allowed.count(f)) throw UsageError("unknown option --" + f);
  }
}

}  // namespace zhuji::tools
