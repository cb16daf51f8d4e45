#include "services/node/documents.h"

#include <kj/exception.h>

#include "services/common/capnp_io.h"
#include "services/common/ids.h"
#include "services/common/time_format.h"
#include "services/crypto/document_code.h"
#include "services/node/filings.h"
#include "services/node/matters.h"
#include "services/store/store.h"

namespace zhuji::node {

namespace {

constexpr size_t kScanMax = 20'000;  // inbox entries looked at for a list, newest first

void Parties(schema::DocumentView::Builder v, const workflows::Organ& from,
             const workflows::Organ& to) {
  v.setFromName(from.name);
  v.setFromAddress(from.address());
  v.setToName(to.name);
  v.setToAddress(to.address());
}

void Lines(schema::DocumentView::Builder v, const std::vector<std::string>& lines) {
  auto l = v.initLines(static_cast<unsigned>(lines.size()));
  for (size_t i = 0; i < lines.size(); ++i) l.set(static_cast<unsigned>(i), lines[i]);
}

const char* MatterRule(workflows::MatterKind kind) {
  switch (kind) {
    case workflows::MatterKind::kUnclear:
      return "GD Art. 30";
    case workflows::MatterKind::kDisputed:
      return "GD Art. 31";
    default:
      return "GD Art. 29";
  }
}

bool NoticeOfDecision(const std::string& self, const workflows::Matter& m,
                      schema::DocumentView::Builder v) {
  if (!m.decision || m.path.empty()) return false;
  const workflows::Organ* to = m.origin.node == self ? &m.origin : nullptr;
  for (const auto& h : m.path) {
    if (!to && h.organ.node == self) to = &h.organ;
  }
  if (!to) return false;
  const auto& d = *m.decision;
  v.setKind("notice");
  v.setKindZh("书面通知");
  v.setNumber(m.id);
  v.setDateMs(d.decided_at);
  Parties(v, m.path.back().organ, *to);
  v.setRule(MatterRule(m.kind));
  v.setTitle(std::string("关于") + workflows::MatterKindZh(m.kind) + "“" + m.title + "”的决定");
  std::vector<std::string> lines = {
      std::string("事项 matter：") + workflows::MatterKindZh(m.kind) + " " + m.title,
      "上报机关 reported by：" + m.origin.name + "（" + FormatCst(m.first_reported_at) + "）"};
  std::string path;
  for (const auto& h : m.path) path += (path.empty() ? "" : " → ") + h.organ.name;
  lines.push_back("逐级上报 levels：" + path);
  if (d.refused) {
    lines.push_back("决定 decision：不予授权 refused — " + d.refusal);
  } else if (d.not_secret) {
    lines.push_back("决定 decision：非国家秘密 not a state secret");
  } else {
    lines.push_back("决定 decision：" + workflows::FormatMark(d.protection));
    lines.push_back("知悉范围 scope：" + d.scope);
  }
  if (!d.grant_id.empty()) lines.push_back("定密授权 grant：" + d.grant_id);
  lines.push_back("决定人 decided by：" + d.decided_by + "（" + FormatCst(d.decided_at) + "）");
  Lines(v, lines);
  return true;
}

bool GrantDecision(const std::string& self, const workflows::Grant& g,
                   schema::DocumentView::Builder v) {
  if (g.grantee.node != self || g.state == workflows::GrantState::kRevoked) return false;
  v.setKind("grant");
  v.setKindZh("定密授权决定书");
  v.setNumber(g.doc_number);
  v.setDateMs(calendar::EndOfDayCstMs(g.from - 1));
  Parties(v, g.grantor, g.grantee);
  v.setRule("GD Art. 6, 10");
  v.setTitle("关于授予" + g.grantee.name + "定密权的决定");
  Lines(v, {"授权机关 grantor：" + g.grantor.name, "被授权机关 grantee：" + g.grantee.name,
            std::string("定密权限 ceiling：") + workflows::LevelZh(g.ceiling),
            "授权事项范围 matters：" + g.matters,
            "授权期限 term：自 " + g.from.ToString() + " 起 " + std::to_string(g.term_months) +
                " 个月" + (g.long_term_reason.empty() ? "" : "（" + g.long_term_reason + "）"),
            "签发人 signed by：" + g.decided_by});
  return true;
}

bool FilingDocument(const std::string& self, const workflows::Filing& f,
                    schema::DocumentView::Builder v) {
  if (f.kind == workflows::FilingKind::kResponsible && f.receiver.node == self &&
      !f.persons.empty()) {
    v.setKind("designation");
    v.setKindZh("定密责任人指定书");
    v.setNumber(f.id);
    v.setDateMs(f.sent_at);
    Parties(v, f.filer, f.receiver);
    v.setRule("GD Art. 19, 21");
    v.setTitle(f.filer.name + "定密责任人名单（备案）");
    std::vector<std::string> lines;
    for (const auto& p : f.persons) {
      lines.push_back(p.name + "，" + p.post + (p.statutory ? "（法定定密责任人）" : "") +
                      "；权限 " + workflows::LevelZh(p.ceiling) + "；事项 " + p.matters +
                      (p.doc_number.empty() ? "" : "；指定文书 " + p.doc_number) +
                      (p.from.days ? "；自 " + p.from.ToString() : "") +
                      (p.until.days ? " 至 " + p.until.ToString() : ""));
    }
    Lines(v, lines);
    return true;
  }
  if (f.state != workflows::FilingState::kReceipted || f.filer.node != self) return false;
  v.setKind("receipt");
  v.setKindZh("备案回执");
  v.setNumber(f.receipt_number);
  v.setDateMs(f.answered_at);
  Parties(v, f.receiver, f.filer);
  v.setRule(workflows::FilingRule(f.kind));
  v.setTitle(std::string(workflows::FilingKindZh(f.kind)) + "回执");
  Lines(v, {std::string("备案事项 filing：") + workflows::FilingKindZh(f.kind) + " " + f.title,
            "备案编号 filing no.：" + f.id, "报送 sent：" + FormatCst(f.sent_at),
            "收到 received：" + FormatCst(f.received_at),
            "回执号 receipt no.：" + f.receipt_number + "，签收人 " + f.answered_by});
  return true;
}

}  // namespace

bool FillDocument(const std::string& self, schema::Kind kind, std::string_view body,
                  schema::DocumentView::Builder v) {
  try {
    switch (kind) {
      case schema::Kind::MATTER: {
        auto m = Matters::Decode(body);
        return m.ok() && NoticeOfDecision(self, m.value(), v);
      }
      case schema::Kind::GRANT: {
        auto g = Grants::Decode(body);
        return g.ok() && GrantDecision(self, g.value(), v);
      }
      case schema::Kind::FILING: {
        auto f = Filings::Decode(body);
        return f.ok() && FilingDocument(self, f.value(), v);
      }
      default:
        return false;
    }
  } catch (const MalformedMessage&) {
    return false;
  } catch (const kj::Exception&) {
    return false;
  }
}

void DocumentControl::Register(ControlService& control) {
  control.Register(schema::ControlRequest::DOCUMENTS, [this](ControlCall& c) { Handle(c); });
}

void DocumentControl::Handle(ControlCall& call) {
  auto req = call.request.getDocuments();
  std::string want;
  if (req.getEnvelopeId().size() &&
      (!FromHex(req.getEnvelopeId().cStr(), &want) || want.size() != 16)) {
    call.reply.setError("'" + std::string(req.getEnvelopeId().cStr()) +
                        "' is not an envelope id (32 hex digits)");
    return;
  }
  size_t limit = want.empty() ? std::max<uint32_t>(req.getLimit(), 1) : 1;
  // Newest first; each document is built once into its own message, then copied out.
  std::vector<std::unique_ptr<capnp::MallocMessageBuilder>> found;
  auto txn = writer_.BeginRead();
  auto cursor = txn.OpenCursor("inbox");
  size_t looked = 0;
  for (auto kv = cursor.Last(); kv && looked < kScanMax && found.size() < limit;
       kv = cursor.Prev(), ++looked) {
    if (kv->second.size() <= 8) continue;
    std::string_view bytes = kv->second.substr(8);
    try {
      auto msg = ReadMessage(bytes);
      auto e = msg->Root<schema::Envelope>();
      std::string_view id = AsView(e.getId());
      if (!want.empty() && id != want) continue;
      auto doc = std::make_unique<capnp::MallocMessageBuilder>();
      auto v = doc->initRoot<schema::DocumentView>();
      if (!FillDocument(self_, e.getKind(), AsView(e.getBody()), v)) {
        if (!want.empty()) break;  // that envelope carries no document to print here
        continue;
      }
      v.setEnvelopeId(ToHex(id));
      v.setOrigin(e.getOrigin());
      v.setSignerKeyId(e.getSignerKeyId());
      v.setCode(crypto::DocumentCode(bytes));
      v.setReceivedMs(static_cast<int64_t>(DecodeBe64(kv->second.substr(0, 8))));
      v.setSentMs(e.getSentAt());
      found.push_back(std::move(doc));
    } catch (const MalformedMessage&) {
      continue;
    } catch (const kj::Exception&) {
      continue;
    }
  }
  if (!want.empty() && found.empty()) {
    call.reply.setError("no document in envelope " + std::string(req.getEnvelopeId().cStr()) +
                        " on this node");
    return;
  }
  auto list = call.reply.initDocuments(static_cast<unsigned>(found.size()));
  for (size_t i = 0; i < found.size(); ++i) {
    list.setWithCaveats(static_cast<unsigned>(i), found[i]->getRoot<schema::DocumentView>());
  }
}

}  // namespace zhuji::node
