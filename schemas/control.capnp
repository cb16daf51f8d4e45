# Operator CLI (`zhuji`) ↔ its own node, over the node's local control socket.
@0x81e1922e036b2368;

$import "/capnp/c++.capnp".namespace("zhuji::schema");

using Envelope = import "envelope.capnp";
using Statistics = import "statistics.capnp";
using Licensing = import "licensing.capnp";

struct ControlRequest {
  # Random, chosen by the client for a request that changes something: the node carries out a
  # request id once and answers a repeat (a retry after a timeout) with the reply it kept.
  requestId @11 :Data;
  union {
    status @0 :Void;
    send @1 :SendRequest;
    inbox @2 :InboxRequest;
    deadlines @3 :DeadlinesRequest;
    openDeadline @4 :OpenDeadlineRequest;
    closeDeadline @5 :CloseDeadlineRequest;
    supervised @6 :Bool;          # true: closed ones too
    clock @7 :ClockRequest;       # test-only: refused unless the node runs a fake clock
    loadCalendar @8 :LoadCalendarRequest;   # province node only
    matter @9 :MatterRequest;
    deadLetter @10 :DeadLetterRequest;
    directory @12 :DirectoryRequest;
    grant @13 :GrantRequest;
    filing @14 :FilingRequest;
    responsible @15 :ResponsibleRequest;
    secret @16 :SecretRequest;
    stats @17 :StatsRequest;
    inspection @18 :InspectionRequest;
    licensing @19 :LicensingRequest;
    regions @20 :Void;            # the province's picture: every node below this one (issue #17)
    documents @21 :DocumentRequest;  # printable documents received (issue #17)
  }
}

# Supervision of classification work (GD Art. 41-44): `zhuji inspect …`.
struct InspectionRequest {
  op @0 :Op;
  organ @1 :Text;          # open: the opener's code on this node; list: filter
  target @2 :Text;         # open: the organ inspected, "<node>/<code>" (or a code of this node)
  kind @3 :Text;           # open: inspection, self, correction
  points @4 :List(Int32);  # open: GD Art. 43 points 1-9
  subject @5 :Text;        # open, correction: grant, responsible
  detail @6 :Text;         # open, correction: the grant id or the person
  adjust @7 :Bool;         # open, correction: 书面建议调整
  request @8 :Text;        # request: 整改意见; open, correction: what is to be corrected
  findings @9 :Text;       # request: "3:…；6:…"
  dueDay @10 :Int32;       # request, correction: the rectification report's deadline (days)
  report @11 :Text;        # report: 整改报告
  closing @12 :Text;       # close
  by @13 :Text;
  id @14 :Text;
  enum Op {
    list @0;
    show @1;
    open @2;
    request @3;
    report @4;
    close @5;
  }
}

# The yearly classification statistics (GD Art. 46, 47): `zhuji stats …`.
struct StatsRequest {
  op @0 :Op;
  organ @1 :Text;          # compute, file: the organ's code on this node
  year @2 :Int32;          # 0: the past year
  by @3 :Text;             # file, fileRegion: the 法定定密责任人 who approves
  enum Op {
    table @0;              # what this node holds for the year: reports filed, owed, late; totals
    compute @1;            # an organ's figures from its records, not filed
    file @2;               # GD Art. 46 ¶1, ¶2: the organ reports (and to its grantor)
    fileRegion @3;         # GD Art. 46 ¶3, 47: the node's dept reports its region up
  }
}

# An organ's own determination (GD Art. 25-28): `zhuji secret …`.
struct SecretRequest {
  op @0 :Op;
  organ @1 :Text;          # the organ's code on this node
  entries @2 :List(ScopeEntryInput);  # scopeApprove
  by @3 :Text;             # who acts: the 法定定密责任人, the 承办人, a 定密责任人
  id @4 :Text;             # the determination
  title @5 :Text;
  entryNo @6 :Int32;       # the 一览表 entry
  mark @7 :Text;           # propose: the proposed mark; approve: a correction
  scope @8 :Text;          # 知悉范围 (approve: a corrected one)
  basis @9 :Text;
  reasons @10 :Text;
  keyPoints @11 :Text;
  aroseDay @12 :Int32;     # days since 1970-01-01; 0: today
  reason @13 :Text;        # return; change: the decision's reason
  scopeOrgans @14 :List(Text);  # propose/approve/change: organs in the 知悉范围 ("<node>/<code>" or a code of this node)
  changeKind @15 :Text;    # change: extend, shorten, change, release
  ground @16 :Text;        # change: own, superior, secrecy-dept, published
  source @17 :Text;        # change: the superior's notice or the dept's recommendation
  docNumber @18 :Text;     # change: the written decision's 文号
  held @19 :Bool;          # list: copies held for organs of this node (not its own)
  enum Op {
    list @0;
    show @1;
    scope @2;              # the organ's 保密事项一览表
    scopeApprove @3;       # a new version of it (GD Art. 26)
    propose @4;            # GD Art. 27 (一) 承办意见 (again after a return: with id)
    approve @5;            # GD Art. 27 (二) 批准, or 直接纠正 with mark/scope
    return @6;             # GD Art. 27 (二) 退回重新办理
    change @7;             # GD Art. 35-40: extend, shorten, change or release, with its notice
    review @8;             # GD Art. 34: reviewed this year, kept
    reviewDue @9;          # GD Art. 34: the organ's items not reviewed this year
    notices @10;           # the written notices sent, per recipient (id: of one secret)
  }
}

