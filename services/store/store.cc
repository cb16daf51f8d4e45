#include "services/store/store.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "services/common/ids.h"

namespace zhuji::store {

namespace {

MDB_val Val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
std::string_view View(const MDB_val& v) {
  return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}
void Check(int rc, const std::string& what) {
  if (rc != MDB_SUCCESS) throw StoreError(what, rc);
}

}  // namespace

StoreError::StoreError(const std::string& what, int rc)
    : std::runtime_error(what + ": " + mdb_strerror(rc)), rc_(rc) {}

bool StoreError::unwritable() const {
  return rc_ == ENOSPC || rc_ == EDQUOT || rc_ == EIO || rc_ == MDB_PANIC || rc_ == MDB_MAP_FULL;
}

// ---- Cursor ---------------------------------------------------------------------------------

Cursor::Cursor(MDB_txn* txn, MDB_dbi dbi) : cursor_(nullptr) {
  Check(mdb_cursor_open(txn, dbi, &cursor_), "mdb_cursor_open");
}
Cursor::~Cursor() {
  if (cursor_) mdb_cursor_close(cursor_);
}

std::optional<Cursor::Entry> Cursor::Op(MDB_cursor_op op, std::string_view key) {
  MDB_val k = Val(key), v{0, nullptr};
  int rc = mdb_cursor_get(cursor_, &k, &v, op);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  Check(rc, "mdb_cursor_get");
  return Entry{View(k), View(v)};
}
std::optional<Cursor::Entry> Cursor::First() { return Op(MDB_FIRST); }
std::optional<Cursor::Entry> Cursor::Last() { return Op(MDB_LAST); }
std::optional<Cursor::Entry> Cursor::Next() { return Op(MDB_NEXT); }
std::optional<Cursor::Entry> Cursor::Prev() { return Op(MDB_PREV); }
std::optional<Cursor::Entry> Cursor::Seek(std::string_view key) { return Op(MDB_SET_RANGE, key); }
std::optional<Cursor::Entry> Cursor::Current() {
  MDB_val k{0, nullptr}, v{0, nullptr};
  int rc = mdb_cursor_get(cursor_, &k, &v, MDB_GET_CURRENT);
  // After deleting the last entry the cursor stands on nothing: LMDB says EINVAL.
  if (rc == MDB_NOTFOUND || rc == EINVAL) return std::nullopt;
  Check(rc, "mdb_cursor_get (current)");
  return Entry{View(k), View(v)};
}
void Cursor::DeleteCurrent() { Check(mdb_cursor_del(cursor_, 0), "mdb_cursor_del"); }

// ---- Txn ------------------------------------------------------------------------------------

std::optional<std::string_view> Txn::Get(std::string_view table, std::string_view key) {
  MDB_val k = Val(key), v;
  int rc = mdb_get(txn_, env_->Table(table), &k, &v);
  // A key no record can have (empty, or longer than LMDB's limit) is not found: an operator's
  // request naming "" is answered "no such …", not a stopped node.
  if (rc == MDB_NOTFOUND || rc == MDB_BAD_VALSIZE) return std::nullopt;
  Check(rc, "mdb_get " + std::string(table));
  return View(v);
}

void Txn::CheckedPut(std::string_view table, std::string_view key, std::string_view value,
                     unsigned flags, bool* existed) {
  MDB_val k = Val(key), v = Val(value);
  int rc = mdb_put(txn_, env_->Table(table), &k, &v, flags);
  if (existed) *existed = rc == MDB_KEYEXIST;
  if (rc == MDB_KEYEXIST && (flags & MDB_NOOVERWRITE)) return;
  if (rc == MDB_MAP_FULL || rc == MDB_TXN_FULL) throw MapFull();
  Check(rc, "mdb_put " + std::string(table));
}

void Txn::Put(std::string_view table, std::string_view key, std::string_view value) {
  CheckedPut(table, key, value, 0, nullptr);
}
bool Txn::PutIfAbsent(std::string_view table, std::string_view key, std::string_view value) {
  bool existed = false;
  CheckedPut(table, key, value, MDB_NOOVERWRITE, &existed);
  return !existed;
}
void Txn::Append(std::string_view table, std::string_view key, std::string_view value) {
  CheckedPut(table, key, value, MDB_APPEND, nullptr);
}
void Txn::PutAtEnd(std::string_view table, std::string_view key, std::string_view value) {
  bool not_last = false;
  CheckedPut(table, key, value, MDB_APPEND | MDB_NOOVERWRITE, &not_last);
  if (not_last) CheckedPut(table, key, value, 0, nullptr);
}

bool Txn::Del(std::string_view table, std::string_view key) {
  MDB_val k = Val(key);
  int rc = mdb_del(txn_, env_->Table(table), &k, nullptr);
  if (rc == MDB_NOTFOUND) return false;
  Check(rc, "mdb_del " + std::string(table));
  return true;
}

Cursor Txn::OpenCursor(std::string_view table) { return Cursor(txn_, env_->Table(table)); }

uint64_t Txn::Count(std::string_view table) {
  MDB_stat st;
  Check(mdb_stat(txn_, env_->Table(table), &st), "mdb_stat");
  return st.ms_entries;
}

Txn Txn::Child() {
  MDB_txn* child = nullptr;
  Check(mdb_txn_begin(mdb_txn_env(txn_), txn_, 0, &child), "mdb_txn_begin (child)");
  return Txn(env_, child, true);
}

void Txn::Commit() {
  MDB_txn* t = std::exchange(txn_, nullptr);  // the handle is gone whatever commit returns
  int rc = mdb_txn_commit(t);
  if (rc == MDB_MAP_FULL) throw MapFull();
  Check(rc, "mdb_txn_commit");
}

void Txn::Abort() {
  if (txn_) mdb_txn_abort(std::exchange(txn_, nullptr));
}

// ---- Env ------------------------------------------------------------------------------------

Env::Env(const Options& options)
    : options_(options), dir_(options.dir), map_size_(options.map_size) {
  Open();
}

void Env::Reopen() {
  if (env_) mdb_env_close(std::exchange(env_, nullptr));
  tables_.clear();
  Open();
}

void Env::Open() {
  const Options& options = options_;
  std::error_code ec;
  if (!options.read_only) std::filesystem::create_directories(dir_, ec);
  if (ec) throw StoreError("cannot create store directory " + dir_ + " (" + ec.message() + ")", 0);
  Check(mdb_env_create(&env_), "mdb_env_create");
  try {
    Check(mdb_env_set_maxdbs(env_, 64), "mdb_env_set_maxdbs");
    Check(mdb_env_set_mapsize(env_, map_size_), "mdb_env_set_mapsize");
    Check(mdb_env_set_maxreaders(env_, 126), "mdb_env_set_maxreaders");
    unsigned flags = MDB_NOTLS | (options.read_only ? MDB_RDONLY : 0);
    Check(mdb_env_open(env_, dir_.c_str(), flags, 0640), "mdb_env_open " + dir_);
    // The file may be larger than asked (an earlier run grew it): adopt its size.
    MDB_envinfo info;
    mdb_env_info(env_, &info);
    map_size_ = info.me_mapsize;

    MDB_txn* txn = nullptr;
    Check(mdb_txn_begin(env_, nullptr, options.read_only ? MDB_RDONLY : 0, &txn), "mdb_txn_begin");
    for (const char* name : kTables) {
      MDB_dbi dbi;
      int rc = mdb_dbi_open(txn, name, options.read_only ? 0 : MDB_CREATE, &dbi);
      if (rc != MDB_SUCCESS) {
        mdb_txn_abort(txn);
        Check(rc, std::string("mdb_dbi_open ") + name);
      }
      tables_.emplace(name, dbi);
    }
    // Schema version (STYLE.md §15): refuse a newer store.
    MDB_val k = Val("schema_version"), v;
    int rc = mdb_get(txn, tables_.at("meta"), &k, &v);
    if (rc == MDB_SUCCESS) {
      uint64_t version = DecodeBe64(View(v));
      if (version > kSchemaVersion) {
        mdb_txn_abort(txn);
        throw StoreError("store at " + dir_ + " has schema version " + std::to_string(version) +
                             ", newer than this build's " + std::to_string(kSchemaVersion),
                         0);
      }
    } else if (rc == MDB_NOTFOUND && !options.read_only) {
      std::string ver = EncodeBe64(kSchemaVersion);
      MDB_val vv = Val(ver);
      Check(mdb_put(txn, tables_.at("meta"), &k, &vv, 0), "mdb_put schema_version");
    }
    // Committed even when read-only: the table handles opened in a transaction that is
    // aborted are closed with it (mdb_dbi_open), and a read-only store could not be read.
    Check(mdb_txn_commit(txn), "mdb_txn_commit (open)");
  } catch (...) {
    mdb_env_close(std::exchange(env_, nullptr));
    throw;
  }
}

Env::~Env() {
  if (env_) mdb_env_close(env_);
}

MDB_dbi Env::Table(std::string_view name) const {
  auto it = tables_.find(name);
  if (it == tables_.end()) throw StoreError("no table named " + std::string(name), 0);
  return it->second;
}

Txn Env::BeginRead() {
  MDB_txn* txn = nullptr;
  Check(mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn), "mdb_txn_begin (read)");
  return Txn(this, txn, false);
}

