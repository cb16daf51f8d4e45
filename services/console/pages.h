#pragma once
// The console's pages (issue #17; docs/console.md): HTML rendered from the node's control
// replies, the same views `zhuji … --json` prints. Pure functions of the reply: no sockets, no
// store, testable without a node.
//
// Every page is Chinese first, English beside where it helps; one stylesheet, no script, no
// external font or CDN. Deadlines are coloured by working days left: 逾期 (overdue), 临期 (due
// within the reminder's working days), 按时 (on time); 暂定 marks a count through a year with no
// published schedule.

#include <cstdint>
#include <string>
#include <string_view>

#include "zhuji/schemas/control.capnp.h"

namespace zhuji::console {

// Escapes text for HTML content and attribute values.
std::string Esc(std::string_view text);

// A whole page: the node's name in the header, the navigation with `active` marked.
std::string Layout(const std::string& title, const std::string& active,
                   schema::NodeStatus::Reader node, const std::string& body);

// 按时 / 临期 / 逾期 / 已办结 of a deadline, with its CSS class ("ok", "soon", "late", "done").
struct Standing {
  const char* zh;
  const char* css;
};
Standing StandingOf(schema::DeadlineView::Reader d, int reminder_days);

std::string NodePage(schema::NodeStatus::Reader st,
                     capnp::List<schema::DeadLetterView>::Reader dead);
std::string DeadlinesPage(schema::NodeStatus::Reader st, schema::DeadlineList::Reader list,
                          int reminder_days);
// 待办: per organ of this node, the matters it holds, the filings it owes or awaits an answer
// on, the 备案 received, the written notices (书面通知) still awaiting a recipient's 签收, and
// the deadlines open.
std::string TodoPage(schema::NodeStatus::Reader st, schema::DeadlineList::Reader deadlines,
                     capnp::List<schema::MatterView>::Reader matters,
                     capnp::List<schema::FilingView>::Reader owed,
                     capnp::List<schema::FilingView>::Reader received,
                     capnp::List<schema::SecretNoticeView>::Reader notices, int reminder_days);
std::string MattersPage(schema::NodeStatus::Reader st,
                        capnp::List<schema::MatterView>::Reader matters);
// A matter's trail as a timeline: each level with received-at, sent-at, due, on time or late,
// the review opinions, the decision.
std::string MatterPage(schema::NodeStatus::Reader st, schema::MatterView::Reader m);
std::string RegistersPage(schema::NodeStatus::Reader st,
                          capnp::List<schema::GrantView>::Reader grants,
                          capnp::List<schema::FilingView>::Reader filings);
std::string SupervisedPage(schema::NodeStatus::Reader st,
                           capnp::List<schema::SupervisedView>::Reader supervised);
// The province's picture (issue #17): every city and county below this node coloured by its
// overdue duties (逾期 red, 临期 amber, 按时 green; 离线 dark with when it was last heard; 未收到
// grey), from the status summaries held; `focus` (a node id, or empty) drills down to a city or a
// county.
std::string RegionsPage(schema::NodeStatus::Reader st,
                        capnp::List<schema::RegionView>::Reader regions, const std::string& focus);
// Documents a clerk can print (书面通知, 回执, 定密授权决定书, 定密责任人指定书): the list, and one
// as a printable page with its number, date, parties, rule and verification code.
std::string DocumentsPage(schema::NodeStatus::Reader st,
                          capnp::List<schema::DocumentView>::Reader docs);
std::string DocumentPage(schema::NodeStatus::Reader st, schema::DocumentView::Reader d);
std::string ErrorPage(int status, const std::string& what);

// /metrics of a node, from its status (Prometheus text format).
std::string NodeMetrics(schema::NodeStatus::Reader st);

}  // namespace zhuji::console