struct ScopeEntryInput {
  name @0 :Text;
  basis @1 :Text;
  mark @2 :Text;
  scope @3 :Text;
  department @4 :Text;
}

# 定密授权 (GD Art. 6-12): `zhuji grant …`.
struct GrantRequest {
  op @0 :Op;
  id @1 :Text;            # show / revoke / the grant a re-grant replaces
  organ @2 :Text;         # decide: the grantor's code on this node
  grantee @3 :Text;       # decide: address "<node>/<code>"
  ceiling @4 :Text;       # 秘密, 机密, 绝密
  matters @5 :Text;       # 授权事项范围
  termMonths @6 :Int32;
  reason @7 :Text;        # a term over five years (GD Art. 10)
  proactive @8 :Bool;     # GD Art. 7
  task @9 :Text;
  regrantCause @10 :Text; # scope, rename, expiry (GD Art. 12)
  docNumber @11 :Text;    # 定密授权决定书 / 撤销决定书 文号
  by @12 :Text;           # 签发人
  ground @13 :UInt8;      # revoke: GD Art. 11 (一)-(六) as 1-6
  detail @14 :Text;
  application @15 :Text;  # decide: the 定密授权申请 (a matter id) it answers (GD Art. 9)
  refuse @16 :Bool;       # decide: refuse the application (`reason` says why)
  text @17 :Text;         # publish: the 授权机关名录 file
  fileName @18 :Text;
  enum Op {
    list @0;
    show @1;
    decide @2;
    revoke @3;
    publish @4;           # the province: load a 授权机关名录 and pass it down (GD Art. 15)
    authorizing @5;       # the 授权机关名录 held here
  }
}

# 备案 (GD Art. 13, 14, 21): `zhuji filing …`.
struct FilingRequest {
  op @0 :Op;
  id @1 :Text;
  materials @2 :List(Text);
  by @3 :Text;
  number @4 :Text;        # receipt: the 回执 number
  missing @5 :Text;       # refuse: the material missing
  filter @6 :Text;        # list: "owed" (this node's organs owe or await a 回执), "received", "" all
  enum Op {
    list @0;
    show @1;
    submit @2;
    receipt @3;
    refuse @4;
  }
}

# 定密责任人 (GD Art. 16-22): `zhuji responsible …`.
struct ResponsibleRequest {
  op @0 :Op;
  organ @1 :Text;         # the organ's code on this node
  name @2 :Text;
  post @3 :Text;
  ceiling @4 :Text;
  matters @5 :Text;
  fromDay @6 :Int32;      # days since 1970-01-01; 0: today
  untilDay @7 :Int32;
  docNumber @8 :Text;
  by @9 :Text;            # designate / revoke: the 法定定密责任人 acting
  reason @10 :Text;       # revoke
  art17 @11 :List(Text);  # the GD Art. 17 items declared: conditions, post, trained, familiar
  criminal @12 :Bool;     # GD Art. 18 (一)
  dismissalDay @13 :Int32;      # (二) 0: none
  disciplineDay @14 :Int32;     # (三) 0: none
  unqualified @15 :Bool;        # (四)
  violationDays @16 :List(Int32);  # (五)
  other @17 :Text;              # (六)
  materials @18 :List(Text);    # file
  enum Op {
    list @0;
    head @1;              # set the 法定定密责任人
    designate @2;
    revoke @3;
    file @4;              # submit the GD Art. 21 filing owed
  }
}

# The directory of keys (密钥名录, issue #10): show the one held, or load a newer signed one
# (it is passed down to every node below).
struct DirectoryRequest {
  op @0 :Op;
  fileName @1 :Text;      # load
  text @2 :Text;          # load: the signed file
  enum Op {
    show @0;
    load @1;
    announce @2;          # send this node's rotated keys (zhuji keys rotate) to the province
  }
}

struct DirectoryView {
  version @0 :UInt64;
  suite @1 :Text;
  keys @2 :List(DirectoryKeyView);
  signatures @3 :Bool;          # this node signs and verifies envelopes
  ownFingerprint @4 :Text;      # the key this node signs with
  forwardedTo @5 :List(Text);   # load: the nodes it was passed to
  nextKey @6 :Text;             # the fingerprint of keys made by `zhuji keys rotate`, if any
  announced @7 :List(AnnouncedKeyView);  # the province: new keys announced by nodes
  announcedTo @8 :Text;         # announce: the node it was sent to (the parent)
}

struct AnnouncedKeyView {
  id @0 :Text;
  suite @1 :Text;
  curve @2 :Text;
  sign @3 :Text;
  fingerprint @4 :Text;
  announcedAt @5 :Int64;
  receivedAt @6 :Int64;
}

struct DirectoryKeyView {
  id @0 :Text;
  fingerprint @1 :Text;
  state @2 :Text;               # active, retiring, revoked
  untilMs @3 :Int64;            # retiring: valid until then
  curve @4 :Text;
}

