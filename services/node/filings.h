#pragma once
// The tables of the filings-and-grants family (DESIGN.md "Store"): `authorizations` (定密授权,
// GD Art. 6-12), `filings` (备案, GD Art. 13, 14, 21) and `responsible` (the register of 定密责任人
// per organ, GD Art. 16-22), and the filing.capnp codec used for the tables and for `grant` and
// `filing` envelopes. Each node keeps the newest copy it has seen of a grant or filing.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/common/result.h"
#include "services/store/store.h"
#include "services/workflows/authorization.h"
#include "services/workflows/filing.h"
#include "services/workflows/responsible.h"

namespace zhuji::node {

// "<owner>/<year>-<letter><serial>": the next number of a node-wide yearly serial kept in `meta`
// under `key_prefix` + year (grants G, filings B, determinations D, supervision cases J).
std::string NextSerial(store::Txn& txn, const std::string& key_prefix, const std::string& owner,
                       int year, const char* letter);

struct Grants {
  static std::string Encode(const workflows::Grant& g);
  // Refuses, with the reason, bytes that are not a consistent grant.
  static Result<workflows::Grant> Decode(std::string_view bytes);
  static std::optional<workflows::Grant> Get(store::Txn& txn, const std::string& id);
  static void Put(store::Txn& txn, const workflows::Grant& g);
  // Every grant held, newest decision first.
  static std::vector<workflows::Grant> List(store::Txn& txn);
  static std::string NextId(store::Txn& txn, const std::string& grantor, int year);
};

struct Filings {
  static std::string Encode(const workflows::Filing& f);
  static Result<workflows::Filing> Decode(std::string_view bytes);
  static std::optional<workflows::Filing> Get(store::Txn& txn, const std::string& id);
  static void Put(store::Txn& txn, const workflows::Filing& f);
  // Every filing held, newest trigger first.
  static std::vector<workflows::Filing> List(store::Txn& txn);
  static std::string NextId(store::Txn& txn, const std::string& filer, int year);
};

// What a node keeps of an organ's 定密责任人: the register and the GD Art. 21 filing it owes.
struct StoredRegister {
  workflows::ResponsibleRegister reg;
  std::string filing_owed;  // the Art. 21 filing opened for a change and not yet sent
};

struct Registers {
  static std::string Encode(const StoredRegister& r);
  static StoredRegister Decode(std::string_view bytes);
  static std::optional<StoredRegister> Get(store::Txn& txn, const std::string& organ);
  static void Put(store::Txn& txn, const StoredRegister& r);
  static std::vector<StoredRegister> List(store::Txn& txn);
};

}  // namespace zhuji::node
