# An escalated matter (services/workflows/matter.h): the body of a `matter` envelope, and the
# value each node on its path keeps in its `matters` table. The matter travels as a whole.
# Versioned by adding fields, never by renumbering.
@0xc3f1d0a8b2e47e19;

$import "/capnp/c++.capnp".namespace("zhuji::schema");

struct Protection {
  level @0 :UInt8;                 # 1 秘密, 2 机密, 3 绝密
  kind @1 :Kind;
  termMonths @2 :Int32;
  releaseDay @3 :Int32;            # days since 1970-01-01 (CST)
  condition @4 :Text;
  enum Kind {
    term @0;
    releaseDate @1;
    releaseCondition @2;
  }
}

struct Organ {
  node @0 :Text;
  code @1 :Text;
  name @2 :Text;
  line @3 :Text;
  hasAuthority @4 :Bool;
  ceiling @5 :UInt8;
  authorizing @6 :Bool;
}

struct Hop {
  organ @0 :Organ;
  why @1 :Text;
  receivedAt @2 :Int64;
  sentAt @3 :Int64;
  reviewer @4 :Text;
  opinion @5 :Text;
  outcome @6 :UInt8;               # workflows::HopOutcome
  dueAt @7 :Int64;                 # this hop's review / decision deadline (24:00 CST), 0 if none
}

struct Decision {
  notSecret @0 :Bool;
  protection @1 :Protection;
  scope @2 :Text;
  decidedBy @3 :Text;
  decidedAt @4 :Int64;
  grantId @5 :Text;                # 定密授权申请 (GD Art. 9): the grant made …
  refused @6 :Bool;                # … or the application refused,
  refusal @7 :Text;                # … and why
}

struct Claim {
  organ @0 :Text;
  organName @1 :Text;
  notSecret @2 :Bool;
  protection @3 :Protection;
}

struct Matter {
  id @0 :Text;
  kind @1 :UInt8;                  # workflows::MatterKind
  version @2 :UInt64;
  origin @3 :Organ;
  title @4 :Text;
  provisional @5 :Protection;
  provisionalAt @6 :Int64;
  reportedAt @7 :Int64;
  materials @8 :List(Text);
  path @9 :List(Hop);
  at @10 :Int32;
  state @11 :UInt8;                # workflows::MatterState
  hasDecision @12 :Bool;
  decision @13 :Decision;
  returnReason @14 :Text;
  claims @15 :List(Claim);
  hasClassifier @16 :Bool;
  classifier @17 :Organ;
  objectionReceivedAt @18 :Int64;
  answeredAt @19 :Int64;
  answeredBy @20 :Text;
  answer @21 :Text;
  upheld @22 :Bool;
  reportDueAt @23 :Int64;          # the origin's report deadline
  answerDueAt @24 :Int64;          # the classifier's answer deadline (GD Art. 45)
  history @25 :List(TrailEvent);   # one line per step, oldest first
  scope @26 :Text;                 # 知悉范围 set with it (GD Art. 23, 条例 Art. 25)
  firstReportedAt @27 :Int64;      # the first report (the report duty is judged by it)
  resubmitDueAt @28 :Int64;        # after a return to the origin (policy)
  aroseDay @29 :Int32;             # GD Art. 29: the day the matter arose (days since 1970-01-01)
  hasNational @30 :Bool;
  national @31 :National;          # sent to 国家保密局 (条例 Art. 25, 26)
  hasAnswerer @32 :Bool;
  answerer @33 :Organ;             # GD Art. 45: the objection went to the classifier's superior
}

struct National {
  sentAt @0 :Int64;
  channel @1 :Text;                # 机要交通 …
  sentBy @2 :Text;
  docNumber @3 :Text;              # the national decision's 文号
  decidedOnDay @4 :Int32;          # its date, days since 1970-01-01
  recordedAt @5 :Int64;
  recordedBy @6 :Text;
}

struct TrailEvent {
  at @0 :Int64;
  organ @1 :Text;
  action @2 :Text;
  detail @3 :Text;
}

# What a node keeps: the latest copy, and what happened here.
struct StoredMatter {
  matter @0 :Matter;
  noticeReceivedAt @1 :Int64;      # the written notice (书面通知) of the decision arrived here
  updatedAt @2 :Int64;
  createdAt @3 :Int64;
  nationalFiledAt @4 :Int64;       # 条例 Art. 25 ¶2: this bureau's decision filed with 国家保密局
  nationalFiledVia @5 :Text;
  nationalFiledBy @6 :Text;
  lateSteps @7 :List(TrailEvent);  # steps that lost a race (a late answer to an escalated
                                   # dispute, GD Art. 31, 45): kept as history, outside versions
  changeNotifiedAt @8 :Int64;      # GD Art. 40: the written notice of a 变更 sent to the 知悉范围
  changeNotifiedBy @9 :Text;
  changeNotice @10 :Text;          # how / its number
  changeNoticeDueAt @11 :Int64;
}