# Envelopes their destination refused for good (zhuji deadletter).
struct DeadLetterRequest {
  op @0 :Op;
  number @1 :UInt64;      # show / retry / drop
  limit @2 :UInt32 = 100; # list: newest first; 0 = all
  enum Op {
    list @0;
    show @1;
    retry @2;             # queue it again to its destination (a new link sequence)
    drop @3;              # give it up (the audit log keeps the fact)
  }
}

struct DeadLetterView {
  number @0 :UInt64;
  destination @1 :Text;
  seq @2 :UInt64;
  id @3 :Data;
  kind @4 :Text;          # notice, supervision, calendarUpdate, matter, … or the number
  summary @5 :Text;       # what it carried, for people
  reason @6 :Text;        # why the destination refused it
  sentAtMs @7 :Int64;
  deadAtMs @8 :Int64;
  bytes @9 :UInt64;
  requeuedSeq @10 :UInt64;  # retry: the new link sequence
}

# An operator's step on an escalated matter (services/workflows/matter.h). Which fields count
# depends on `op`; the node refuses a step with the reason, and changes nothing then.
struct MatterRequest {
  op @0 :Op;
  id @1 :Text;            # the matter (all but report/request/object of a new one, and list)
  organ @2 :Text;         # report/request/object: the organ's code on this node
  title @3 :Text;
  mark @4 :Text;          # GD Art. 32 mark: provisional / proposed / decided / objected-to level
  claimMark @5 :Text;     # object: the objector's claimed level
  notSecret @6 :Bool;     # decide: "not a state secret"; object: the objector says so
  against @7 :Text;       # object: the classifier's address, "<node>/<code>"
  materials @8 :List(Text);
  hold @9 :Bool;          # report/request: set the provisional level only, report later
  forward @10 :Bool;      # review: forward (true) or return for more material (false)
  who @11 :Text;          # reviewer / decided by / answered by
  text @12 :Text;         # opinion / what is missing / scope / answer
  upheld @13 :Bool;       # answer: the classifier keeps its determination
  art24 @14 :Text;        # report/request: a GD Art. 24 category the content falls in, if any
  listedInScope @15 :Bool;  # … and a scope of secret matters lists it nonetheless
  parts @16 :List(Text);  # report/request: marks of the parts of a compilation (GD Art. 33)
  scope @17 :Text;        # 知悉范围: report/request (required), decide (required for a secret),
                          # object (the determination's, if known)
  aroseDay @18 :Int32;    # request: the day the matter arose (GD Art. 29), days since 1970-01-01
  hasAroseDay @19 :Bool;  # … given (otherwise today)
  via @20 :Text;          # referNational / fileNational: how it went (机要交通 …)
  docNumber @21 :Text;    # recordNational: the national decision's 文号
  docDay @22 :Int32;      # recordNational: its date, days since 1970-01-01
  toSuperior @23 :Bool;   # object: to the classifier's superior (GD Art. 45 "或者其上级机关")
  ceiling @24 :Text;      # apply: the level applied for (秘密, 机密, 绝密)
  termMonths @25 :Int32;  # apply: the term applied for
  overrides @26 :Text;    # decide: GD Art. 22: the designee whose 定密意见 the statutory one changes
  overridden @27 :Text;   # … and that opinion

  enum Op {
    show @0;
    list @1;
    report @2;            # 不明确事项: set provisionally (+ report), or report again
    request @3;           # GD Art. 29 定密申请: set provisionally (+ report)
    object @4;            # GD Art. 45 定密异议 to the classifier
    review @5;            # an intermediate level: forward or return (退回补充)
    decide @6;            # the last hop decides
    answer @7;            # the classifier answers an objection
    accept @8;            # the objector accepts an upheld answer
    escalate @9;          # the objector reports the dispute up (GD Art. 31)
    referNational @10;    # the provincial bureau sends it to 国家保密局 (条例 Art. 25, 26)
    recordNational @11;   # … and records the national decision when it arrives
    fileNational @12;     # the provincial bureau files its own decision with 国家保密局 (备案)
    notifyChange @13;     # GD Art. 40: the classifier sent the written notice of a 变更
    apply @14;            # GD Art. 8, 9: an organ applies for classification authority
  }
}

struct LoadCalendarRequest {
  fileName @0 :Text;
  toml @1 :Text;
}

struct CalendarLoaded {
  year @0 :Int32;
  version @1 :Text;
  recomputed @2 :UInt32;          # provisional deadlines recomputed here
  forwardedTo @3 :List(Text);
}

struct DeadlinesRequest {
  all @0 :Bool;                   # closed ones too
}

struct OpenDeadlineRequest {
  item @0 :Text;
  step @1 :Text;
  rule @2 :Text;
  title @3 :Text;
  triggerDay @4 :Int32;           # CST date; 0 = today on the node's clock
  hasTrigger @5 :Bool;
  workingDays @6 :UInt16;
  fixedDay @7 :Int32;             # a calendar-date deadline instead (when hasFixedDay)
  hasFixedDay @8 :Bool;
}

struct CloseDeadlineRequest {
  item @0 :Text;
  step @1 :Text;
}

