#pragma once
// zhuji-bench: the benchmarks (docs/performance.md). Each prints its figures and the machine's;
// none asserts a timing.

#include <iosfwd>

#include "tools/args.h"

namespace zhuji::tools {

// `bench hop|escalation|deadlines …`: positionals()[0] is "bench".
int CmdBench(const Args& args, std::ostream& out);
int BenchDeadlines(const Args& args, std::ostream& out);
int BenchSign(const Args& args, std::ostream& out);

}  // namespace zhuji::tools
