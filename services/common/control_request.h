#pragma once
// Facts about operator requests (schemas/control.capnp) shared by the node and the CLI.

#include "zhuji/schemas/control.capnp.h"

namespace zhuji {

// True for a request that changes the node's store (send, deadlines, calendar, a step of a
// matter, grant, filing, determination, statistics report, inspection or licence, a dead
// letter's retry or drop). Such a request carries a request id: the CLI resends it with the
// same id after a timeout, and the node carries it out once and answers a repeat with the reply it
// kept (issue #8).
inline bool ChangesState(schema::ControlRequest::Reader req) {
  switch (req.which()) {
    case schema::ControlRequest::SEND:
    case schema::ControlRequest::OPEN_DEADLINE:
    case schema::ControlRequest::CLOSE_DEADLINE:
    case schema::ControlRequest::LOAD_CALENDAR:
      return true;
    case schema::ControlRequest::MATTER: {
      auto op = req.getMatter().getOp();
      return op != schema::MatterRequest::Op::SHOW && op != schema::MatterRequest::Op::LIST;
    }
    case schema::ControlRequest::DEAD_LETTER: {
      auto op = req.getDeadLetter().getOp();
      return op == schema::DeadLetterRequest::Op::RETRY ||
             op == schema::DeadLetterRequest::Op::DROP;
    }
    case schema::ControlRequest::DIRECTORY:
      return req.getDirectory().getOp() != schema::DirectoryRequest::Op::SHOW;
    case schema::ControlRequest::GRANT: {
      using Op = schema::GrantRequest::Op;
      auto op = req.getGrant().getOp();
      return op == Op::DECIDE || op == Op::REVOKE || op == Op::PUBLISH;
    }
    case schema::ControlRequest::FILING: {
      using Op = schema::FilingRequest::Op;
      auto op = req.getFiling().getOp();
      return op != Op::LIST && op != Op::SHOW;
    }
    case schema::ControlRequest::RESPONSIBLE:
      return req.getResponsible().getOp() != schema::ResponsibleRequest::Op::LIST;
    case schema::ControlRequest::SECRET: {
      using Op = schema::SecretRequest::Op;
      auto op = req.getSecret().getOp();
      return op != Op::LIST && op != Op::SHOW && op != Op::SCOPE && op != Op::REVIEW_DUE &&
             op != Op::NOTICES;
    }
    case schema::ControlRequest::STATS: {
      using Op = schema::StatsRequest::Op;
      auto op = req.getStats().getOp();
      return op == Op::FILE || op == Op::FILE_REGION;
    }
    case schema::ControlRequest::INSPECTION: {
      using Op = schema::InspectionRequest::Op;
      auto op = req.getInspection().getOp();
      return op != Op::LIST && op != Op::SHOW;
    }
    case schema::ControlRequest::LICENSING: {
      using Op = schema::LicensingRequest::Op;
      switch (req.getLicensing().getOp()) {
        case Op::LIST:
        case Op::SHOW:
        case Op::CERTIFICATES:
        case Op::POST_LIST:
        case Op::CREDIT_SHOW:
        case Op::EXPERT_LIST:
        case Op::ROUNDS:
        case Op::INSPECTIONS:
          return false;
        default:
          return true;
      }
    }
    default:
      return false;
  }
}

}  // namespace zhuji
