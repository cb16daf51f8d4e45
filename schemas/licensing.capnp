# 保密行政许可 at the provincial bureau (issue #16, LN; services/workflows/licence_case.h): the
# applications, certificates, EMS register, credit record, expert pool and draws the province
# node keeps, and the inspection of a licensed unit that travels between the province and a
# city bureau (envelope kind `licensing`). Days are days since 1970-01-01 (0: none).
# Versioned by adding fields, never by renumbering.
@0xcf6ce8a2dfcbf71d;

$import "/capnp/c++.capnp".namespace("zhuji::schema");

using Matter = import "matter.capnp";

struct Applicant {
  unit @0 :Text;              # 统一社会信用代码
  name @1 :Text;
  representative @2 :Text;
  address @3 :Text;
  region @4 :Text;
  persons @5 :List(Text);
}

struct Parcel {
  id @0 :Text;
  incoming @1 :Bool;
  waybill @2 :Text;
  party @3 :Text;
  day @4 :Int32;
  items @5 :List(Text);
  about @6 :Text;
  recordedBy @7 :Text;
  recordedAt @8 :Int64;
}

struct Application {
  id @0 :Text;
  kind @1 :UInt8;             # workflows::ApplicationKind
  item @2 :UInt8;             # workflows::LicenceItem
  grade @3 :Text;
  scope @4 :Text;
  applicant @5 :Applicant;
  certificate @6 :Text;
  change @7 :UInt8;           # workflows::ChangeField
  changeTo @8 :Text;
  required @9 :List(Text);
  submitted @10 :List(Text);
  missing @11 :List(Text);
  received @12 :Int32;
  notified @13 :Int32;
  completed @14 :Int32;
  accepted @15 :Int32;
  extended @16 :Bool;
  extensionReason @17 :Text;
  extensionBy @18 :Text;
  uncounted @19 :List(Uncounted);
  approvals @20 :List(Approval);
  deciders @21 :List(Text);
  decided @22 :Int32;
  granted @23 :Int32;
  reasons @24 :List(Text);
  issued @25 :Text;
  state @26 :UInt8;           # workflows::ApplicationState
  history @27 :List(Matter.TrailEvent);
  version @28 :UInt64;
  byPost @29 :Bool;           # arrived by EMS: every answer goes back by EMS too
  struct Uncounted {
    from @0 :Int32;
    to @1 :Int32;
    why @2 :Text;
  }
  struct Approval {
    organ @0 :Text;
    organName @1 :Text;
    approve @2 :Bool;
    opinion @3 :Text;
    by @4 :Text;
    day @5 :Int32;
  }
}

struct Certificate {
  number @0 :Text;
  item @1 :UInt8;
  grade @2 :Text;
  scope @3 :Text;
  holder @4 :Applicant;
  issued @5 :Int32;
  validUntil @6 :Int32;
  state @7 :UInt8;            # workflows::Certificate::State
  application @8 :Text;
  endedBy @9 :Text;
  # Set in replies only, as of the day shown (行政许可法 Art. 50):
  renewBy @10 :Int32;         # a renewal is applied for by this day
  inForce @11 :Bool;
  deemedContinued @12 :Bool;  # expired, a renewal applied on time undecided: continued
}

struct CreditEntry {
  id @0 :Text;
  subject @1 :Text;
  person @2 :Bool;
  kind @3 :UInt8;             # workflows::CreditKind
  on @4 :Int32;
  until @5 :Int32;
  reason @6 :Text;
  reference @7 :Text;
  recordedBy @8 :Text;
}

struct Expert {
  id @0 :Text;
  name @1 :Text;
  fields @2 :List(Text);
  region @3 :Text;
  unit @4 :Text;              # employer
}

# A 双随机 round as published (一公开): the lists and the seed, so anyone can redo it.
struct DrawRound {
  id @0 :Text;
  seed @1 :Text;
  unitCount @2 :UInt32;
  expertsPerUnit @3 :UInt32;
  excludeSameRegion @4 :Bool;
  units @5 :List(Unit);
  experts @6 :List(Expert);
  result @7 :List(Assignment);
  reportBy @8 :Int32;
  drawnBy @9 :Text;
  drawnAt @10 :Int64;
  inspections @11 :List(Text);
  struct Unit {
    id @0 :Text;
    region @1 :Text;
  }
  struct Assignment {
    unit @0 :Text;
    region @1 :Text;
    experts @2 :List(Text);
  }
}

struct UnitInspection {
  id @0 :Text;
  round @1 :Text;
  flying @2 :Bool;
  unit @3 :Text;
  unitName @4 :Text;
  certificate @5 :Text;
  region @6 :Text;
  experts @7 :List(Text);
  byOrgan @8 :Text;
  inspector @9 :Text;
  inspectorName @10 :Text;
  reportBy @11 :Int32;
  findings @12 :Text;
  violation @13 :Bool;
  referTo @14 :Text;
  referToName @15 :Text;
  reportedBy @16 :Text;
  reportedAt @17 :Int64;
  state @18 :UInt8;           # workflows::UnitInspection::State
  version @19 :UInt64;
}