struct ClockRequest {
  advanceMs @0 :Int64;
  setMs @1 :Int64;                # when non-zero, set instead of advancing
}

# A tracked deadline as the operator sees it (services/node/views.h fills it from the store).
struct DeadlineView {
  record @0 :Data;                # retired: was a store encoding; never set
  daysLeft @1 :Int32;             # working days from today (CST) to the due day; < 0 overdue
  item @2 :Text;
  step @3 :Text;
  rule @4 :Text;                  # e.g. "GD Art. 14"
  title @5 :Text;
  triggerDay @6 :Int32;           # CST date, days since 1970-01-01 (not counted)
  workingDays @7 :UInt16;         # 0 for a calendar-date deadline
  dueDay @8 :Int32;               # the last day
  dueMs @9 :Int64;                # 24:00 CST of dueDay: overdue from here
  remindMs @10 :Int64;            # 00:00 CST of the reminder day
  provisional @11 :Bool;          # counted through a year with no schedule (暂定)
  calendarVersion @12 :Text;
  state @13 :Text;                # open, reminded, due_today, overdue, closed
  stateZh @14 :Text;              # "办理中 open" …
  openedMs @15 :Int64;
  closedMs @16 :Int64;
  supervisor @17 :Text;           # node told when it goes overdue (逾期报告 → 督办), or empty
  overdueAtMs @18 :Int64;
  supervisorName @19 :Text;       # the supervising secrecy admin dept (GD Art. 41)
  metMs @20 :Int64;               # met then (a 备案 sent, awaiting its 回执); 0: not met
}

struct CalendarInfo {
  version @0 :Text;
  years @1 :List(Int32);
  localOffDays @2 :List(Text);
  todayDay @3 :Int32;
}

struct SendRequest {
  to @0 :Text;
  text @1 :Text;
  count @2 :UInt32 = 1;    # send `count` notices, numbered " #1" … when count > 1
  waitAck @3 :Bool;        # reply only once the destination acknowledged the last one
  padTo @4 :UInt32;        # pad each text to this many bytes (benchmarks)
}

struct InboxRequest {
  limit @0 :UInt32 = 50;   # newest first; 0 = all
  afterSeq @1 :UInt64;     # only entries with a local sequence above this
}

struct LinkStatus {
  endpoint @0 :Text;
  up @1 :Bool;
  lastChangeMs @2 :Int64;
  refusal @3 :Text;       # the broker refused this node's id (another live process holds it)
}

struct DestinationStatus {
  destination @0 :Text;
  pending @1 :UInt64;
  oldestPendingMs @2 :Int64;   # sent-at of the oldest unacknowledged envelope, 0 if none
  lastError @3 :Text;
  broken @4 :Bool;        # the receiver asks for a sequence this node no longer has
}

struct NodeStatus {
  nodeId @0 :Text;
  name @1 :Text;
  level @2 :Text;
  parent @3 :Text;
  links @4 :List(LinkStatus);
  outboxDepth @5 :UInt64;
  oldestPendingMs @6 :Int64;
  lastError @7 :Text;
  lastErrorMs @8 :Int64;
  destinations @9 :List(DestinationStatus);
  delivered @10 :UInt64;       # envelopes applied from others
  duplicates @11 :UInt64;      # re-deliveries recognised and re-acknowledged
  refused @12 :UInt64;         # malformed or unauthorised frames refused
  acked @13 :UInt64;           # own envelopes acknowledged by their destination
  nowMs @14 :Int64;
  startedMs @15 :Int64;
  deadlinesOpen @16 :UInt64;         # tracked duties not closed
  deadlinesOverdue @17 :UInt64;      # of them overdue (逾期)
  deadlinesProvisional @18 :UInt64;  # of them counted through a year with no schedule (暂定)
  calendarVersion @19 :Text;
  supervisedOpen @20 :UInt64;        # 督办 from below not yet closed
  organs @21 :List(Text);            # "440106/jyj 天河区教育局 [education]"
  deadLetters @22 :UInt64;           # envelopes refused for good by their destination
  incarnation @23 :UInt64;           # how many times this node's store has been started
  storeError @24 :Text;              # the store cannot be written (disk full …): nothing is acknowledged
  storeErrorSinceMs @25 :Int64;
  stepsNotTaken @26 :UInt64;         # own steps on received matters that could not be taken (audit)
  signaturesRefused @27 :UInt64;     # envelopes refused: bad, missing or unknown signature
  keyDirectoryVersion @28 :UInt64;   # the directory of keys held (0: none)
  signatures @29 :Bool;              # this node signs and verifies envelopes
  sent @30 :UInt64;                  # envelope transmissions handed to a broker (retries too)
  refusedBy @31 :List(Count);        # `refused`, by reason (/metrics, issue #17)
  commitLatency @32 :Histogram;      # the store's write transactions, commit included
  consoleUrl @33 :Text;              # where this node's console serves (empty: off)
}

struct Count {
  name @0 :Text;
  count @1 :UInt64;
}

# Buckets of a latency: counts[i] fell at or below boundsMs[i] (and above the bound before);
# the last count is above every bound.
struct Histogram {
  boundsMs @0 :List(Float64);
  counts @1 :List(UInt64);
  sumMs @2 :Float64;
}

