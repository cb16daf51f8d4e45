#include "services/node/identity.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "services/common/ids.h"

namespace zhuji::node {

uint64_t ClaimStore(store::Env& env, const std::string& node_id, const std::string& level,
                    std::string* unwritable) {
  uint64_t incarnation = 0;
  try {
    env.Write([&](store::Txn& txn) {
      auto id = txn.Get("meta", "node_id");
      auto lv = txn.Get("meta", "node_level");
      if (id && *id != node_id) {
        throw IdentityError("the store at " + env.dir() + " belongs to node " + std::string(*id) +
                            ", not " + node_id +
                            ": point data_dir at this node's own store (a store is never shared "
                            "or renamed)");
      }
      if (lv && *lv != level) {
        throw IdentityError("the store at " + env.dir() + " was written by node " + node_id +
                            " as " + std::string(*lv) + " level, not " + level);
      }
      if (!id) txn.Put("meta", "node_id", node_id);
      if (!lv) txn.Put("meta", "node_level", level);
      auto inc = txn.Get("meta", "incarnation");
      incarnation = (inc && inc->size() == 8 ? DecodeBe64(*inc) : 0) + 1;
      txn.Put("meta", "incarnation", EncodeBe64(incarnation));
    });
  } catch (const store::StoreError& e) {
    if (!e.unwritable()) throw;
    // A full disk: start all the same, checking the owner without writing.
    *unwritable = e.what();
    if (e.rc() == MDB_PANIC) env.Reopen();  // LMDB gave up on it after the failed write
    auto txn = env.BeginRead();
    auto id = txn.Get("meta", "node_id");
    if (id && *id != node_id) {
      throw IdentityError("the store at " + env.dir() + " belongs to node " + std::string(*id) +
                          ", not " + node_id);
    }
    auto inc = txn.Get("meta", "incarnation");
    incarnation = (inc && inc->size() == 8 ? DecodeBe64(*inc) : 0) + 1;
  }
  return incarnation;
}

DataDirLock::DataDirLock(const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::string path = dir + "/node.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw IdentityError("cannot open " + path + ": " + std::strerror(errno));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {};
    ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
    std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "?";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    ::close(fd_);
    fd_ = -1;
    throw IdentityError("data directory " + dir + " is in use by another zhuji-node (pid " +
                        holder + "); one directory is served by one process");
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, pid.data(), pid.size(), 0);
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace zhuji::node
