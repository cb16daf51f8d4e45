#pragma once
// Where the running program is: the daemons are installed beside `zhuji`, and the calendar files
// are found relative to them in a source tree.

#include <string>

namespace zhuji {

// The folder of the running executable ("." if it cannot be read).
std::string BinaryDir();

}  // namespace zhuji
