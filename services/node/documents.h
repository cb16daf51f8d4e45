#pragma once
// Documents a clerk can print (issue #17; docs/console.md): the written notice of a decision
// (书面通知), a filing's receipt (回执), a grant (定密授权决定书) and a designation of 定密责任人
// (定密责任人指定书), each read from the signed envelope this node received, with the
// verification code of that envelope (services/crypto/document_code.h). Operation DOCUMENTS.
// Reads the inbox; changes nothing.
//
// Borrows everything it is given. Loop thread only.

#include <optional>
#include <string>
#include <string_view>

#include "services/node/control_service.h"
#include "services/node/writer.h"
#include "zhuji/schemas/control.capnp.h"

namespace zhuji::node {

// The document an envelope body carries for `self` (this node), or false when it carries none
// to print here: a matter's decision reaching an organ of this node, a 回执 of a filing by one,
// a grant to one, a list of 定密责任人 filed with this node's dept.
bool FillDocument(const std::string& self, schema::Kind kind, std::string_view body,
                  schema::DocumentView::Builder v);

class DocumentControl {
 public:
  DocumentControl(const std::string& self, Writer& writer) : self_(self), writer_(writer) {}
  void Register(ControlService& control);

 private:
  void Handle(ControlCall& call);
  const std::string& self_;
  Writer& writer_;
};

}  // namespace zhuji::node