struct InboxEntry {
  seq @0 :UInt64;
  id @1 :Data;
  origin @2 :Text;
  text @3 :Text;
  sentAt @4 :Int64;
  receivedAt @5 :Int64;
}

struct ControlReply {
  error @0 :Text;             # empty on success
  union {
    none @1 :Void;
    status @2 :NodeStatus;
    sent @3 :SentReply;
    inbox @4 :List(InboxEntry);
    deadlines @5 :DeadlineList;
    supervised @6 :List(SupervisedView);
    clockMs @7 :Int64;
    calendarLoaded @8 :CalendarLoaded;
    matters @9 :List(Data);       # retired: was a store encoding; never set
    deadLetters @10 :List(DeadLetterView);
    matterViews @11 :List(MatterView);  # one per matter
    directory @12 :DirectoryView;
    grants @13 :List(GrantView);
    filings @14 :List(FilingView);
    registers @15 :List(RegisterView);
    authorizingList @17 :AuthorizingListView;
    secrets @18 :List(SecretView);
    scopeList @19 :ScopeListView;
    secretNotices @20 :List(SecretNoticeView);
    stats @21 :StatsView;
    inspections @22 :List(InspectionView);
    licensing @23 :LicensingReply;
    regions @24 :List(RegionView);
    documents @25 :List(DocumentView);
  }
  warnings @16 :List(Text);   # what the operator should know of a step that was taken
}

# Documents a clerk can print (issue #17): from the signed envelopes this node received, with
# the verification code of each (services/crypto/document_code.h).
struct DocumentRequest {
  envelopeId @0 :Text;     # show one (32 hex digits); empty: list the newest
  limit @1 :UInt32 = 200;  # list: at most this many
}

struct DocumentView {
  envelopeId @0 :Text;     # 32 hex digits: printed with the code
  kind @1 :Text;           # notice, receipt, grant, designation
  kindZh @2 :Text;         # 书面通知, 备案回执, 定密授权决定书, 定密责任人指定书
  number @3 :Text;         # 文号, 回执号 or the matter's number
  dateMs @4 :Int64;        # the decision, receipt or designation
  fromName @5 :Text;       # who issued it
  fromAddress @6 :Text;
  toName @7 :Text;         # to whom
  toAddress @8 :Text;
  rule @9 :Text;           # e.g. "GD Art. 30"
  title @10 :Text;
  lines @11 :List(Text);   # the body, one line each
  origin @12 :Text;        # the node that sent (and signed) the envelope
  signerKeyId @13 :Text;   # empty: the envelope is not signed
  code @14 :Text;          # 验证码
  receivedMs @15 :Int64;
  sentMs @16 :Int64;
}

# A node of the topology at or below this one, with the latest status summary held of it
# (issue #17): the province's picture and its drill-down.
struct RegionView {
  node @0 :Text;
  name @1 :Text;
  level @2 :Text;
  parent @3 :Text;
  heard @4 :Bool;                 # a summary of it is held
  summary @5 :Envelope.StatusSummary;
  heardMs @6 :Int64;              # when this node received it
  stale @7 :Bool;                 # not heard for three of its intervals: offline or cut off
  lastHeardMs @8 :Int64;          # when that node made it, on this node's clock (heard - age)
}

struct TrailView {
  at @0 :Int64;
  organ @1 :Text;
  action @2 :Text;
  detail @3 :Text;
}

struct GrantView {
  id @0 :Text;
  docNumber @1 :Text;
  grantor @2 :Text;             # address
  grantorName @3 :Text;
  grantee @4 :Text;
  granteeName @5 :Text;
  ceiling @6 :Text;             # 秘密 …
  matters @7 :Text;
  from @8 :Text;                # YYYY-MM-DD
  until @9 :Text;               # the last day in force
  termMonths @10 :Int32;
  state @11 :Text;              # live, revoked, lapsed, superseded
  stateZh @12 :Text;
  proactive @13 :Bool;
  task @14 :Text;
  regrants @15 :Text;
  longTermReason @16 :Text;
  decidedBy @17 :Text;
  decidedAt @18 :Int64;
  revokeGround @19 :Text;       # GD Art. 11 ground, in words
  revokeDoc @20 :Text;
  revokedAt @21 :Int64;
  endedAt @22 :Int64;
  history @23 :List(TrailView);
  filings @24 :List(FilingView);  # the 备案 of it held here (register, GD Art. 15 ¶2)
  expected @25 :List(Text);       # the filings this node's dept should receive of it and has not
  application @26 :Text;          # the 定密授权申请 it answers (GD Art. 9), if any
}

struct FilingView {
  id @0 :Text;
  kind @1 :Text;                # grant, revocation, grant-received, …
  kindZh @2 :Text;
  rule @3 :Text;
  filer @4 :Text;
  filerName @5 :Text;
  receiver @6 :Text;
  receiverName @7 :Text;
  subject @8 :Text;
  title @9 :Text;
  trigger @10 :Text;
  workingDays @11 :Int32;
  dueAt @12 :Int64;
  state @13 :Text;              # owed, sent, receipted, refused
  stateZh @14 :Text;
  materials @15 :List(Text);
  required @16 :List(Text);     # the materials it must carry
  firstSentAt @17 :Int64;
  sentAt @18 :Int64;
  receivedAt @19 :Int64;
  sentBy @20 :Text;
  receiptNumber @21 :Text;
  answeredBy @22 :Text;
  answeredAt @23 :Int64;
  refusal @24 :Text;
  onTime @25 :Bool;             # sent (first complete submission) by its due time
  history @26 :List(TrailView);
  persons @27 :List(PersonView);  # GD Art. 21: the list filed
}

