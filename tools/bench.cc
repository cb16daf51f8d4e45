// `zhuji bench`: placeholder until the hop benchmark lands.
#include "tools/commands.h"

namespace zhuji::tools {

int CmdBench(const Args&, zmq::context_t&, std::ostream&) {
  throw UsageError("bench is not built yet");
}

}  // namespace zhuji::tools
