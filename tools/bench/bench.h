#pragma once
// zhuji-bench: the benchmarks (docs/performance.md). Each prints its figures and the machine's;
// none asserts a timing.

#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

#include "tools/args.h"

namespace zhuji::tools {

// `bench hop|escalation|deadlines …`: positionals()[0] is "bench".
int CmdBench(const Args& args, std::ostream& out);
int BenchDeadlines(const Args& args, std::ostream& out);
int BenchSign(const Args& args, std::ostream& out);
// `bench province`: a whole province's cluster (bench_province.cc).
int BenchProvince(const Args& args, std::ostream& out);

// What every benchmark prints about the machine it ran on.
struct Machine {
  unsigned cores = 0;
  std::string cpu;
  double mem_gib = 0;
  std::string fs_type;
  std::string device;
  double fsync_ms_p50 = 0;
};
// The machine, with the filesystem holding `dir` and its fsync latency measured there.
Machine Describe(const std::string& dir);
// "machine: …" as every benchmark prints it.
void PrintMachine(std::ostream& out, const Machine& m, const std::string& base);
double Ms(std::chrono::steady_clock::duration d);
double Percentile(std::vector<double> v, double p);

}  // namespace zhuji::tools
