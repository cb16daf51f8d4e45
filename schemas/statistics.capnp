# The yearly classification statistics (年度定密统计, GD Art. 46, 47;
# services/workflows/statistics.h): an organ's report or a region's, as the node keeps it (table
# `stats`) and as an envelope of kind `stats` carries it (to a grantor, to the dept above).
# Versioned by adding fields, never by renumbering.
@0xc3a1d9e0b6f27a44;

$import "/capnp/c++.capnp".namespace("zhuji::schema");

struct StatFigures {
  mimi @0 :Int64;          # 秘密 determined in the year
  jimi @1 :Int64;          # 机密
  juemi @2 :Int64;         # 绝密
  changed @3 :Int64;       # 变更, 延长, 缩短
  released @4 :Int64;      # 解除, 自行解密
  escalated @5 :Int64;     # 不明确事项, 有争议事项, 定密申请 reported
  grants @6 :Int64;        # 定密授权 made
  responsible @7 :Int64;   # 定密责任人 in office at the end of the year
  organs @8 :Int64;        # organs counted
}

struct StatReport {
  id @0 :Text;             # "<year>/<organ address>" or "<year>/region/<node>"
  kind @1 :UInt8;          # workflows::StatKind: 0 organ, 1 region
  year @2 :Int32;
  organ @3 :Text;
  organName @4 :Text;
  node @5 :Text;
  figures @6 :StatFigures;
  included @7 :List(Text);
  missing @8 :List(Text);
  version @9 :UInt64;
  filedAt @10 :Int64;
  filedBy @11 :Text;
  yearComplete @12 :Bool;
  completeAt @13 :Int64;   # the first filing after the year ended (judged against the due day)
}