struct AuthorizingListView {
  version @0 :UInt64;           # 0: none held (the directory's flags are used)
  published @1 :Text;
  source @2 :Text;
  organs @3 :List(Text);        # "440000/jyt 广东省教育厅"
  signed @4 :Bool;              # verified with the province's directory key
  forwardedTo @5 :List(Text);   # publish: the nodes it was passed to
}

struct ScopeListView {
  organ @0 :Text;
  organName @1 :Text;
  version @2 :UInt64;           # 0: none approved yet
  approvedBy @3 :Text;
  approvedAt @4 :Int64;
  entries @5 :List(ScopeEntryView);
}

struct ScopeEntryView {
  no @0 :Int32;
  name @1 :Text;
  basis @2 :Text;
  mark @3 :Text;
  scope @4 :Text;
  department @5 :Text;
}

struct SecretView {
  id @0 :Text;
  organ @1 :Text;
  organName @2 :Text;
  title @3 :Text;
  entryNo @4 :Int32;
  listVersion @5 :UInt64;
  entryName @6 :Text;
  proposed @7 :Text;            # the proposed mark
  scope @8 :Text;
  basis @9 :Text;
  reasons @10 :Text;
  keyPoints @11 :Text;
  handler @12 :Text;
  aroseOn @13 :Text;
  state @14 :Text;              # proposed, returned, approved
  stateZh @15 :Text;
  mark @16 :Text;               # as approved
  corrected @17 :Bool;
  approvedBy @18 :Text;
  approvedAt @19 :Int64;
  returnReason @20 :Text;
  dueAt @21 :Int64;
  history @22 :List(TrailView);
  scopeOrgans @23 :List(OrganRef);
  version @24 :UInt64;
  determinedOn @25 :Text;
  releasesOn @26 :Text;         # "" none by itself (解密条件) or not approved
  reviewedYear @27 :Int32;
  releasedOn @28 :Text;
  releaseReason @29 :Text;
  held @30 :Bool;               # a copy held for an organ of this node in its 知悉范围
}

struct StatsView {
  year @0 :Int32;
  node @1 :Text;
  rows @2 :List(StatRow);       # this node's organs, then the regions one level down
  region @3 :StatRow;           # this node's region: as filed, or as it would sum now
  regionFiled @4 :Bool;
}

struct StatRow {
  id @0 :Text;
  kind @1 :Text;                # organ, region
  organ @2 :Text;
  name @3 :Text;
  version @4 :UInt64;           # 0: not reported
  filedAt @5 :Int64;
  filedBy @6 :Text;
  dueAt @7 :Int64;
  state @8 :Text;               # 已报送 filed, 逾期报送 filed late, 未报送 owed, 逾期未报 overdue
  yearComplete @9 :Bool;
  figures @10 :Statistics.StatFigures;
  missing @11 :List(Text);
}

struct InspectionView {
  id @0 :Text;
  kind @1 :Text;                # inspection, self, correction
  kindZh @2 :Text;
  byOrgan @3 :OrganRef;
  organ @4 :OrganRef;
  points @5 :List(Text);        # "(3) 定密授权及报备情况"
  subject @6 :Text;
  subjectDetail @7 :Text;
  adjust @8 :Bool;
  openedBy @9 :Text;
  openedAt @10 :Int64;
  findings @11 :List(Text);
  request @12 :Text;
  rectifyBy @13 :Text;          # "" none
  report @14 :Text;
  reportedBy @15 :Text;
  reportedAt @16 :Int64;
  closing @17 :Text;
  closedBy @18 :Text;
  closedAt @19 :Int64;
  state @20 :Text;
  stateZh @21 :Text;
  history @22 :List(TrailView);
}

struct OrganRef {
  address @0 :Text;
  name @1 :Text;
}

struct SecretNoticeView {
  id @0 :Text;
  secretId @1 :Text;
  title @2 :Text;
  organ @3 :Text;
  organName @4 :Text;
  version @5 :UInt64;
  kind @6 :Text;                # determine, extend, shorten, change, release
  kindZh @7 :Text;
  rule @8 :Text;
  docNumber @9 :Text;
  mark @10 :Text;
  decidedAt @11 :Int64;
  dueAt @12 :Int64;
  recipients @13 :List(Recipient);
  struct Recipient {
    organ @0 :Text;
    organName @1 :Text;
    receiptedAt @2 :Int64;
  }
}

struct PersonView {
  name @0 :Text;
  statutory @1 :Bool;
  post @2 :Text;
  ceiling @3 :Text;
  matters @4 :Text;
  from @5 :Text;
  until @6 :Text;               # "" open-ended
  docNumber @7 :Text;
  designatedBy @8 :Text;
  live @9 :Bool;                # in force today
  revoked @10 :Bool;
  revokeReason @11 :Text;
}

