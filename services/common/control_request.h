#pragma once
// Facts about operator requests (schemas/control.capnp) shared by the node and the CLI.

#include "zhuji/schemas/control.capnp.h"

namespace zhuji {

// True for a request that changes the node's store (send, deadlines, calendar, a matter step, a
// dead letter's retry or drop). Such a request carries a request id: the CLI resends it with the
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
    default:
      return false;
  }
}

}  // namespace zhuji
