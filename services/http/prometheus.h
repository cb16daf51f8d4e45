#pragma once
// The Prometheus text exposition format, version 0.0.4 (what /metrics of the node and the broker
// answer; issue #17): families with HELP and TYPE, samples with escaped labels.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zhuji::http {

using Labels = std::vector<std::pair<std::string, std::string>>;

class MetricsText {
 public:
  // Starts a family: `type` is counter, gauge or histogram.
  void Family(std::string_view name, std::string_view type, std::string_view help);
  // One sample; `name` is the family's name or, for a histogram, name_bucket/_sum/_count.
  void Sample(std::string_view name, const Labels& labels, double value);
  // A family with one sample.
  void One(std::string_view name, std::string_view type, std::string_view help, double value,
           const Labels& labels = {}) {
    Family(name, type, help);
    Sample(name, labels, value);
  }
  // A histogram: `bounds` are the upper bounds of the buckets, `counts` one per bucket plus the
  // last for +Inf (not cumulative; written cumulative as the format wants).
  void Histogram(std::string_view name, std::string_view help, const std::vector<double>& bounds,
                 const std::vector<uint64_t>& counts, double sum, const Labels& labels = {});
  const std::string& text() const { return out_; }

  static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  std::string out_;
};

}  // namespace zhuji::http