struct RegisterView {
  organ @0 :Text;
  organName @1 :Text;
  version @2 :UInt64;
  changedAt @3 :Int64;
  persons @4 :List(PersonView);
  filingOwed @5 :Text;          # the GD Art. 21 filing not yet sent, if any
}

# An escalated matter as the operator sees it (services/node/views.h fills it from this node's
# copy). Kinds, states, outcomes and marks come rendered by the node; times are ms since the
# epoch, 0 = not yet; deadlines are 24:00 CST, 0 = none.
struct MatterView {
  id @0 :Text;
  kind @1 :Text;                  # unclear, disputed, determination
  kindZh @2 :Text;                # 不明确事项, 有争议事项, 定密申请
  title @3 :Text;
  state @4 :Text;                 # provisional, objected, answered, settled, in-review, returned,
                                  # decided (as `zhuji matter wait --state` takes them)
  stateZh @5 :Text;               # "逐级审核中 in review" …
  final @6 :Bool;                 # decided or settled
  version @7 :UInt64;
  origin @8 :OrganView;           # the reporting organ (the objector for a dispute)
  holder @9 :OrganView;           # who holds it now
  at @10 :Int32;                  # the hop in `path` holding it; -1 = the origin
  provisionalMark @11 :Text;      # the level set provisionally, a GD Art. 32 mark
  protectedAt @12 :Text;          # the mark it is protected at while pending (a dispute: the
                                  # highest claim); empty when no party claims a secret
  provisionalAt @13 :Int64;
  reportedAt @14 :Int64;
  reportDueAt @15 :Int64;         # the origin's report deadline
  currentDueAt @16 :Int64;        # the deadline of the step it waits for now, 0 if none tracked
  materials @17 :List(Text);
  path @18 :List(HopView);        # the last hop decides
  returnReason @19 :Text;         # 退回补充: what is missing
  hasClassifier @20 :Bool;        # 有争议事项: the original classifier (原定密机关) and its answer
  classifier @21 :OrganView;
  claims @22 :List(ClaimView);
  objectionReceivedAt @23 :Int64;
  answerDueAt @24 :Int64;         # GD Art. 45
  answeredAt @25 :Int64;
  answeredBy @26 :Text;
  answer @27 :Text;
  upheld @28 :Bool;
  hasDecision @29 :Bool;
  decision @30 :DecisionView;
  history @31 :List(TrailEventView);  # oldest first
  noticeReceivedAt @32 :Int64;    # the written notice (书面通知) of the decision arrived here
  createdAt @33 :Int64;
  updatedAt @34 :Int64;
  scope @35 :Text;                # 知悉范围 set with the provisional level (GD Art. 23, 条例 Art. 25)
  firstReportedAt @36 :Int64;     # the first report (reportedAt is the latest, after a return)
  deciderReceivedAt @37 :Int64;   # the deciding department received it: the report duty is met
  resubmitDueAt @38 :Int64;       # 退回补充 at the origin: report again by then (policy)
  aroseOn @39 :Text;              # GD Art. 29: the day the matter arose, YYYY-MM-DD ("" if n/a)
  hasNational @40 :Bool;          # 条例 Art. 25, 26: sent to 国家保密局
  nationalSentAt @41 :Int64;
  nationalChannel @42 :Text;      # 机要交通 …
  nationalSentBy @43 :Text;
  nationalDoc @44 :Text;          # the national decision's 文号, once recorded
  nationalDecidedOn @45 :Text;    # its date, YYYY-MM-DD
  owesNationalFiling @46 :Bool;   # 条例 Art. 25 ¶2: the provincial bureau's decision, to be filed
  nationalFiledAt @47 :Int64;     # … filed (备案) then
  nationalFiledVia @48 :Text;
  hasAnswerer @49 :Bool;          # GD Art. 45: the objection went to the classifier's superior
  answerer @50 :OrganView;
  lateSteps @51 :List(TrailEventView);  # steps that lost a race, kept as history (GD Art. 31)
  changeNoticeDueAt @52 :Int64;   # GD Art. 40: a 变更's written notice to the 知悉范围, due then
  changeNotifiedAt @53 :Int64;    # … sent then (recorded on the classifier's node)
  changeNotice @54 :Text;
}

struct OrganView {
  node @0 :Text;
  code @1 :Text;
  name @2 :Text;
  address @3 :Text;               # "<node>/<code>"
  level @4 :Text;                 # 省级, 市级, 县级 (from the node's GB/T 2260 code)
}

struct HopView {
  organ @0 :OrganView;
  receivedAt @1 :Int64;
  sentAt @2 :Int64;
  dueAt @3 :Int64;                # its review or decision deadline
  reviewer @4 :Text;              # or, at the last hop, who decided (定密责任人, or a bureau's 签发人)
  opinion @5 :Text;               # 审核意见
  outcome @6 :Outcome;
  outcomeZh @7 :Text;             # "转报 forwarded" …

