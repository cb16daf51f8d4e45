// zhuji-bench: throughput and latency figures of a real cluster on this machine. Run directly
// (`zhuji-bench hop`) or through the CLI (`zhuji bench hop`).
#include <iostream>
#include <vector>

#include "tools/bench/bench.h"
#include "tools/commands.h"

int main(int argc, char** argv) {
  using namespace zhuji::tools;
  // The CLI's `zhuji bench X …` and `zhuji-bench X …` are the same command.
  std::vector<char*> args_with_bench{argv[0], const_cast<char*>("bench")};
  for (int i = 1; i < argc; ++i) args_with_bench.push_back(argv[i]);
  try {
    Args args(static_cast<int>(args_with_bench.size()), args_with_bench.data(),
              {"json", "help", "keep"});
    return CmdBench(args, std::cout);
  } catch (const UsageError& e) {
    std::cerr << "zhuji-bench: " << e.what() << "\n(see zhuji-bench --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "zhuji-bench: " << e.what() << "\n";
    return 1;
  }
}
