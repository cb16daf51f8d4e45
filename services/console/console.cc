#include "services/console/console.h"

#include <httplib.h>

#include <regex>

#include "services/common/ids.h"
#include "services/console/pages.h"
#include "services/http/prometheus.h"
#include "zhuji/schemas/control.capnp.h"

namespace zhuji::console {
namespace {

constexpr int kAnswerMs = 8000;  // a page waits this long for the node's loop
constexpr const char* kHtml = "text/html; charset=utf-8";

const std::regex kMatterId("[A-Za-z0-9._:/-]{1,120}");

}  // namespace

Console::Console(ConsoleConfig config, zmq::context_t& ctx, spdlog::logger& log)
    : config_(std::move(config)),
      log_(log),
      client_(ctx, config_.control),
      server_(config_.listen, "console of node " + config_.node_id, log) {
  Routes();
}

std::unique_ptr<OwnedMessage> Console::Ask(capnp::MessageBuilder& request) {
  if (stopping_) throw std::runtime_error("the node is stopping");
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) throw std::runtime_error("the node is stopping");
  return client_.CallOk(request, kAnswerMs);
}

void Console::Routes() {
  // Every page starts from the node's status (header, navigation), then asks what it shows.
  auto page = [this](auto render) {
    return [this, render](const httplib::Request& req, httplib::Response& res) {
      try {
        capnp::MallocMessageBuilder sreq;
        sreq.initRoot<schema::ControlRequest>().setStatus();
        auto status = Ask(sreq);
        auto st = status->Root<schema::ControlReply>().getStatus();
        res.set_content(render(req, st), kHtml);
      } catch (const std::out_of_range& e) {
        res.status = 404;
        res.set_content(ErrorPage(404, std::string("未找到 not found: ") + e.what()), kHtml);
      } catch (const std::exception& e) {
        res.status = 503;
        res.set_content(
            ErrorPage(503, std::string("节点未应答 the node did not answer: ") + e.what()), kHtml);
        log_.warn("console: {} {}: {}", req.method, req.path, e.what());
      }
    };
  };
  auto deadlines = [this](bool all) {
    capnp::MallocMessageBuilder r;
    r.initRoot<schema::ControlRequest>().initDeadlines().setAll(all);
    return Ask(r);
  };
  auto matters = [this] {
    capnp::MallocMessageBuilder r;
    r.initRoot<schema::ControlRequest>().initMatter().setOp(schema::MatterRequest::Op::LIST);
    return Ask(r);
  };
  auto filings = [this](const char* filter) {
    capnp::MallocMessageBuilder r;
    auto f = r.initRoot<schema::ControlRequest>().initFiling();
    f.setOp(schema::FilingRequest::Op::LIST);
    f.setFilter(filter);
    return Ask(r);
  };

  server_.Get("/", page([this](const httplib::Request&, schema::NodeStatus::Reader st) {
                capnp::MallocMessageBuilder r;
                r.initRoot<schema::ControlRequest>().initDeadLetter().setOp(
                    schema::DeadLetterRequest::Op::LIST);
                auto dead = Ask(r);
                return NodePage(st, dead->Root<schema::ControlReply>().getDeadLetters());
              }));
  server_.Get("/deadlines",
              page([this, deadlines](const httplib::Request&, schema::NodeStatus::Reader st) {
                auto d = deadlines(true);
                return DeadlinesPage(st, d->Root<schema::ControlReply>().getDeadlines(),
                                     config_.reminder_days);
              }));
  server_.Get("/todo", page([this, deadlines, matters, filings](const httplib::Request&,
                                                                schema::NodeStatus::Reader st) {
                auto d = deadlines(false);
                auto m = matters();
                auto owed = filings("owed");
                auto received = filings("received");
                capnp::MallocMessageBuilder nr;
                nr.initRoot<schema::ControlRequest>().initSecret().setOp(
                    schema::SecretRequest::Op::NOTICES);
                auto notices = Ask(nr);
                return TodoPage(st, d->Root<schema::ControlReply>().getDeadlines(),
                                m->Root<schema::ControlReply>().getMatterViews(),
                                owed->Root<schema::ControlReply>().getFilings(),
                                received->Root<schema::ControlReply>().getFilings(),
                                notices->Root<schema::ControlReply>().getSecretNotices(),
                                config_.reminder_days);
              }));
  server_.Get("/matters", page([matters](const httplib::Request&, schema::NodeStatus::Reader st) {
                auto m = matters();
                return MattersPage(st, m->Root<schema::ControlReply>().getMatterViews());
              }));
  server_.Get(R"(/matters/(.+))",
              page([this](const httplib::Request& req, schema::NodeStatus::Reader st) {
                std::string id = req.matches[1];
                if (!std::regex_match(id, kMatterId))
                  throw std::out_of_range("matter id '" + id + "'");
                capnp::MallocMessageBuilder r;
                auto m = r.initRoot<schema::ControlRequest>().initMatter();
                m.setOp(schema::MatterRequest::Op::SHOW);
                m.setId(id);
                std::unique_ptr<OwnedMessage> reply;
                try {
                  reply = Ask(r);
                } catch (const std::runtime_error& e) {
                  throw std::out_of_range("matter " + id + " (" + e.what() + ")");
                }
                auto views = reply->Root<schema::ControlReply>().getMatterViews();
                if (views.size() == 0) throw std::out_of_range("matter " + id);
                return MatterPage(st, views[0]);
              }));
  server_.Get(
      "/registers", page([this, filings](const httplib::Request&, schema::NodeStatus::Reader st) {
        capnp::MallocMessageBuilder r;
        r.initRoot<schema::ControlRequest>().initGrant().setOp(schema::GrantRequest::Op::LIST);
        auto g = Ask(r);
        auto f = filings("");
        return RegistersPage(st, g->Root<schema::ControlReply>().getGrants(),
                             f->Root<schema::ControlReply>().getFilings());
      }));
  server_.Get("/supervised", page([this](const httplib::Request&, schema::NodeStatus::Reader st) {
                capnp::MallocMessageBuilder r;
                r.initRoot<schema::ControlRequest>().setSupervised(true);
                auto s = Ask(r);
                return SupervisedPage(st, s->Root<schema::ControlReply>().getSupervised());
              }));
  server_.Get("/regions", page([this](const httplib::Request& req, schema::NodeStatus::Reader st) {
                capnp::MallocMessageBuilder r;
                r.initRoot<schema::ControlRequest>().setRegions();
                auto regions = Ask(r);
                std::string focus = req.get_param_value("node");
                if (!focus.empty() && !IsDivisionCode(focus))
                  throw std::out_of_range("node '" + focus + "'");
                return RegionsPage(st, regions->Root<schema::ControlReply>().getRegions(), focus);
              }));
  auto documents = [this](const std::string& envelope) {
    capnp::MallocMessageBuilder r;
    auto d = r.initRoot<schema::ControlRequest>().initDocuments();
    d.setEnvelopeId(envelope);
    return Ask(r);
  };
  server_.Get("/documents",
              page([documents](const httplib::Request&, schema::NodeStatus::Reader st) {
                auto d = documents("");
                return DocumentsPage(st, d->Root<schema::ControlReply>().getDocuments());
              }));
  server_.Get(R"(/documents/([0-9a-f]{32}))",
              page([documents](const httplib::Request& req, schema::NodeStatus::Reader st) {
                std::string id = req.matches[1];
                std::unique_ptr<OwnedMessage> d;
                try {
                  d = documents(id);
                } catch (const std::runtime_error& e) {
                  throw std::out_of_range(e.what());
                }
                return DocumentPage(st, d->Root<schema::ControlReply>().getDocuments()[0]);
              }));
  server_.Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
    try {
      capnp::MallocMessageBuilder r;
      r.initRoot<schema::ControlRequest>().setStatus();
      auto status = Ask(r);
      res.set_content(NodeMetrics(status->Root<schema::ControlReply>().getStatus()),
                      http::MetricsText::kContentType);
    } catch (const std::exception& e) {
      res.status = 503;
      res.set_content(std::string("node did not answer: ") + e.what() + "\n",
                      "text/plain; charset=utf-8");
      log_.warn("console: {} {}: {}", req.method, req.path, e.what());
    }
  });
}

}  // namespace zhuji::console
