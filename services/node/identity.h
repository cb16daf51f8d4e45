#pragma once
// A store belongs to one node, and a node id to one process (issue #8).
//
// ClaimStore writes the node id and level into `meta` the first time a store is opened, refuses
// a store written by another node id or level, and counts this start (the incarnation, sent
// with every HELLO so a broker can tell a restart from a second live copy). DataDirLock holds an
// exclusive lock on the data directory for the life of the process, so one directory cannot be
// served by two processes on one machine.

#include <cstdint>
#include <stdexcept>
#include <string>

#include "services/store/store.h"

namespace zhuji::node {

class IdentityError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Returns this start's incarnation (1 for a new store). Throws IdentityError naming both ids.
// On a store that cannot be written (a full disk) it checks without writing, sets
// `*unwritable` to the reason and returns the incarnation it would have written.
uint64_t ClaimStore(store::Env& env, const std::string& node_id, const std::string& level,
                    std::string* unwritable);

// Locks `dir`/node.lock (flock, exclusive, not waiting). Throws IdentityError naming the pid
// that holds it. The lock goes with the process, also when it is killed.
class DataDirLock {
 public:
  explicit DataDirLock(const std::string& dir);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace zhuji::node
