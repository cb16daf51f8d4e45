#pragma once
// A node's LMDB environment (DESIGN.md "Store") and a thin, safe wrapper over its transactions.
//
// Ownership: Env is a resource owned by one std::unique_ptr (the daemon's main); Txn and Cursor
// borrow from it and must not outlive it. Views returned by Get() and cursors live only as long
// as their transaction.
// Threads: one writer thread at a time (LMDB's rule); any thread may hold read transactions.
// Errors: MDB_NOTFOUND / MDB_KEYEXIST are return values; MDB_MAP_FULL is handled by Write(),
// which grows the map and re-runs the step; anything else throws StoreError (corruption stops
// the node loudly, at the loop boundary).

#include <lmdb.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zhuji::store {

class StoreError : public std::runtime_error {
 public:
  StoreError(const std::string& what, int rc);
  int rc() const { return rc_; }
  // The store cannot take writes now (disk full, quota, I/O error, its size limit reached, or
  // LMDB gave up on the environment after such an error): a state to wait out, not a bug.
  bool unwritable() const;

 private:
  int rc_;
};

// Thrown inside a write step when the map is full; Env::Write catches it and retries.
class MapFull : public std::runtime_error {
 public:
  MapFull() : std::runtime_error("LMDB map full") {}
};

// Every named table of a node's store, each with one owning module (DESIGN.md).
inline constexpr const char* kTables[] = {
    "meta",            // store: schema version, node id, audit head
    "outbox",          // node/outbox: destination \0 be64(seq) -> envelope
    "links",           // node/outbox + node/inbox: per-peer sequence counters
    "seen",            // node/inbox: envelope id -> be64(received-at)
    "inbox",           // node/inbox: be64(local seq) -> InboxRecord
    "audit",           // store/audit: be64(seq) -> AuditEntry (hash-chained)
    "deadlines",       // deadlines: be64(next event ms) item \0 step -> "" (the timer)
    "deadline_items",  // deadlines: item \0 step -> Deadline
    "supervised",      // node/supervision: origin \0 item \0 step -> Supervised
    "calendar",        // node: "year/<yyyy>" -> year file (TOML) received or loaded
    "matters",         // node/matters: matter id -> StoredMatter
    "deadletter",      // node/deadletters: be64(number) -> DeadLetter
    "requests",        // node/requests: operator request ids carried out, with their replies
    "authorizations",  // node/filings: grant id -> Grant (定密授权, GD Art. 6-12)
    "filings",         // node/filings: filing id -> Filing (备案, GD Art. 13, 14, 21)
    "responsible",     // node/filings: organ address -> ResponsibleRegister (GD Art. 16-22)
    "scope_lists",  // node/secrets: organ address -> ScopeList (保密事项一览表, GD Art. 25, 26)
    "secrets",      // node/secrets: determination id -> Determination (GD Art. 27, 28), or a
                    // copy held for organs of this node in its 知悉范围 (GD Art. 36-40)
    "secret_notices",  // node/secrets: notice id -> SecretNotice (书面通知, GD Art. 36, 37, 40)
    "stats",  // node/statistics: "<year>/…" -> StatReport (年度定密统计, GD Art. 46, 47)
    "inspections",  // node/inspections: case id -> InspectionCase (定密监督, GD Art. 41-44)
    // node/licensing (保密行政许可, LN; issue #16), Cap'n Proto records of licensing.capnp:
    "applications",      // application id -> Application
    "certificates",      // certificate number -> Certificate
    "parcels",           // EMS register entry id -> Parcel (最多跑一次)
    "credit",            // credit entry id -> CreditEntry (信用记录)
    "experts",           // expert id -> Expert (专家库)
    "draws",             // round id -> DrawRound (双随机、一公开)
    "unit_inspections",  // inspection id -> UnitInspection (双随机 / 飞行检查)
    "summaries",         // node/summary_service: node id -> HeldSummary (latest wins; issue #17)
};

inline constexpr uint32_t kSchemaVersion = 1;

class Env;

class Cursor {
 public:
  Cursor(MDB_txn* txn, MDB_dbi dbi);
  ~Cursor();
  Cursor(Cursor&& other) noexcept : cursor_(std::exchange(other.cursor_, nullptr)) {}
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;

