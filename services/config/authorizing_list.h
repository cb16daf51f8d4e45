#pragma once
// 授权机关名录 (GD Art. 15 ¶1): the list of authorizing organs that 广东省国家保密局 makes and
// publishes. A versioned TOML document, signed by the province with its directory key like the
// directory of keys (services/crypto/signed_document.h, domain kAuthorizingListDomain):
//
//   # 广东省授权机关名录
//   version = 3
//   published = "2026-11-24"
//   source = "粤保发〔2026〕5号"
//   [[organ]]  address = "440000/jyt"  name = "广东省教育厅"
//   …
//   signature = "<hex>"
//
// Every node holds the newest version it received (an older one is refused) and routes
// applications and checks grantors by it. Values only: parsing, rendering, checking.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "services/common/result.h"
#include "services/workflows/organs.h"

namespace zhuji::config {

inline constexpr std::string_view kAuthorizingListDomain = "zhuji-authorizing-list-v1\n";

struct AuthorizingList {
  struct Entry {
    std::string address;  // "<node>/<code>"
    std::string name;
  };
  uint64_t version = 0;
  std::string published;  // YYYY-MM-DD
  std::string source;     // the document that set it (文号), if any
  std::vector<Entry> organs;
  bool Lists(const std::string& address) const;
};

// The document's body (signature line removed or never there). Refuses, naming the key, a
// version below 1, a bad date, an organ listed twice or without its address, an unknown key.
Result<AuthorizingList> ParseAuthorizingList(const std::string& body, const std::string& source);
// The document's text, unsigned.
std::string RenderAuthorizingList(const AuthorizingList& list);
// GD Art. 6, 15: every organ listed is in `directory` and is a province- or city-level organ
// with original authority of its own.
Status CheckAuthorizingList(const AuthorizingList& list,
                            const workflows::OrganDirectory& directory);
// The list a directory's `authorizing` flags make (the topology's), at `version`.
AuthorizingList AuthorizingListOf(const workflows::OrganDirectory& directory,
                                  const std::vector<std::string>& node_ids, uint64_t version,
                                  std::string published, std::string source);

}  // namespace zhuji::config
