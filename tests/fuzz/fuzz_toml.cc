// libFuzzer target: the TOML files a node or broker reads: its configuration, a topology (the
// directory of organs), a calendar year (also what a calendar update carries), the directory of
// keys (unsigned, and signed: checked with a pinned key). The first byte picks the parser. Each
// may refuse with its own error, nothing else.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fixed_keys.h"
#include "services/calendar/calendar.h"
#include "services/config/config.h"
#include "services/config/topology.h"
#include "services/crypto/key_directory.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 5) {
      case 0:
        (void)zhuji::config::ParseNodeConfig(text, "node.toml");
        break;
      case 1: {
        auto t = zhuji::config::ParseTopology(text, "topology.toml");
        (void)t.Directory();
        break;
      }
      case 2:
        (void)zhuji::calendar::ParseYearFile(text, "2026.toml");
        break;
      case 3:
        (void)zhuji::crypto::KeyDirectory::Parse(text, "keys.toml");
        break;
      case 4:
        (void)zhuji::crypto::KeyDirectory::ParseSigned(text, "keys.toml", "ed25519",
                                                       zhuji::fuzzing::DirectoryKey().pub.sign);
        break;
    }
  } catch (const zhuji::config::ConfigError&) {
  } catch (const zhuji::config::TopologyError&) {
  } catch (const zhuji::calendar::CalendarError&) {
  }
  return 0;
}