  using Entry = std::pair<std::string_view, std::string_view>;
  std::optional<Entry> First();
  std::optional<Entry> Last();
  std::optional<Entry> Next();
  std::optional<Entry> Prev();
  // The first entry whose key is >= `key`.
  std::optional<Entry> Seek(std::string_view key);
  std::optional<Entry> Current();
  // Deletes the entry under the cursor (write transactions only); the cursor then stands on the
  // entry that followed, which Current() returns.
  void DeleteCurrent();

 private:
  std::optional<Entry> Op(MDB_cursor_op op, std::string_view key = {});
  MDB_cursor* cursor_;
};

// Aborts in its destructor unless committed. Move-only.
class Txn {
 public:
  Txn(Txn&& other) noexcept
      : env_(other.env_), txn_(std::exchange(other.txn_, nullptr)), write_(other.write_) {}
  Txn& operator=(Txn&&) = delete;
  Txn(const Txn&) = delete;
  ~Txn() { Abort(); }

  std::optional<std::string_view> Get(std::string_view table, std::string_view key);
  // Throws MapFull when the map is full.
  void Put(std::string_view table, std::string_view key, std::string_view value);
  // Returns false if the key exists (nothing written).
  bool PutIfAbsent(std::string_view table, std::string_view key, std::string_view value);
  // Appends at the end of a table whose keys are written in ascending order.
  void Append(std::string_view table, std::string_view key, std::string_view value);
  // Appends (full pages, as Append) when `key` sorts after every key of the table; else an
  // ordinary Put. For tables written mostly in ascending order (the outbox, per destination).
  void PutAtEnd(std::string_view table, std::string_view key, std::string_view value);
  bool Del(std::string_view table, std::string_view key);
  Cursor OpenCursor(std::string_view table);
  uint64_t Count(std::string_view table);

  void Commit();
  void Abort();
  bool is_write() const { return write_; }
  // A child of this write transaction (LMDB nested transaction): what it writes joins this one
  // when it commits and vanishes when it aborts (or is destroyed uncommitted). This transaction
  // must not be used while the child is open.
  Txn Child();

 private:
  friend class Env;
  Txn(Env* env, MDB_txn* txn, bool write) : env_(env), txn_(txn), write_(write) {}
  void CheckedPut(std::string_view table, std::string_view key, std::string_view value,
                  unsigned flags, bool* existed);
  Env* env_;
  MDB_txn* txn_;
  bool write_;
};

class Env {
 public:
  struct Options {
    std::string dir;                 // created if missing
    size_t map_size = 256ull << 20;  // initial; doubles when full
    bool read_only = false;
    size_t max_map_size = 0;  // the map never grows past this (0: no limit)
  };
  // Opens (creating if needed) the environment and every table of kTables, and checks the
  // schema version in `meta`: a newer store is refused (StoreError).
  explicit Env(const Options& options);
  ~Env();
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  Txn BeginRead();
  // Runs `step` in a write transaction and commits. On MDB_MAP_FULL the transaction is aborted,
  // the map doubled and `step` run again from the start, so `step` must keep its effects inside
  // the transaction until it returns. Must not be called while this thread holds a transaction.
  void Write(const std::function<void(Txn&)>& step);
  // The same, for a step that may decline: commits when `step` returns true, aborts (nothing it
  // wrote is kept) and returns false when it returns false.
  bool WriteIf(const std::function<bool(Txn&)>& step);

  MDB_dbi Table(std::string_view name) const;
  // Closes and opens the environment again, e.g. after LMDB declared it failed (MDB_PANIC) when
  // a write hit a full disk. No transaction may be open. Throws StoreError if it cannot.
  void Reopen();
  size_t map_size() const { return map_size_; }
  const std::string& dir() const { return dir_; }

 private:
  void Open();
  void Grow();
  Options options_;
  MDB_env* env_ = nullptr;
  std::string dir_;
  size_t map_size_;
  std::map<std::string, MDB_dbi, std::less<>> tables_;
};

}  // namespace zhuji::store
