#include "services/node/statistics_service.h"

#include <capnp/message.h>

#include <algorithm>
#include <charconv>

#include "services/common/capnp_io.h"
#include "services/node/determination_service.h"
#include "services/node/filings.h"
#include "services/node/matters.h"
#include "services/node/table.h"
#include "services/store/audit.h"

namespace zhuji::node {

namespace {

using workflows::StatFigures;
using workflows::StatKind;
using workflows::StatReport;
using Op = schema::StatsRequest::Op;

constexpr const char* kFirstServedKey = "stats/first_served_year";  // meta

void PutFigures(schema::StatFigures::Builder b, const StatFigures& f) {
  b.setMimi(f.determined[0]);
  b.setJimi(f.determined[1]);
  b.setJuemi(f.determined[2]);
  b.setChanged(f.changed);
  b.setReleased(f.released);
  b.setEscalated(f.escalated);
  b.setGrants(f.grants);
  b.setResponsible(f.responsible);
  b.setOrgans(f.organs);
}

StatFigures GetFigures(schema::StatFigures::Reader r) {
  StatFigures f;
  f.determined[0] = r.getMimi();
  f.determined[1] = r.getJimi();
  f.determined[2] = r.getJuemi();
  f.changed = r.getChanged();
  f.released = r.getReleased();
  f.escalated = r.getEscalated();
  f.grants = r.getGrants();
  f.responsible = r.getResponsible();
  f.organs = r.getOrgans();
  return f;
}

std::string Line(const StatReport& r) {
  const StatFigures& f = r.figures;
  return r.id + " v" + std::to_string(r.version) + ": 确定 " +
         std::to_string(f.determined_total()) + " (秘密 " + std::to_string(f.determined[0]) +
         ", 机密 " + std::to_string(f.determined[1]) + ", 绝密 " + std::to_string(f.determined[2]) +
         "), 变更 " + std::to_string(f.changed) + ", 解除 " + std::to_string(f.released) +
         ", organs " + std::to_string(f.organs);
}

// A grant that gave `organ` authority at some time during `year` (GD Art. 46 ¶2).
bool GrantedDuring(const workflows::Grant& g, int year) {
  int64_t ended = std::max(g.ended_at, g.revoked_at);
  return g.from.year() <= year && (ended == 0 || calendar::CstDateOf(ended).year() >= year);
}

int PastYear(int64_t now) { return calendar::CstDateOf(now).year() - 1; }

std::string DutyItem(const std::string& who, int year) {
  return who + "/定密统计-" + std::to_string(year);
}

}  // namespace

std::string StatReports::Encode(const StatReport& r) {
  capnp::MallocMessageBuilder m;
  auto b = m.initRoot<schema::StatReport>();
  b.setId(r.id);
  b.setKind(static_cast<uint8_t>(r.kind));
  b.setYear(r.year);
  b.setOrgan(r.organ);
  b.setOrganName(r.organ_name);
  b.setNode(r.node);
  PutFigures(b.initFigures(), r.figures);
  auto inc = b.initIncluded(r.included.size());
  for (size_t i = 0; i < r.included.size(); ++i) inc.set(i, r.included[i]);
  auto mis = b.initMissing(r.missing.size());
  for (size_t i = 0; i < r.missing.size(); ++i) mis.set(i, r.missing[i]);
  b.setVersion(r.version);
  b.setFiledAt(r.filed_at);
  b.setFiledBy(r.filed_by);
  b.setYearComplete(r.year_complete);
  b.setCompleteAt(r.complete_at);
  return ToBytes(m);
}

StatReport StatReports::Decode(std::string_view bytes) {
  auto msg = ReadMessage(bytes);
  auto b = msg->Root<schema::StatReport>();
  StatReport r;
  r.id = b.getId();
  if (b.getKind() > static_cast<uint8_t>(StatKind::kRegion)) {
    throw MalformedMessage("statistics " + r.id + ": unknown kind");
  }
  r.kind = static_cast<StatKind>(b.getKind());
  r.year = b.getYear();
  r.organ = b.getOrgan();
  r.organ_name = b.getOrganName();
  r.node = b.getNode();
  r.figures = GetFigures(b.getFigures());
  for (auto t : b.getIncluded()) r.included.emplace_back(t);
  for (auto t : b.getMissing()) r.missing.emplace_back(t);
  r.version = b.getVersion();
  r.filed_at = b.getFiledAt();
  r.filed_by = b.getFiledBy();
  r.year_complete = b.getYearComplete();
  r.complete_at = b.getCompleteAt();
  return r;
}

std::optional<StatReport> StatReports::Get(store::Txn& txn, const std::string& id) {
  return GetRecord(txn, "stats", id, Decode);
}

void StatReports::Put(store::Txn& txn, const StatReport& r) { txn.Put("stats", r.id, Encode(r)); }

std::vector<StatReport> StatReports::List(store::Txn& txn, int year) {
  return ListRecords(txn, "stats", Decode, std::to_string(year) + "/");
}

StatisticsService::StatisticsService(const config::NodeConfig& config, const FilingService& filings,
                                     DeadlineService& deadlines, Writer& writer, Mail& mail,
                                     ControlService& control, const Clock& clock)
    : config_(config),
      filings_(filings),
      deadlines_(deadlines),
      writer_(writer),
      mail_(mail),
      control_(control),
      clock_(clock) {}

KindEntry StatisticsService::StatsEnvelopeKind(const std::string& self) {
  KindEntry k;
  k.name = "stats";
  k.check = [self](const std::string& origin, std::string_view body) -> Status {
    if (Status st = CheckText<schema::StatReport>(body); !st.ok()) return st;
    StatReport r = StatReports::Decode(body);
    if (origin == self) return Status::Error("a node does not send statistics to itself");
    bool newer = false;
    return workflows::CheckStatCopy(nullptr, r, origin, &newer);
  };
  k.admit = [](store::Txn& txn, const std::string& origin, std::string_view body) {
    StatReport r = StatReports::Decode(body);
    auto held = StatReports::Get(txn, r.id);
    bool newer = false;
    return workflows::CheckStatCopy(held ? &*held : nullptr, r, origin, &newer);
  };
  k.describe = [](std::string_view body) { return "定密统计 " + Line(StatReports::Decode(body)); };
  return k;
}

void StatisticsService::Register(KindRegistry& kinds, ControlService& control) {
  KindEntry k = StatsEnvelopeKind(config_.node_id);
  k.apply = [](store::Txn& txn, const std::string& from, std::string_view body, int64_t now) {
    StatReport r = StatReports::Decode(body);  // checked by the inbox already
    auto held = StatReports::Get(txn, r.id);
    bool newer = false;
    (void)workflows::CheckStatCopy(held ? &*held : nullptr, r, from, &newer);
    if (!newer) return;
    StatReports::Put(txn, r);
    store::Audit::Append(txn, now, "定密统计 received (GD Art. 46)", Line(r) + " from " + from);
  };
  kinds.Register(schema::Kind::STATS, std::move(k));
  control.Register(schema::ControlRequest::STATS, [this](ControlCall& c) { Handle(c); });
}

std::vector<std::string> StatisticsService::OrgansHere() const {
  std::vector<std::string> out;
  if (const auto* n = filings_.base_directory().Node(config_.node_id)) {
    for (const auto& o : n->organs) out.push_back(o.address());
  }
  return out;
}

StatFigures StatisticsService::Compute(store::Txn& txn, const workflows::Organ& organ, int year,
                                       int64_t now) const {
  auto secrets = Secrets::List(txn);
  auto notices = SecretNotices::List(txn);
  auto matters = Matters::List(txn);
  auto grants = Grants::List(txn);
  auto reg = filings_.LiveRegister(txn, organ.address());
  workflows::OrganRecords records;
  for (const auto& d : secrets) records.secrets.push_back(&d);
  for (const auto& n : notices) records.notices.push_back(&n);
  for (const auto& m : matters) records.matters.push_back(&m.matter);
  for (const auto& g : grants) records.grants.push_back(&g);
  if (reg.ok()) records.reg = &reg.value();
  return workflows::OrganFigures(organ.address(), year, records, calendar::CstDateOf(now));
}

Status StatisticsService::File(store::Txn& txn, const workflows::Organ& organ, int year,
                               const std::string& by, int64_t now,
                               std::vector<std::string>* warnings) {
  auto reg = filings_.LiveRegister(txn, organ.address());
  if (!reg.ok()) return reg.status();
  auto held = StatReports::Get(txn, workflows::OrganReportId(year, organ.address()));
  auto r = workflows::FileOrganReport(held ? &*held : nullptr, organ, year,
                                      Compute(txn, organ, year, now), reg.value(), by,
                                      calendar::CstDateOf(now), now);
  if (!r.ok()) return r.status();
  const StatReport& report = r.value();
  // GD Art. 46 ¶1: with the same-level dept — this node's (a dept keeps its own report).
  StatReports::Put(txn, report);
  deadlines_.CloseDuty(txn, DutyItem(organ.address(), year), workflows::kStepOrganStats, now);
  std::string to;
  // GD Art. 46 ¶2: an authorized organ also reports to each organ that granted it authority
  // during the year.
  std::vector<std::string> grantors;
  for (const auto& g : Grants::List(txn)) {
    if (g.grantee.address() != organ.address() || !GrantedDuring(g, year)) continue;
    if (std::find(grantors.begin(), grantors.end(), g.grantor.address()) != grantors.end()) {
      continue;
    }
    grantors.push_back(g.grantor.address());
    if (g.grantor.node != config_.node_id) {
      mail_.Post(txn, {g.grantor.node, schema::Kind::STATS, StatReports::Encode(report), report.id},
                 now);
    }
    to += "，授权机关 " + g.grantor.name;
  }
  if (!report.year_complete) {
    warnings->push_back("the year " + std::to_string(year) +
                        " has not ended: these are figures to date; file again after 31 "
                        "December (the newer version replaces this one)");
  }
  store::Audit::Append(txn, now, "定密统计 filed (GD Art. 46)", Line(report) + " by " + by + to);
  return Status::Ok();
}

Status StatisticsService::FileRegion(store::Txn& txn, int year, const std::string& by, int64_t now,
                                     std::vector<std::string>* warnings) {
  auto dept = filings_.base_directory().SecrecyAdmin(config_.node_id);
  if (!dept) {
    return Status::Error("GD Art. 46 ¶3: node " + config_.node_id +
                         " has no secrecy admin dept to report its region");
  }
  auto reg = filings_.LiveRegister(txn, dept->address());
  if (!reg.ok()) return reg.status();
  auto reports = StatReports::List(txn, year);
  auto held = StatReports::Get(txn, workflows::RegionReportId(year, config_.node_id));
  auto r = workflows::FileRegionReport(held ? &*held : nullptr, *dept, year, OrgansHere(), reports,
                                       filings_.base_directory().Children(config_.node_id), reports,
                                       reg.value(), by, calendar::CstDateOf(now), now);
  if (!r.ok()) return r.status();
  const StatReport& report = r.value();
  StatReports::Put(txn, report);
  deadlines_.CloseDuty(txn, DutyItem(config_.node_id, year), workflows::kStepRegionStats, now);
  const auto* node = filings_.base_directory().Node(config_.node_id);
  if (node && !node->parent.empty()) {
    mail_.Post(txn, {node->parent, schema::Kind::STATS, StatReports::Encode(report), report.id},
               now);
  } else {
    warnings->push_back(
        "GD Art. 47: the province's table goes to 同级党委、政府 and is not sent on by this "
        "network");
  }
  for (const auto& m : report.missing) warnings->push_back("未报送 not reported yet: " + m);
  if (!report.year_complete) {
    warnings->push_back("figures to date: the year (or a report summed) is not complete");
  }
  store::Audit::Append(txn, now, "区域定密统计 filed (GD Art. 46 ¶3, 47)",
                       Line(report) + " by " + by);
  return Status::Ok();
}

void StatisticsService::OpenDuties(store::Txn& txn, int year, int64_t now) {
  auto first = txn.Get("meta", kFirstServedKey);
  int first_year = calendar::CstDateOf(now).year();
  if (!first ||
      std::from_chars(first->data(), first->data() + first->size(), first_year).ec != std::errc()) {
    txn.Put("meta", kFirstServedKey, std::to_string(first_year));
  }
  if (year < first_year) return;  // the node did not serve then
  std::string key = "stats/duties/" + std::to_string(year);
  if (txn.Get("meta", key)) return;
  txn.Put("meta", key, "opened");
  auto open = [&](const std::string& item, const char* step, const char* rule,
                  const std::string& title, StatKind kind, const workflows::Organ* organ) {
    auto rec = deadlines_.OpenDuty(txn,
                                   {.item = item,
                                    .step = step,
                                    .rule = rule,
                                    .title = title,
                                    .trigger = calendar::Date::FromYmd(year + 1, 1, 1),
                                    .fixed_day = workflows::StatDueDay(kind, year)},
                                   organ, now);
    if (!rec.ok()) store::Audit::Append(txn, now, "定密统计 duty not opened", rec.message());
  };
  const auto* node = filings_.base_directory().Node(config_.node_id);
  if (!node) return;
  for (const auto& o : node->organs) {
    auto filed = StatReports::Get(txn, workflows::OrganReportId(year, o.address()));
    if (filed && filed->year_complete) continue;  // filed already after the year ended
    open(DutyItem(o.address(), year), workflows::kStepOrganStats, "GD Art. 46",
         std::to_string(year) + " 年度定密统计 " + o.name, StatKind::kOrgan, &o);
  }
  auto region = StatReports::Get(txn, workflows::RegionReportId(year, config_.node_id));
  if (region && region->year_complete) return;  // reported already after the year ended
  if (auto dept = filings_.base_directory().SecrecyAdmin(config_.node_id)) {
    open(DutyItem(config_.node_id, year), workflows::kStepRegionStats, "GD Art. 46 ¶3, 47",
         std::to_string(year) + " 本行政区域定密统计 " + dept->name, StatKind::kRegion, &*dept);
  }
}

void StatisticsService::Tick(int64_t now) {
  int year = calendar::CstDateOf(now).year();
  if (year == duties_checked_for_) return;
  Status st = writer_.Commit([&](store::Txn& txn) {
    OpenDuties(txn, year - 1, now);
    return Status::Ok();
  });
  if (st.ok()) duties_checked_for_ = year;
}

void StatisticsService::FillTable(store::Txn& txn, int year, int64_t now,
                                  schema::StatsView::Builder v) const {
  v.setYear(year);
  v.setNode(config_.node_id);
  auto reports = StatReports::List(txn, year);
  auto find = [&](const std::string& id) -> const StatReport* {
    for (const auto& r : reports) {
      if (r.id == id) return &r;
    }
    return nullptr;
  };
  auto fill = [&](schema::StatRow::Builder row, const std::string& id, StatKind kind,
                  const std::string& organ, const std::string& name, const StatReport* r) {
    row.setId(id);
    row.setKind(kind == StatKind::kOrgan ? "organ" : "region");
    row.setOrgan(organ);
    row.setName(name);
    int64_t due = calendar::EndOfDayCstMs(workflows::StatDueDay(kind, year));
    row.setDueAt(due);
    if (!r) {
      row.setState(now > due ? "逾期未报 overdue" : "未报送 owed");
      return;
    }
    row.setVersion(r->version);
    row.setFiledAt(r->filed_at);
    row.setFiledBy(r->filed_by);
    row.setYearComplete(r->year_complete);
    if (!r->year_complete && year < calendar::CstDateOf(now).year()) {
      // Figures to date, filed before the year ended: the year's report is still owed.
      row.setState(now > due ? "逾期未报 overdue (only figures to date)"
                             : "未报送 owed (only figures to date)");
    } else if (!r->year_complete) {
      row.setState("截至 to date (the year has not ended)");
    } else {
      row.setState(r->complete_at > due ? "逾期报送 filed late" : "已报送 filed");
    }
    PutFigures(row.initFigures(), r->figures);
    auto missing = row.initMissing(r->missing.size());
    for (size_t i = 0; i < r->missing.size(); ++i) missing.set(i, r->missing[i]);
  };
  const auto& dir = filings_.base_directory();
  auto children = dir.Children(config_.node_id);
  const auto* node = dir.Node(config_.node_id);
  size_t n_organs = node ? node->organs.size() : 0;
  std::vector<StatReport> other;  // copies sent here by grantees on other nodes
  for (const auto& r : reports) {
    if (r.kind == StatKind::kOrgan && r.node != config_.node_id) other.push_back(r);
  }
  auto rows = v.initRows(n_organs + children.size() + other.size());
  size_t i = 0;
  for (size_t k = 0; k < n_organs; ++k) {
    const auto& o = node->organs[k];
    std::string id = workflows::OrganReportId(year, o.address());
    fill(rows[i++], id, StatKind::kOrgan, o.address(), o.name, find(id));
  }
  for (const auto& c : children) {
    std::string id = workflows::RegionReportId(year, c);
    auto dept = dir.SecrecyAdmin(c);
    const auto* cn = dir.Node(c);
    fill(rows[i++], id, StatKind::kRegion, dept ? dept->address() : c,
         dept ? dept->name : (cn ? cn->name : c), find(id));
  }
  for (const auto& r : other) {
    fill(rows[i++], r.id, StatKind::kOrgan, r.organ, r.organ_name + "（被授权机关 grantee）", &r);
  }
  std::string region_id = workflows::RegionReportId(year, config_.node_id);
  auto dept = dir.SecrecyAdmin(config_.node_id);
  const StatReport* filed = find(region_id);
  v.setRegionFiled(filed != nullptr);
  if (filed) {
    fill(v.initRegion(), region_id, StatKind::kRegion, filed->organ, filed->organ_name, filed);
    return;
  }
  // Not filed: what it would sum to now, from what has been reported.
  if (!dept) return;
  std::vector<std::string> organs;
  if (node) {
    for (const auto& o : node->organs) organs.push_back(o.address());
  }
  StatReport sum;
  sum.id = region_id;
  sum.kind = StatKind::kRegion;
  sum.organ = dept->address();
  sum.organ_name = dept->name;
  sum.year_complete = year < calendar::CstDateOf(now).year();
  for (const auto& id : organs) {
    if (const StatReport* r = find(workflows::OrganReportId(year, id))) {
      sum.figures += r->figures;
    } else {
      sum.missing.push_back(workflows::OrganReportId(year, id));
    }
  }
  for (const auto& c : children) {
    if (const StatReport* r = find(workflows::RegionReportId(year, c))) {
      sum.figures += r->figures;
    } else {
      sum.missing.push_back(workflows::RegionReportId(year, c));
    }
  }
  auto row = v.initRegion();
  fill(row, region_id, StatKind::kRegion, dept->address(), dept->name, &sum);
  row.setVersion(0);
  row.setFiledAt(0);
  row.setState("未报送 not filed: the sum of what was reported");
}

void StatisticsService::Handle(ControlCall& call) {
  auto req = call.request.getStats();
  int64_t now = clock_.NowMs();
  int year = req.getYear() ? req.getYear() : PastYear(now);
  std::optional<workflows::Organ> organ;
  if (req.getOp() == Op::COMPUTE || req.getOp() == Op::FILE) {
    organ = filings_.base_directory().Find(config_.node_id + "/" + std::string(req.getOrgan()));
    if (!organ) {
      return call.reply.setError("no organ '" + std::string(req.getOrgan().cStr()) + "' on node " +
                                 config_.node_id + " (--organ CODE)");
    }
  }
  std::vector<std::string> warnings;
  if (req.getOp() == Op::FILE || req.getOp() == Op::FILE_REGION) {
    Status st = control_.Write([&](store::Txn& txn) {
      return req.getOp() == Op::FILE ? File(txn, *organ, year, req.getBy(), now, &warnings)
                                     : FileRegion(txn, year, req.getBy(), now, &warnings);
    });
    if (!st.ok()) return call.reply.setError(st.message());
  }
  auto txn = writer_.BeginRead();
  auto v = call.reply.initStats();
  if (req.getOp() == Op::COMPUTE) {
    v.setYear(year);
    v.setNode(config_.node_id);
    StatReport r;
    r.id = workflows::OrganReportId(year, organ->address());
    r.organ = organ->address();
    r.organ_name = organ->name;
    r.figures = Compute(txn, *organ, year, now);
    r.year_complete = year < calendar::CstDateOf(now).year();
    auto rows = v.initRows(1);
    rows[0].setId(r.id);
    rows[0].setKind("organ");
    rows[0].setOrgan(r.organ);
    rows[0].setName(r.organ_name);
    rows[0].setState("计算 computed, not filed");
    rows[0].setYearComplete(r.year_complete);
    PutFigures(rows[0].initFigures(), r.figures);
  } else {
    FillTable(txn, year, now, v);
  }
  auto w = call.reply.initWarnings(warnings.size());
  for (size_t i = 0; i < warnings.size(); ++i) w.set(i, warnings[i]);
}

}  // namespace zhuji::node
