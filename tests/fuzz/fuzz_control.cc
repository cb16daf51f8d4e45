// libFuzzer target: an operator's control request as the node reads it (control.capnp): the
// message, the UTF-8 walk over every text field, whether it changes state, and the texts the
// handlers parse (marks, GD Art. 24 categories, dates).
#include <kj/exception.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "services/calendar/date.h"
#include "services/common/capnp_io.h"
#include "services/common/control_request.h"
#include "services/common/utf8.h"
#include "services/workflows/classification.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    auto msg = zhuji::ReadMessage(bytes);
    auto req = msg->Root<zhuji::schema::ControlRequest>();
    if (!zhuji::FirstInvalidText(capnp::toDynamic(req)).empty()) return 0;
    (void)zhuji::ChangesState(req);
    if (req.isMatter()) {
      auto m = req.getMatter();
      (void)zhuji::workflows::ParseMark(m.getMark().cStr());
      (void)zhuji::workflows::ParseMark(m.getClaimMark().cStr());
      for (auto part : m.getParts()) (void)zhuji::workflows::ParseMark(part.cStr());
      (void)zhuji::workflows::ParseArt24Category(m.getArt24().cStr());
    }
    if (req.isOpenDeadline()) {
      std::string why;
      (void)zhuji::calendar::ParseInputDate(req.getOpenDeadline().getItem().cStr(), &why);
    }
  } catch (const zhuji::MalformedMessage&) {
  } catch (const kj::Exception&) {
  }
  return 0;
}