  enum Outcome {                  # numbered as services/workflows' HopOutcome
    pending @0;
    forwarded @1;
    returned @2;
    decided @3;
    referred @4;                  # the provincial bureau sent it to 国家保密局
  }
}

struct ClaimView {
  organ @0 :Text;                 # address
  organName @1 :Text;
  notSecret @2 :Bool;
  mark @3 :Text;                  # empty when notSecret
  level @4 :Text;                 # the mark, or "非国家秘密 not a state secret"
}

struct DecisionView {
  notSecret @0 :Bool;
  mark @1 :Text;                  # empty when notSecret
  level @2 :Text;                 # the mark, or "非国家秘密 not a state secret"
  scope @3 :Text;                 # 知悉范围
  decidedBy @4 :Text;
  decidedAt @5 :Int64;
  grantId @6 :Text;               # 定密授权申请: the grant made (GD Art. 9) …
  refused @7 :Bool;               # … or refused,
  refusal @8 :Text;               # … and why
}

struct TrailEventView {
  at @0 :Int64;
  organ @1 :Text;                 # who acted (name)
  action @2 :Text;                # "上报 reported" …
  detail @3 :Text;
}

struct DeadlineList {
  deadlines @0 :List(DeadlineView);
  calendar @1 :CalendarInfo;
}

struct SupervisedView {
  origin @0 :Text;
  notice @1 :Data;                # retired: was the envelope body's bytes; never set
  receivedMs @2 :Int64;
  closed @3 :Bool;
  supervision @4 :Envelope.Supervision;  # the 督办 as the node below sent it
}

struct SentReply {
  ids @0 :List(Data);
  firstSeq @1 :UInt64;
  lastSeq @2 :UInt64;
  acked @3 :Bool;
}

# 保密行政许可 at the provincial bureau (issue #16, LN): `zhuji licence|post|credit|expert|draw …`.
struct LicensingRequest {
  op @0 :Op;
  id @1 :Text;                 # the application, inspection or round acted on
  kind @2 :Text;               # apply: new, renew, change, cancel; creditAdd: violation, …
  item @3 :Text;               # apply: weapons-secrecy, carrier-production, system-integration
  grade @4 :Text;
  scope @5 :Text;
  applicant @6 :Licensing.Applicant;
  certificate @7 :Text;        # apply (renew, change, cancel), issue (the new number)
  change @8 :Text;             # apply, change: name, representative, address
  changeTo @9 :Text;
  items @10 :List(Text);       # materials, a parcel's items, a refusal's reasons
  day @11 :Int32;              # the day of the act (arrival, notice, decision …); 0: today
  toDay @12 :Int32;            # uncounted: the period's end; issue: valid until; creditAdd:
                               # until; draw, fly: the report is due
  waybill @13 :Text;           # EMS 运单号: incoming (apply, postIn) or outgoing (the answer)
  party @14 :Text;             # the sender (incoming) or addressee (outgoing)
  text @15 :Text;              # a reason, opinion, findings, what a period is
  organ @16 :Text;             # decide: the deciding organ's code here; report: refer to (address)
  approve @17 :Bool;
  violation @18 :Bool;
  by @19 :Text;
  seed @20 :Text;              # draw: the round's label; the node adds the random part
  count @21 :UInt32;           # draw: units
  perUnit @22 :UInt32;         # draw: experts per unit
  sameRegion @23 :Bool;        # draw: experts of the unit's own region allowed
  expert @24 :Licensing.Expert;
  person @25 :Bool;            # creditAdd: the subject is a person
  experts @26 :List(Text);     # fly: the experts' ids
  replyWaybill @27 :Text;      # apply by EMS: the outgoing waybill if it is not accepted at once
  enum Op {
    list @0;                   # applications
    show @1;
    apply @2;
    notify @3;                 # 一次告知 (Art. 32)
    supplement @4;
    accept @5;
    extend @6;                 # Art. 42
    uncounted @7;              # Art. 45
    decide @8;
    refuse @9;
    issue @10;                 # Art. 44
    certificates @11;
    postIn @12;
    postOut @13;
    postList @14;
    creditAdd @15;
    creditShow @16;            # id: the unit (or person); empty: the whole record
    expertAdd @17;
    expertList @18;
    draw @19;                  # 双随机
    rounds @20;                # id: one round; empty: all
    fly @21;                   # 飞行检查
    inspections @22;
    report @23;                # the city bureau's findings
  }
}

struct LicensingReply {
  applications @0 :List(ApplicationView);
  certificates @1 :List(Licensing.Certificate);
  parcels @2 :List(Licensing.Parcel);
  credit @3 :List(Licensing.CreditEntry);
  experts @4 :List(Licensing.Expert);
  rounds @5 :List(Licensing.DrawRound);
  inspections @6 :List(Licensing.UnitInspection);
}

# An application with its clock (行政许可法 Art. 32, 42, 44, 45) as of today. Days: 0 none.
struct ApplicationView {
  application @0 :Licensing.Application;
  acceptanceDue @1 :Int32;
  acceptedOn @2 :Int32;
  deemedAccepted @3 :Bool;
  decisionDue @4 :Int32;
  decisionDays @5 :Int32;
  uncountedDays @6 :Int32;
  certificateDue @7 :Int32;
  clockError @8 :Text;
}