void Env::Grow() {
  size_t next = map_size_ * 2;
  if (options_.max_map_size && next > options_.max_map_size) {
    if (map_size_ >= options_.max_map_size) {
      throw StoreError("store at " + dir_ + " reached its maximum size of " +
                           std::to_string(options_.max_map_size >> 20) +
                           " MiB ([store] max_map_size_mb)",
                       MDB_MAP_FULL);
    }
    next = options_.max_map_size;
  }
  Check(mdb_env_set_mapsize(env_, next), "mdb_env_set_mapsize (grow)");
  map_size_ = next;
}

void Env::Write(const std::function<void(Txn&)>& step) {
  WriteIf([&](Txn& txn) {
    step(txn);
    return true;
  });
}

bool Env::WriteIf(const std::function<bool(Txn&)>& step) {
  for (int attempt = 0;; ++attempt) {
    MDB_txn* raw = nullptr;
    Check(mdb_txn_begin(env_, nullptr, 0, &raw), "mdb_txn_begin (write)");
    Txn txn(this, raw, true);
    try {
      if (!step(txn)) return false;  // ~Txn aborts
      txn.Commit();
      return true;
    } catch (const MapFull&) {
      txn.Abort();
      if (attempt >= 20)
        throw StoreError("map still full after growing to " + std::to_string(map_size_) + " bytes",
                         MDB_MAP_FULL);
      Grow();
    }
  }
}

}  // namespace zhuji::store
