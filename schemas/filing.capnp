# 定密授权 (GD Art. 6-12), 备案 (GD Art. 13, 14, 21) and the register of 定密责任人 (GD Art. 16-22)
# (services/workflows/authorization.h, filing.h, responsible.h): the bodies of `grant` and
# `filing` envelopes, and the values of the `authorizations`, `filings` and `responsible` tables.
# Versioned by adding fields, never by renumbering.
@0xb2723f8697c97091;

$import "/capnp/c++.capnp".namespace("zhuji::schema");

using Matter = import "matter.capnp";

struct Grant {
  id @0 :Text;
  version @1 :UInt64;
  docNumber @2 :Text;              # 定密授权决定书 文号
  grantor @3 :Matter.Organ;
  grantee @4 :Matter.Organ;
  ceiling @5 :UInt8;               # 1 秘密, 2 机密, 3 绝密
  matters @6 :Text;                # 授权事项范围
  fromDay @7 :Int32;               # in force from, days since 1970-01-01 (CST)
  termMonths @8 :Int32;
  longTermReason @9 :Text;
  proactive @10 :Bool;             # GD Art. 7
  task @11 :Text;
  regrants @12 :Text;              # GD Art. 12: the grant it replaces
  regrantCause @13 :UInt8;         # workflows::RegrantCause
  decidedBy @14 :Text;
  decidedAt @15 :Int64;
  state @16 :UInt8;                # workflows::GrantState
  revokeGround @17 :UInt8;         # GD Art. 11: 1-6
  revokeDoc @18 :Text;
  revokeDetail @19 :Text;
  revokedBy @20 :Text;
  revokedAt @21 :Int64;
  endedAt @22 :Int64;
  history @23 :List(Matter.TrailEvent);
  application @24 :Text;           # GD Art. 9: the 定密授权申请 it answers
}

# 授权机关名录 (GD Art. 15 ¶1), published by the province and passed down level by level
# (services/config/authorizing_list.h): the signed document, byte for byte.
struct AuthorizingListUpdate {
  text @0 :Text;
  version @1 :UInt64;
}

struct ResponsiblePerson {
  name @0 :Text;
  statutory @1 :Bool;              # 法定定密责任人
  post @2 :Text;
  ceiling @3 :UInt8;
  matters @4 :Text;
  fromDay @5 :Int32;
  untilDay @6 :Int32;              # 0: open-ended
  docNumber @7 :Text;
  designatedBy @8 :Text;
  designatedAt @9 :Int64;
  revoked @10 :Bool;
  revokedAt @11 :Int64;
  revokedBy @12 :Text;
  revokeReason @13 :Text;
}

struct ResponsibleRegister {
  organ @0 :Text;
  organName @1 :Text;
  hasAuthority @2 :Bool;
  ceiling @3 :UInt8;
  persons @4 :List(ResponsiblePerson);
  version @5 :UInt64;
  changedAt @6 :Int64;
  filingOwed @7 :Text;             # the GD Art. 21 filing not yet sent, if any
}

struct Filing {
  id @0 :Text;
  version @1 :UInt64;
  kind @2 :UInt8;                  # workflows::FilingKind
  filer @3 :Matter.Organ;
  receiver @4 :Matter.Organ;
  subject @5 :Text;
  title @6 :Text;
  triggerDay @7 :Int32;
  workingDays @8 :Int32;
  dueAt @9 :Int64;
  materials @10 :List(Text);
  firstSentAt @11 :Int64;
  sentAt @12 :Int64;
  receivedAt @13 :Int64;
  sentBy @14 :Text;
  state @15 :UInt8;                # workflows::FilingState
  receiptNumber @16 :Text;
  answeredBy @17 :Text;
  answeredAt @18 :Int64;
  refusal @19 :Text;
  hasGrant @20 :Bool;
  grant @21 :Grant;
  persons @22 :List(ResponsiblePerson);
  history @23 :List(Matter.TrailEvent);
  asked @24 :List(Text);           # materials a refusal named: required from then on
}
