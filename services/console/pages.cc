#include "services/console/pages.h"

#include <map>
#include <vector>

#include "services/calendar/date.h"
#include "services/common/time_format.h"
#include "services/http/prometheus.h"

namespace zhuji::console {
namespace {

// One stylesheet for every page: plain, high contrast, system fonts only, and a print layout
// without the navigation.
constexpr const char* kStyle = R"css(
:root{--fg:#1a1a1a;--muted:#555;--line:#c8c8c8;--bg:#fff;--head:#12355b;
--ok:#1e6b30;--ok-bg:#e3f2e6;--soon:#7a4d00;--soon-bg:#fff1cc;--late:#a11212;--late-bg:#fde2e2;
--done:#444;--done-bg:#eeeeee}
*{box-sizing:border-box}
body{margin:0;font-family:"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",
"Microsoft YaHei",sans-serif;color:var(--fg);background:var(--bg);font-size:16px;line-height:1.5}
header{background:var(--head);color:#fff;padding:.6rem 1rem}
header h1{font-size:1.2rem;margin:0}
header .sub{font-size:.85rem;opacity:.9}
nav{background:#e9eef4;border-bottom:1px solid var(--line);padding:.3rem 1rem}
nav a{display:inline-block;margin-right:1rem;padding:.2rem 0;color:var(--head);text-decoration:none}
nav a.active{font-weight:bold;border-bottom:3px solid var(--head)}
nav a:focus,a:focus{outline:3px solid #f0b400;outline-offset:2px}
main{padding:1rem;max-width:80rem}
h2{font-size:1.1rem;border-left:4px solid var(--head);padding-left:.5rem;margin-top:1.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f8}
.muted{color:var(--muted);font-size:.9rem}
.tag{display:inline-block;padding:0 .4rem;border-radius:.2rem;font-size:.85rem;font-weight:bold}
.ok{color:var(--ok);background:var(--ok-bg)}
.soon{color:var(--soon);background:var(--soon-bg)}
.late{color:var(--late);background:var(--late-bg)}
.done{color:var(--done);background:var(--done-bg)}
.prov{color:#4a2a7a;background:#ece3fa}
.offline{color:#fff;background:#4a4a4a}
.unknown{color:#555;background:#f4f4f4;border-style:dashed}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:.6rem}
.region{border:2px solid var(--line);padding:.4rem .6rem}
.region.late{border-color:var(--late)}.region.soon{border-color:var(--soon)}
.region.ok{border-color:var(--ok)}.region.offline{border-color:#222}
.region h3{margin:.1rem 0;font-size:1rem}.region h3 a{color:inherit}
.tiles{display:flex;flex-wrap:wrap;gap:.3rem;margin-top:.3rem}
.tile{display:inline-block;padding:.15rem .4rem;border:1px solid var(--line);font-size:.85rem;
text-decoration:none}
.legend span{margin-right:.6rem}
ol.timeline{list-style:none;padding:0;border-left:3px solid var(--head);margin-left:.5rem}
ol.timeline li{margin:0 0 1rem 0;padding-left:1rem;position:relative}
ol.timeline li:before{content:"";position:absolute;left:-.55rem;top:.35rem;width:.8rem;
height:.8rem;border-radius:50%;background:var(--head)}
.cards{display:flex;flex-wrap:wrap;gap:.6rem}
.card{border:1px solid var(--line);padding:.5rem .8rem;min-width:10rem}
.card b{font-size:1.4rem;display:block}
.doc{max-width:42rem;margin:1rem auto;border:1px solid var(--line);padding:2rem 2.5rem}
.doc h2{border:none;text-align:center;font-size:1.5rem;margin:.2rem 0 1rem}
.doc .no{text-align:center;margin-bottom:1.2rem}
.doc .body p{margin:.4rem 0}
.doc .sign{text-align:right;margin-top:2rem}
.doc .verify{margin-top:2rem;border-top:1px dashed #000;padding-top:.6rem;font-size:.9rem}
.doc .code{font-family:"DejaVu Sans Mono",monospace;font-size:1.2rem;letter-spacing:.1rem;font-weight:bold}
.noprint{margin:1rem auto;max-width:42rem}
@media print{nav,header .sub,.noprint{display:none}.doc{border:none;margin:0;padding:0}header{background:none;color:#000;
border-bottom:2px solid #000}body{font-size:12pt}a{color:#000;text-decoration:none}}
)css";

std::string Text(capnp::Text::Reader t) { return Esc(std::string_view(t.cStr(), t.size())); }

std::string When(int64_t ms) { return ms ? Esc(FormatCst(ms)) : "—"; }
std::string Due(int64_t ms) { return ms ? Esc(FormatDueCst(ms)) : "—"; }

std::string Tag(const char* css, const std::string& text) {
  return std::string("<span class=\"tag ") + css + "\">" + text + "</span>";
}

std::string Row(std::initializer_list<std::string> cells, bool head = false) {
  std::string out = "<tr>";
  for (const auto& c : cells)
    out += (head ? "<th scope=\"col\">" : "<td>") + c + (head ? "</th>" : "</td>");
  return out + "</tr>\n";
}

// A deadline's standing, with 暂定 where it counts through a year with no schedule.
std::string StandingCell(schema::DeadlineView::Reader d, int reminder_days) {
  Standing s = StandingOf(d, reminder_days);
  std::string out = Tag(s.css, s.zh);
  if (d.getState() != "closed") {
    int left = d.getDaysLeft();
    out += left < 0 ? " <span class=\"muted\">逾期 " + std::to_string(-left) + " 个工作日</span>"
                    : " <span class=\"muted\">剩 " + std::to_string(left) + " 个工作日</span>";
  }
  if (d.getProvisional()) out += " " + Tag("prov", "暂定 provisional");
  return out;
}

std::string DeadlineTable(schema::DeadlineList::Reader list, int reminder_days, bool with_closed) {
  std::string t = "<table>\n" + Row({"状态 standing", "事项 item", "职责 duty", "依据 rule",
                                     "期限 due", "督办机关 supervisor"},
                                    true);
  size_t rows = 0;
  for (auto d : list.getDeadlines()) {
    if (!with_closed && d.getState() == "closed") continue;
    ++rows;
    std::string item = Text(d.getItem());
    t += "<tr data-item=\"" + item + "\" data-step=\"" + Text(d.getStep()) + "\" data-standing=\"" +
         StandingOf(d, reminder_days).css + "\">";
    t += "<td>" + StandingCell(d, reminder_days) + "</td><td>" + Text(d.getTitle()) +
         "<br><span class=\"muted\">" + item + "</span></td><td>" + Text(d.getStep()) +
         "</td><td>" + Text(d.getRule()) + "</td><td>" + Due(d.getDueMs()) + "</td><td>" +
         (d.getSupervisorName().size() ? Text(d.getSupervisorName()) : Text(d.getSupervisor())) +
         "</td></tr>\n";
  }
  if (!rows) t += "<tr><td colspan=\"6\" class=\"muted\">无 none</td></tr>\n";
  return t + "</table>\n";
}

std::string OrganName(schema::OrganView::Reader o) {
  return Text(o.getName()) + " <span class=\"muted\">" + Text(o.getAddress()) + "</span>";
}

std::string MatterRows(capnp::List<schema::MatterView>::Reader matters) {
  std::string t = Row(
      {"编号 id", "类别 kind", "标题 title", "状态 state", "现由 held by", "当前期限 due"}, true);
  for (auto m : matters) {
    std::string id = Text(m.getId());
    t += "<tr><td><a href=\"/matters/" + id + "\">" + id + "</a></td><td>" + Text(m.getKindZh()) +
         "</td><td>" + Text(m.getTitle()) + "</td><td>" + Text(m.getStateZh()) + "</td><td>" +
         OrganName(m.getHolder()) + "</td><td>" + Due(m.getCurrentDueAt()) + "</td></tr>\n";
  }
  if (matters.size() == 0) t += "<tr><td colspan=\"6\" class=\"muted\">无 none</td></tr>\n";
  return "<table>\n" + t + "</table>\n";
}

std::string FilingRows(capnp::List<schema::FilingView>::Reader filings) {
  std::string t = Row({"编号 id", "类别 kind", "报送机关 filer", "接收机关 receiver", "状态 state",
                       "期限 due", "回执 receipt"},
                      true);
  for (auto f : filings) {
    t += "<tr><td>" + Text(f.getId()) + "</td><td>" + Text(f.getKindZh()) +
         " <span class=\"muted\">" + Text(f.getRule()) + "</span></td><td>" +
         Text(f.getFilerName()) + "</td><td>" + Text(f.getReceiverName()) + "</td><td>" +
         Text(f.getStateZh()) + "</td><td>" + Due(f.getDueAt()) + "</td><td>" +
         Text(f.getReceiptNumber()) + "</td></tr>\n";
  }
  if (filings.size() == 0) t += "<tr><td colspan=\"7\" class=\"muted\">无 none</td></tr>\n";
  return "<table>\n" + t + "</table>\n";
}

}  // namespace

std::string Esc(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Standing StandingOf(schema::DeadlineView::Reader d, int reminder_days) {
  if (d.getState() == "closed") return {"已办结 closed", "done"};
  if (d.getState() == "overdue" || d.getDaysLeft() < 0) return {"逾期 overdue", "late"};
  if (d.getDaysLeft() <= reminder_days) return {"临期 due soon", "soon"};
  return {"按时 on time", "ok"};
}

std::string Layout(const std::string& title, const std::string& active,
                   schema::NodeStatus::Reader node, const std::string& body) {
  static const std::vector<std::pair<std::string, std::string>> kNav = {
      {"/", "节点 node"},
      {"/todo", "待办 to do"},
      {"/deadlines", "期限 deadlines"},
      {"/matters", "事项 matters"},
      {"/registers", "备案与授权 registers"},
      {"/supervised", "督办 supervision"},
      {"/documents", "文书 documents"},
      {"/regions", "态势 picture"},
      {"/metrics", "指标 metrics"}};
  std::string nav;
  for (const auto& [href, label] : kNav) {
    nav += "<a href=\"" + href + "\"" +
           (href == active ? " class=\"active\" aria-current=\"page\"" : "") + ">" + label + "</a>";
  }
  return "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" +
         Esc(title) + " · " + Text(node.getName()) + " 定密管理</title><style>" + kStyle +
         "</style></head><body><header><h1>" + Text(node.getName()) + " 定密管理 · " + Esc(title) +
         "</h1><div class=\"sub\">节点 node " + Text(node.getNodeId()) + " · " +
         Text(node.getLevel()) + " · 时间 " + When(node.getNowMs()) +
         " · 只读 read-only</div></header><nav aria-label=\"导航\">" + nav + "</nav><main>" + body +
         "</main></body></html>\n";
}

std::string NodePage(schema::NodeStatus::Reader st,
                     capnp::List<schema::DeadLetterView>::Reader dead) {
  std::string b = "<div class=\"cards\">";
  auto card = [&](const std::string& label, uint64_t n, const char* css, const std::string& id) {
    b += "<div class=\"card " + std::string(css) + "\" id=\"" + id + "\"><b>" + std::to_string(n) +
         "</b>" + label + "</div>";
  };
  card("待发 outbox", st.getOutboxDepth(), "", "outbox");
  card("期限未办结 open duties", st.getDeadlinesOpen(), "", "open");
  card("逾期 overdue", st.getDeadlinesOverdue(), st.getDeadlinesOverdue() ? "late" : "ok",
       "overdue");
  card("督办事项 supervised", st.getSupervisedOpen(), st.getSupervisedOpen() ? "late" : "",
       "supervised");
  card("死信 dead letters", st.getDeadLetters(), st.getDeadLetters() ? "late" : "", "deadletters");
  b += "</div>\n<h2>链路 links</h2><table>\n" +
       Row({"代理 broker", "状态 state", "变化于 since"}, true);
  for (auto l : st.getLinks()) {
    b += "<tr><td>" + Text(l.getEndpoint()) + "</td><td>" +
         (l.getUp() ? Tag("ok", "连通 up") : Tag("late", "断开 down")) +
         (l.getRefusal().size() ? " " + Text(l.getRefusal()) : "") + "</td><td>" +
         When(l.getLastChangeMs()) + "</td></tr>\n";
  }
  b += "</table>\n<h2>待发送 outbox, per destination</h2><table>\n" +
       Row({"目的节点 destination", "待确认 pending", "最早发出 oldest", "最近错误 last error"},
           true);
  for (auto d : st.getDestinations()) {
    b += "<tr><td>" + Text(d.getDestination()) + "</td><td>" + std::to_string(d.getPending()) +
         "</td><td>" + When(d.getOldestPendingMs()) + "</td><td>" + Text(d.getLastError()) +
         (d.getBroken() ? " " + Tag("late", "序号中断 broken") : "") + "</td></tr>\n";
  }
  if (st.getDestinations().size() == 0)
    b += "<tr><td colspan=\"4\" class=\"muted\">无 none</td></tr>\n";
  b += "</table>\n<h2>死信 dead letters</h2><table>\n" +
       Row({"号 no.", "目的 destination", "内容 what", "原因 reason", "时间 when"}, true);
  for (auto d : dead) {
    b += "<tr><td>" + std::to_string(d.getNumber()) + "</td><td>" + Text(d.getDestination()) +
         "</td><td>" + Text(d.getSummary()) + "</td><td>" + Text(d.getReason()) + "</td><td>" +
         When(d.getDeadAtMs()) + "</td></tr>\n";
  }
  if (dead.size() == 0) b += "<tr><td colspan=\"5\" class=\"muted\">无 none</td></tr>\n";
  b += "</table>\n<h2>本节点 this node</h2><table>\n";
  b += Row({"上级 parent", Text(st.getParent())});
  b += Row({"工作日历版本 calendar", Text(st.getCalendarVersion())});
  b += Row({"密钥名录版本 key directory", std::to_string(st.getKeyDirectoryVersion())});
  b += Row({"签名 signatures", st.getSignatures() ? "开 on" : "关 off"});
  b += Row({"启动于 started",
            When(st.getStartedMs()) + " (第 " + std::to_string(st.getIncarnation()) + " 次)"});
  b += Row({"存储 store", st.getStoreError().size()
                              ? Tag("late", "无法写入 ") + Text(st.getStoreError())
                              : Tag("ok", "正常 writable")});
  b += Row({"最近错误 last error", st.getLastError().size() ? Text(st.getLastError()) + " (" +
                                                                  When(st.getLastErrorMs()) + ")"
                                                            : "—"});
  std::string organs;
  for (auto o : st.getOrgans()) organs += Text(o) + "<br>";
  b += Row({"机关 organs", organs});
  b += "</table>\n";
  return Layout("节点", "/", st, b);
}

std::string DeadlinesPage(schema::NodeStatus::Reader st, schema::DeadlineList::Reader list,
                          int reminder_days) {
  std::string b = "<p class=\"muted\">按工作日计算 counted in working days (日历 calendar " +
                  Text(list.getCalendar().getVersion()) + ")；临期 = 剩余不超过 " +
                  std::to_string(reminder_days) + " 个工作日。</p>\n";
  b += DeadlineTable(list, reminder_days, true);
  return Layout("期限", "/deadlines", st, b);
}

std::string TodoPage(schema::NodeStatus::Reader st, schema::DeadlineList::Reader deadlines,
                     capnp::List<schema::MatterView>::Reader matters,
                     capnp::List<schema::FilingView>::Reader owed,
                     capnp::List<schema::FilingView>::Reader received,
                     capnp::List<schema::SecretNoticeView>::Reader notices, int reminder_days) {
  // What waits for each organ of this node ("440106/jyj 天河区教育局 [education]" in the status).
  struct Waiting {
    std::string name;
    std::vector<std::string> matters, owed, received, notices;
  };
  std::map<std::string, Waiting> organs;
  for (auto o : st.getOrgans()) {
    std::string line = o.cStr();
    size_t sp = line.find(' ');
    std::string address = line.substr(0, sp);
    std::string name = sp == std::string::npos ? address : line.substr(sp + 1);
    organs[address].name = name.substr(0, name.find(" ["));
  }
  auto at = [&](const std::string& address) -> Waiting& {
    auto& w = organs[address];
    if (w.name.empty()) w.name = address;
    return w;
  };
  for (auto m : matters) {
    if (m.getFinal() || m.getHolder().getNode() != st.getNodeId()) continue;
    at(m.getHolder().getAddress().cStr())
        .matters.push_back("<a href=\"/matters/" + Text(m.getId()) + "\">" + Text(m.getId()) +
                           "</a> " + Text(m.getKindZh()) + " · " + Text(m.getTitle()) + " · " +
                           Text(m.getStateZh()) + " · 期限 " + Due(m.getCurrentDueAt()));
  }
  for (auto f : owed) {
    at(f.getFiler().cStr())
        .owed.push_back(Text(f.getKindZh()) + " " + Text(f.getTitle()) + " → " +
                        Text(f.getReceiverName()) + " · " + Text(f.getStateZh()) + " · 期限 " +
                        Due(f.getDueAt()) + " <span class=\"muted\">" + Text(f.getId()) +
                        "</span>");
  }
  for (auto f : received) {
    at(f.getReceiver().cStr())
        .received.push_back(Text(f.getKindZh()) + " " + Text(f.getTitle()) + " ← " +
                            Text(f.getFilerName()) + " · " + Text(f.getStateZh()) +
                            " <span class=\"muted\">" + Text(f.getId()) + "</span>");
  }
  for (auto n : notices) {
    std::string missing;
    for (auto r : n.getRecipients()) {
      if (!r.getReceiptedAt()) missing += Text(r.getOrganName()) + " ";
    }
    if (missing.empty()) continue;
    at(n.getOrgan().cStr())
        .notices.push_back(Text(n.getKindZh()) + " " + Text(n.getTitle()) + " " +
                           Text(n.getDocNumber()) + " · 期限 " + Due(n.getDueAt()) +
                           " · 未签收 not receipted by " + missing);
  }
  std::string b =
      "<h2>待办期限 duties open</h2>\n" + DeadlineTable(deadlines, reminder_days, false);
  b += "<h2>各机关待办 waiting for each organ of this node</h2>\n";
  auto part = [](const char* title, const std::vector<std::string>& items) {
    if (items.empty()) return std::string();
    std::string out = "<p><b>" + std::string(title) + "</b></p><ul>";
    for (const auto& i : items) out += "<li>" + i + "</li>";
    return out + "</ul>";
  };
  for (const auto& [address, w] : organs) {
    std::string parts =
        part("待办事项 matters held", w.matters) +
        part("应报备案 filings owed or awaiting a 回执", w.owed) +
        part("收到的备案 filings received", w.received) +
        part("书面通知待签收 notices awaiting 签收 (GD Art. 36, 37, 40)", w.notices);
    b += "<section data-organ=\"" + Esc(address) + "\"><h3>" + Esc(w.name) +
         " <span class=\"muted\">" + Esc(address) + "</span></h3>" +
         (parts.empty() ? "<p class=\"muted\">无待办 nothing waiting</p>" : parts) + "</section>\n";
  }
  if (organs.empty()) b += "<p class=\"muted\">无 none</p>\n";
  return Layout("待办", "/todo", st, b);
}

std::string MattersPage(schema::NodeStatus::Reader st,
                        capnp::List<schema::MatterView>::Reader matters) {
  return Layout("事项", "/matters", st,
                "<h2>事项 matters (不明确事项、有争议事项、定密申请)</h2>\n" + MatterRows(matters));
}

std::string MatterPage(schema::NodeStatus::Reader st, schema::MatterView::Reader m) {
  std::string b = "<table>\n";
  b += Row({"编号 id", Text(m.getId())});
  b += Row({"类别 kind", Text(m.getKindZh())});
  b += Row({"标题 title", Text(m.getTitle())});
  b += Row({"状态 state", Text(m.getStateZh())});
  b += Row({"报告机关 origin", OrganName(m.getOrigin())});
  b += Row(
      {"暂定密级 provisional", Text(m.getProvisionalMark()) + " " + When(m.getProvisionalAt())});
  b += Row({"知悉范围 scope", Text(m.getScope())});
  b += "</table>\n<h2>逐级时间线 timeline</h2>\n<ol class=\"timeline\" id=\"timeline\">\n";
  b += "<li data-level=\"origin\"><b>" + OrganName(m.getOrigin()) + "</b> 上报 reported " +
       When(m.getReportedAt()) + "；上报期限 " + Due(m.getReportDueAt()) + "</li>\n";
  for (auto h : m.getPath()) {
    bool pending = h.getOutcome() == schema::HopView::Outcome::PENDING;
    int64_t done = h.getSentAt();
    std::string standing;
    if (h.getDueAt()) {
      if (done) {
        standing = done <= h.getDueAt() ? Tag("ok", "按时 on time") : Tag("late", "逾期 late");
      } else if (h.getReceivedAt()) {
        standing =
            st.getNowMs() > h.getDueAt() ? Tag("late", "逾期 overdue") : Tag("ok", "办理中 open");
      }
    }
    b += "<li data-level=\"" + Text(h.getOrgan().getLevel()) + "\" data-organ=\"" +
         Text(h.getOrgan().getAddress()) + "\"><b>" + OrganName(h.getOrgan()) + "</b> " +
         Text(h.getOrgan().getLevel()) + " " + standing + "<br>收到 received " +
         When(h.getReceivedAt()) + " · 发出 sent " + When(h.getSentAt()) + " · 期限 due " +
         Due(h.getDueAt()) + "<br>" + (pending ? "办理中 pending" : Text(h.getOutcomeZh())) +
         (h.getReviewer().size() ? " · " + Text(h.getReviewer()) : "") +
         (h.getOpinion().size() ? "<br>审核意见 opinion：" + Text(h.getOpinion()) : "") + "</li>\n";
  }
  if (m.getHasDecision()) {
    auto d = m.getDecision();
    b += "<li data-level=\"decision\"><b>决定 decision</b>：" + Text(d.getLevel()) +
         " · 知悉范围 " + Text(d.getScope()) + " · " + Text(d.getDecidedBy()) + " " +
         When(d.getDecidedAt()) +
         (m.getNoticeReceivedAt()
              ? "<br>书面通知到达 notice received " + When(m.getNoticeReceivedAt())
              : "") +
         "</li>\n";
  }
  b += "</ol>\n<h2>经过 history</h2><table>\n" +
       Row({"时间 at", "机关 organ", "行为 action", "说明 detail"}, true);
  for (auto e : m.getHistory()) {
    b += Row({When(e.getAt()), Text(e.getOrgan()), Text(e.getAction()), Text(e.getDetail())});
  }
  b += "</table>\n";
  return Layout("事项 " + std::string(m.getId().cStr()), "/matters", st, b);
}

std::string RegistersPage(schema::NodeStatus::Reader st,
                          capnp::List<schema::GrantView>::Reader grants,
                          capnp::List<schema::FilingView>::Reader filings) {
  std::string b = "<h2>定密授权 grants</h2><table>\n" +
                  Row({"编号 id", "文号 doc", "授权机关 grantor", "被授权机关 grantee",
                       "权限 ceiling", "期间 term", "状态 state", "应收未收备案 expected"},
                      true);
  for (auto g : grants) {
    std::string expected;
    for (auto e : g.getExpected()) expected += Text(e) + " ";
    b += Row({Text(g.getId()), Text(g.getDocNumber()), Text(g.getGrantorName()),
              Text(g.getGranteeName()), Text(g.getCeiling()),
              Text(g.getFrom()) + " — " + Text(g.getUntil()), Text(g.getStateZh()),
              expected.empty() ? "—" : Tag("late", expected)});
  }
  if (grants.size() == 0) b += "<tr><td colspan=\"8\" class=\"muted\">无 none</td></tr>\n";
  b += "</table>\n<h2>备案 filings</h2>\n" + FilingRows(filings);
  return Layout("备案与授权", "/registers", st, b);
}

std::string SupervisedPage(schema::NodeStatus::Reader st,
                           capnp::List<schema::SupervisedView>::Reader supervised) {
  std::string b =
      "<p class=\"muted\">下级报来的逾期职责 overdue duties reported from below (GD Art. "
      "41)。</p><table>\n" +
      Row({"状态 state", "报告节点 from", "职责 duty", "依据 rule", "期限 due", "逾期于 overdue at",
           "收到 received"},
          true);
  for (auto s : supervised) {
    auto v = s.getSupervision();
    b += "<tr data-origin=\"" + Text(s.getOrigin()) + "\"><td>" +
         (s.getClosed() ? Tag("done", "已办结 closed") : Tag("late", "督办中 open")) + "</td><td>" +
         Text(v.getOriginName()) + " <span class=\"muted\">" + Text(s.getOrigin()) +
         "</span></td><td>" + Text(v.getTitle()) + "<br><span class=\"muted\">" +
         Text(v.getItem()) + " · " + Text(v.getStep()) + "</span></td><td>" + Text(v.getRule()) +
         "</td><td>" + Due(v.getDueMs()) + (v.getProvisional() ? " " + Tag("prov", "暂定") : "") +
         "</td><td>" + When(v.getOverdueAtMs()) + "</td><td>" + When(s.getReceivedMs()) +
         "</td></tr>\n";
  }
  if (supervised.size() == 0) b += "<tr><td colspan=\"7\" class=\"muted\">无 none</td></tr>\n";
  return Layout("督办事项", "/supervised", st, b + "</table>\n");
}

namespace {

// A region's standing from its summary: offline when stale, then by its worst duty.
Standing RegionStanding(schema::RegionView::Reader r) {
  if (!r.getHeard()) return {"未收到 not heard", "unknown"};
  if (r.getStale()) return {"离线 offline", "offline"};
  auto s = r.getSummary();
  if (s.getOverdue()) return {"逾期 overdue", "late"};
  if (s.getDueSoon()) return {"临期 due soon", "soon"};
  return {"按时 on time", "ok"};
}

// The worse of two standings (for a city with its counties): 逾期 > 离线 > 临期 > 未收到 > 按时.
int Rank(const char* css) {
  std::string c = css;
  return c == "late" ? 5 : c == "offline" ? 4 : c == "soon" ? 3 : c == "unknown" ? 2 : 1;
}

std::string RegionLine(schema::RegionView::Reader r) {
  if (!r.getHeard()) return "尚未收到状态摘要 no summary yet";
  auto s = r.getSummary();
  std::string line = "逾期 " + std::to_string(s.getOverdue()) + " · 临期 " +
                     std::to_string(s.getDueSoon()) + " · 未办结 " + std::to_string(s.getOpen());
  if (s.getSupervisedOpen()) line += " · 督办 " + std::to_string(s.getSupervisedOpen());
  line += "<br><span class=\"muted\">" +
          std::string(r.getStale() ? "最后联系 last heard " : "截至 as of ") +
          When(r.getLastHeardMs()) + "</span>";
  return line;
}

std::string Tile(schema::RegionView::Reader r) {
  Standing s = RegionStanding(r);
  std::string id = Text(r.getNode());
  std::string n = r.getHeard() && r.getSummary().getOverdue()
                      ? " " + std::to_string(r.getSummary().getOverdue())
                      : "";
  return "<a class=\"tile " + std::string(s.css) + "\" href=\"/regions?node=" + id +
         "\" data-node=\"" + id + "\" data-standing=\"" + s.css + "\" title=\"" +
         Text(r.getName()) + " " + s.zh + "\">" + Text(r.getName()) + n + "</a>";
}

}  // namespace

std::string RegionsPage(schema::NodeStatus::Reader st,
                        capnp::List<schema::RegionView>::Reader regions, const std::string& focus) {
  std::map<std::string, std::vector<schema::RegionView::Reader>> children;
  std::map<std::string, schema::RegionView::Reader> by_id;
  for (auto r : regions) {
    by_id.emplace(r.getNode().cStr(), r);
    children[r.getParent().cStr()].push_back(r);
  }
  std::string self = st.getNodeId().cStr();
  std::string top = focus.empty() || !by_id.count(focus) ? self : focus;
  std::string b = "<p class=\"legend\">" + Tag("late", "逾期 overdue") + " " +
                  Tag("soon", "临期 due soon") + " " + Tag("ok", "按时 on time") + " " +
                  Tag("offline", "离线 offline") + " " + Tag("unknown", "未收到 not heard") +
                  " <span class=\"muted\">各节点定期上报的状态摘要 from the status summaries each "
                  "node sends up</span></p>\n";
  if (top != self) b += "<p><a href=\"/regions\">← 全部 all</a></p>\n";
  auto it = by_id.find(top);
  if (it == by_id.end())
    return Layout("态势", "/regions", st, b + "<p class=\"muted\">无 none</p>");
  auto here = it->second;
  Standing hs = RegionStanding(here);
  b += "<h2>" + Text(here.getName()) + " <span class=\"muted\">" + Text(here.getNode()) +
       "</span> " + Tag(hs.css, hs.zh) + "</h2><p>" + RegionLine(here) + "</p>\n";
  // One card per region one level down, coloured by the worst of it and its own children.
  const auto& below = children[top];
  if (!below.empty()) {
    b += "<div class=\"grid\" id=\"regions\">\n";
    for (auto r : below) {
      Standing own = RegionStanding(r);
      const char* worst = own.css;
      std::string tiles;
      for (auto c : children[r.getNode().cStr()]) {
        Standing cs = RegionStanding(c);
        if (Rank(cs.css) > Rank(worst)) worst = cs.css;
        tiles += Tile(c);
      }
      std::string id = Text(r.getNode());
      b += "<section class=\"region " + std::string(worst) + "\" data-node=\"" + id +
           "\" data-standing=\"" + own.css + "\" data-worst=\"" + worst +
           "\"><h3><a href=\"/regions?node=" + id + "\">" + Text(r.getName()) + "</a> " +
           Tag(own.css, own.zh) + "</h3>" + RegionLine(r) +
           (tiles.empty() ? "" : "<div class=\"tiles\">" + tiles + "</div>") + "</section>\n";
    }
    b += "</div>\n";
  }
  // The drilled-down node's duties, per rule and step.
  if (here.getHeard()) {
    auto s = here.getSummary();
    b += "<h2>职责 duties of " + Text(here.getName()) + "</h2><table id=\"duties\">\n" +
         Row({"依据 rule", "职责 duty", "未办结 open", "临期 due soon", "逾期 overdue",
              "暂定 provisional"},
             true);
    for (auto d : s.getDuties()) {
      b += Row({Text(d.getRule()), Text(d.getStep()), std::to_string(d.getOpen()),
                std::to_string(d.getDueSoon()),
                d.getOverdue() ? Tag("late", std::to_string(d.getOverdue())) : "0",
                std::to_string(d.getProvisional())});
    }
    if (s.getDuties().size() == 0) b += "<tr><td colspan=\"6\" class=\"muted\">无 none</td></tr>\n";
    b += "</table>\n<p class=\"muted\">链路 links " + std::to_string(s.getLinksUp()) + "/" +
         std::to_string(s.getLinksTotal()) + " 连通 · 待发 outbox " +
         std::to_string(s.getOutboxDepth()) +
         (s.getOldestPendingMs() ? " (最早 " + When(s.getOldestPendingMs()) + ")" : "") +
         (s.getStoreWritable() ? "" : " · " + Tag("late", "存储无法写入 store not writable")) +
         "</p>\n";
  }
  return Layout("态势", "/regions", st, b);
}

std::string DocumentsPage(schema::NodeStatus::Reader st,
                          capnp::List<schema::DocumentView>::Reader docs) {
  std::string b =
      "<p class=\"muted\">本节点收到的书面文书，每份附验证码，可打印；用 <code>zhuji verify "
      "信封编号 "
      "--code 验证码</code> 核验纸质件 (documents received here, each with its verification "
      "code).</p><table id=\"documents\">\n" +
      Row({"文书 document", "文号 number", "日期 date", "发文机关 from", "收文机关 to",
           "依据 rule"},
          true);
  for (auto d : docs) {
    std::string id = Text(d.getEnvelopeId());
    b += "<tr data-kind=\"" + Text(d.getKind()) + "\" data-envelope=\"" + id +
         "\"><td><a href=\"/documents/" + id + "\">" + Text(d.getKindZh()) +
         "</a><br><span class=\"muted\">" + Text(d.getTitle()) + "</span></td><td>" +
         Text(d.getNumber()) + "</td><td>" + When(d.getDateMs()) + "</td><td>" +
         Text(d.getFromName()) + "</td><td>" + Text(d.getToName()) + "</td><td>" +
         Text(d.getRule()) + "</td></tr>\n";
  }
  if (docs.size() == 0) b += "<tr><td colspan=\"6\" class=\"muted\">无 none</td></tr>\n";
  return Layout("文书", "/documents", st, b + "</table>\n");
}

std::string DocumentPage(schema::NodeStatus::Reader st, schema::DocumentView::Reader d) {
  std::string b =
      "<p class=\"noprint\"><a href=\"/documents\">← 文书 documents</a> · 用浏览器打印本页 "
      "print this page (Ctrl+P)</p><article class=\"doc\" id=\"document\" data-kind=\"" +
      Text(d.getKind()) + "\"><h2>" + Text(d.getKindZh()) + "</h2><div class=\"no\">" +
      Text(d.getNumber()) + "</div><p><b>" + Text(d.getToName()) +
      "</b>：</p><div class=\"body\"><p><b>" + Text(d.getTitle()) + "</b></p>";
  for (auto l : d.getLines()) b += "<p>" + Text(l) + "</p>";
  b += "<p>依据 rule：" + Text(d.getRule()) + "</p></div><div class=\"sign\"><p>" +
       Text(d.getFromName()) + "</p><p>" + When(d.getDateMs()) +
       "</p></div><div class=\"verify\">信封编号 envelope <span id=\"envelope\">" +
       Text(d.getEnvelopeId()) +
       "</span><br>验证码 verification code <span class=\"code\" id=\"code\">" + Text(d.getCode()) +
       "</span><br>" +
       (d.getSignerKeyId().size()
            ? "由节点 " + Text(d.getOrigin()) + " 签名 signed by node " + Text(d.getOrigin()) +
                  " (key " + Text(d.getSignerKeyId()) + ")"
            : Tag("late", "未签名 not signed")) +
       "；收到 received " + When(d.getReceivedMs()) + "<br>核验 check: <code>zhuji verify " +
       Text(d.getEnvelopeId()) + " --data-dir 收文节点数据目录 --code " + Text(d.getCode()) +
       "</code></div></article>";
  return Layout(std::string(d.getKindZh().cStr()) + " " + d.getNumber().cStr(), "/documents", st,
                b);
}

std::string ErrorPage(int status, const std::string& what) {
  return "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" +
         std::to_string(status) + "</title><style>" + kStyle + "</style></head><body><main><h1>" +
         std::to_string(status) + "</h1><p>" + Esc(what) +
         "</p><p><a href=\"/\">返回 back</a></p></main></body></html>\n";
}

std::string NodeMetrics(schema::NodeStatus::Reader st) {
  http::MetricsText m;
  http::Labels node = {{"node", st.getNodeId().cStr()}};
  auto counter = [&](const char* name, const char* help, double v) {
    m.One(name, "counter", help, v, node);
  };
  auto gauge = [&](const char* name, const char* help, double v) {
    m.One(name, "gauge", help, v, node);
  };
  counter("zhuji_envelopes_sent_total", "Envelope transmissions handed to a broker (retries too).",
          static_cast<double>(st.getSent()));
  counter("zhuji_envelopes_acked_total", "Own envelopes acknowledged by their destination.",
          static_cast<double>(st.getAcked()));
  counter("zhuji_envelopes_delivered_total", "Envelopes from others applied here.",
          static_cast<double>(st.getDelivered()));
  counter("zhuji_envelopes_duplicate_total", "Re-deliveries recognised and acknowledged again.",
          static_cast<double>(st.getDuplicates()));
  m.Family("zhuji_refused_total", "counter", "Frames and control requests refused, by reason.");
  for (auto r : st.getRefusedBy()) {
    m.Sample("zhuji_refused_total",
             {{"node", st.getNodeId().cStr()}, {"reason", r.getName().cStr()}},
             static_cast<double>(r.getCount()));
  }
  counter("zhuji_signatures_refused_total",
          "Envelopes or receipts whose signature was bad, missing or unknown.",
          static_cast<double>(st.getSignaturesRefused()));
  gauge("zhuji_outbox_depth", "Envelopes waiting for their acknowledgement, all destinations.",
        static_cast<double>(st.getOutboxDepth()));
  m.Family("zhuji_outbox_pending", "gauge",
           "Envelopes waiting for their acknowledgement, per destination.");
  for (auto d : st.getDestinations()) {
    m.Sample("zhuji_outbox_pending",
             {{"node", st.getNodeId().cStr()}, {"destination", d.getDestination().cStr()}},
             static_cast<double>(d.getPending()));
  }
  m.Family("zhuji_outbox_oldest_age_seconds", "gauge",
           "Age of the oldest unacknowledged envelope, per destination.");
  for (auto d : st.getDestinations()) {
    double age = d.getOldestPendingMs() ? (st.getNowMs() - d.getOldestPendingMs()) / 1000.0 : 0.0;
    m.Sample("zhuji_outbox_oldest_age_seconds",
             {{"node", st.getNodeId().cStr()}, {"destination", d.getDestination().cStr()}},
             age < 0 ? 0 : age);
  }
  gauge("zhuji_dead_letters", "Envelopes refused for good by their destination.",
        static_cast<double>(st.getDeadLetters()));
  gauge("zhuji_deadlines_open", "Tracked duties not closed.",
        static_cast<double>(st.getDeadlinesOpen()));
  gauge("zhuji_deadlines_overdue", "Tracked duties overdue (逾期).",
        static_cast<double>(st.getDeadlinesOverdue()));
  gauge("zhuji_deadlines_provisional",
        "Open duties counted through a year with no schedule (暂定).",
        static_cast<double>(st.getDeadlinesProvisional()));
  gauge("zhuji_supervised_open", "督办 from below not yet closed.",
        static_cast<double>(st.getSupervisedOpen()));
  m.Family("zhuji_link_up", "gauge", "1 when the link to a broker is up.");
  for (auto l : st.getLinks()) {
    m.Sample("zhuji_link_up", {{"node", st.getNodeId().cStr()}, {"broker", l.getEndpoint().cStr()}},
             l.getUp() ? 1 : 0);
  }
  gauge("zhuji_store_writable", "1 when the store takes writes.",
        st.getStoreError().size() ? 0 : 1);
  auto h = st.getCommitLatency();
  std::vector<double> bounds;
  for (double b : h.getBoundsMs()) bounds.push_back(b / 1000.0);
  std::vector<uint64_t> counts;
  for (uint64_t c : h.getCounts()) counts.push_back(c);
  m.Histogram("zhuji_commit_seconds", "Write transactions of the store, commit (fsync) included.",
              bounds, counts, h.getSumMs() / 1000.0, node);
  return m.text();
}

}  // namespace zhuji::console
