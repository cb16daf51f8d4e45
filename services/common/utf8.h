#pragma once
// UTF-8 at the edges (issue #8): text that people typed or a peer sent is refused when it is not
// valid UTF-8, and anything shown (JSON included) is valid UTF-8 whatever is stored.

#include <capnp/dynamic.h>

#include <string>
#include <string_view>

namespace zhuji {

// Well-formed UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(std::string_view s);

// Each ill-formed sequence replaced by U+FFFD.
std::string ToValidUtf8(std::string_view s);

// The first Text field of `root`, depth first through structs, lists and the set member of each
// union, that is not valid UTF-8, as a path ("matter.materials[2]"); "" when every one is valid.
std::string FirstInvalidText(capnp::DynamicStruct::Reader root);

}  // namespace zhuji
