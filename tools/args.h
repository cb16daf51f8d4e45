#pragma once
// Command-line arguments of `zhuji`: `--name value` options, `--flag`s and positionals. Each
// command says which it accepts; anything else is an error that names it.

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace zhuji::tools {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  // `flags` take no value; every other --name takes one.
  Args(int argc, char** argv, const std::set<std::string>& flags);

  bool Flag(const std::string& name) const;
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  // Every value of an option given more than once, in order (Get: the last).
  std::vector<std::string> GetAll(const std::string& name) const;
  bool Has(const std::string& name) const { return options_.count(name) > 0; }
  long long GetInt(const std::string& name, long long fallback, long long min, long long max) const;
  const std::vector<std::string>& positionals() const { return positionals_; }
  // Throws UsageError for any option or flag not in `allowed`.
  void Allow(const std::set<std::string>& allowed) const;

 private:
  std::map<std::string, std::string> options_;
  std::vector<std::pair<std::string, std::string>> all_;
  std::set<std::string> flags_set_;
  std::vector<std::string> positionals_;
};

}  // namespace zhuji::tools
