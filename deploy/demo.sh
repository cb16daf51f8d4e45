#!/usr/bin/env bash
# README command (1), the main job: installs what is needed, builds, starts the demo cluster of
# deploy/topologies/guangdong-demo.toml (one province, two cities, three districts, one broker),
# then:
#  1. a 不明确事项 (GD Art. 30) from 天河区教育局 goes up level by level to 广东省国家保密局, is
#     returned for a missing material (退回补充) while 天河区 is stopped, is reported again, decided,
#     and the decision comes back down; its whole trail is printed;
#  2. a 定密异议 of 越秀区教育局 against 深圳市公安局 (GD Art. 45) is upheld by the classifier and
#     goes up as a 有争议事项 (GD Art. 31); the decision reaches both parties; trail printed;
#     a 绝密 proposal goes up to 广东省国家保密局, which sends it to 国家保密局 (条例 Art. 25); the
#     national decision is recorded and goes back down; the bureau's own decisions owe a 备案;
#  3. 定密授权 and 备案 (GD Art. 6-15): 广州市教育局 grants 天河区教育局 authority; its 备案 with
#     广东省国家保密局 (Art. 13) is refused for a missing material, completed and receipted (回执);
#     the grantee files with 天河区国家保密局 (Art. 14), which reports to 广州市国家保密局 (¶2);
#     the registers of grants and filings at each level; an application (GD Art. 8, 9) goes up
#     level by level with a review and is granted; 广州市教育局 approves its 保密事项一览表 and
#     determines a secret itself (a proposal, corrected and approved, GD Art. 25-28) whose copy
#     reaches the organs of its 知悉范围 on three nodes, each receipting it;
#  4. the 授权机关名录 (GD Art. 15) is signed and published while 南山区 is offline, and reaches it
#     when it is back; the secret's term is extended (GD Art. 36) meanwhile: the written notice
#     is receipted at once by the organs that are up and by 南山区教育局 once it is back; test messages (测试消息) between every county and the province while 南山区 (440305) is stopped;
#     restarted; a delivery report: every test message delivered exactly once;
#  5. the yearly statistics (GD Art. 46, 47): every organ reports the year to date, the county,
#     city and province depts roll their regions up, and the province's table is printed;
#  6. security (issue #10): the cluster launcher made keys for every broker and node and a signed
#     directory of keys, so every link ran CURVE and every envelope was signed and verified; the
#     directory is shown, and a county's store is checked offline (`zhuji audit verify`).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${DEMO_NOTICES:-50}          # test messages per link
TOPO=deploy/topologies/guangdong-demo.toml
RUN_DIR=${DEMO_RUN_DIR:-$PWD/.zhuji-run/guangdong-demo}
OFFLINE=440305
COUNTIES=(440106 440104 440305)
PROVINCE=440000

deploy/install-deps.sh
echo "== build"
BUILD_DIR=build deploy/build.sh
Z="build/bin/zhuji"
zc() { "$Z" cluster "$1" "$TOPO" --run-dir "$RUN_DIR" "${@:2}"; }
zn() { local node=$1; shift; "$Z" --cluster "$TOPO" --run-dir "$RUN_DIR" --node "$node" "$@"; }

echo "== start the demo cluster (fresh data)"
zc down --purge >/dev/null 2>&1 || true
trap 'echo "== stopping the cluster"; zc down >/dev/null 2>&1 || true' EXIT
zc up

idof() { sed -n 's/^[[{]*{"id":"\([^"]*\)".*/\1/p' | head -1; }
# Waits (up to a minute) until NODE's copy of filing ID is in STATE.
waitfiling() {
  local node=$1 id=$2 state=$3 i
  for i in $(seq 1 600); do
    zn "$node" filing show "$id" --json 2>/dev/null | grep -q "\"state\":\"$state\"" && return 0
    sleep 0.1
  done
  echo "filing $id never reached state $state on $node" >&2
  return 1
}
# Waits (up to a minute) until NOTICE (a secret's written notice, "<id>#<version>") has N 签收.
waitnotice() {
  local notice=$1 n=$2 i
  for i in $(seq 1 600); do
    zn 440100 secret notices "${notice%#*}" | grep -q "^$notice .*签收 $n/" && return 0
    sleep 0.1
  done
  echo "notice $notice never had $n receipts" >&2
  return 1
}
# Waits (up to a minute) for a filing NODE's organs owe, and prints its id.
owed() {
  local node=$1 id i
  for i in $(seq 1 600); do
    id=$(zn "$node" filing list --owed --json | idof)
    [ -n "$id" ] && { echo "$id"; return 0; }
    sleep 0.1
  done
  echo "node $node never owed a filing" >&2
  return 1
}
step() { echo; echo "== $*"; }

step "不明确事项 (GD Art. 30): 天河区教育局 sets a provisional level, term and scope (先行采取保密措施) and reports it"
ID1=$(zn 440106 matter report --organ jyj --title "2027年某专业技术考试命题工作方案" \
  --mark "秘密★5年" --scope "命题组成员" --materials 申报不明确事项公文,不明确事项定密申报表 --json | idof)
echo "matter $ID1"
zn 440100 matter wait "$ID1" --held-by 440100/jyj
zn 440100 matter review "$ID1" --forward --opinion "属于不明确事项，同意上报" --reviewer 张三 >/dev/null
zn 440000 matter wait "$ID1" --held-by 440000/jyt
step "广东省教育厅 submits it to the bureau: refused, a GD Art. 30 material is missing"
zn 440000 matter review "$ID1" --forward --opinion "同意报送" --reviewer 王五 || true
step "广东省教育厅 returns it for more material (退回补充), one level down"
zn 440000 matter review "$ID1" --return "缺不明确事项的具体内容" --reviewer 王五 >/dev/null
zn 440100 matter wait "$ID1" --held-by 440100/jyj
step "county 440106 天河区 goes offline; 广州市教育局 returns the matter to it meanwhile"
zc stop 440106
zn 440100 matter review "$ID1" --return "请补充不明确事项的具体内容" --reviewer 张三 >/dev/null
sleep 1
zn 440100 status | grep -E "outbox|440106" || true
step "天河区 is back: the return arrives; the material is added and the matter reported again"
zc start 440106
zn 440106 matter wait "$ID1" --state returned
zn 440106 matter report --id "$ID1" --materials 不明确事项的具体内容 >/dev/null
zn 440100 matter wait "$ID1" --held-by 440100/jyj
zn 440100 matter review "$ID1" --forward --opinion "已补充，同意上报" --reviewer 张三 >/dev/null
zn 440000 matter wait "$ID1" --held-by 440000/jyt
zn 440000 matter review "$ID1" --forward --opinion "材料齐全，报请确定" --reviewer 王五 >/dev/null
zn 440000 matter wait "$ID1" --held-by 440000/bmj
step "广东省国家保密局 decides; the written notice (书面通知) goes back down the path"
zn 440000 matter decide "$ID1" --mark "机密★10年" --scope "命题组成员及主管领导" --by 李四 >/dev/null
zn 440100 matter wait "$ID1" --final
zn 440106 matter wait "$ID1" --final
step "the trail at the origin, 天河区教育局"
zn 440106 matter show "$ID1"

step "定密异议 (GD Art. 45): 越秀区教育局 objects to 深圳市公安局's 机密★10年; it claims 秘密★5年"
ID2=$(zn 440104 matter object --organ jyj --against 440300/gaj --title "某联合执法情况通报" \
  --mark "机密★10年" --claim "秘密★5年" --json | idof)
echo "matter $ID2"
zn 440300 matter wait "$ID2" --state objected
step "深圳市公安局 answers within 20 working days: it upholds its determination"
zn 440300 matter answer "$ID2" --uphold --text "经复核，维持原定密" --by 赵六 >/dev/null
zn 440104 matter wait "$ID2" --state answered
step "the objection stands: 越秀区教育局 reports it level by level as a 有争议事项 (GD Art. 31)"
zn 440104 matter escalate "$ID2" \
  --materials 申报有争议事项公文,有争议事项定密申报表,有争议事项的具体内容 >/dev/null
zn 440100 matter wait "$ID2" --held-by 440100/jyj
zn 440100 matter review "$ID2" --forward --opinion "争议属实，同意上报" --reviewer 张三 >/dev/null
zn 440000 matter wait "$ID2" --held-by 440000/jyt
zn 440000 matter review "$ID2" --forward --opinion "报请确定" --reviewer 王五 >/dev/null
zn 440000 matter wait "$ID2" --held-by 440000/bmj
zn 440000 matter decide "$ID2" --mark "秘密★10年" --scope "两单位经办人员" --by 李四 >/dev/null
zn 440104 matter wait "$ID2" --final
zn 440300 matter wait "$ID2" --final
step "the trail at the objector, 越秀区教育局 (the classifier 深圳市公安局 holds the same decision)"
zn 440104 matter show "$ID2"

step "绝密 (条例 Art. 25): 天河区教育局 proposes 绝密★30年; it goes up to 广东省国家保密局, which may not decide it"
ID3=$(zn 440106 matter report --organ jyj --title "某国家级考试命题方案" --mark "绝密★30年" \
  --scope "命题组核心成员" \
  --materials 申报不明确事项公文,不明确事项定密申报表,不明确事项的具体内容 --json | idof)
echo "matter $ID3"
zn 440100 matter wait "$ID3" --held-by 440100/jyj
zn 440100 matter review "$ID3" --forward --opinion "同意上报" --reviewer 张三 >/dev/null
zn 440000 matter wait "$ID3" --held-by 440000/jyt
zn 440000 matter review "$ID3" --forward --opinion "拟定绝密，报请确定" --reviewer 王五 >/dev/null
zn 440000 matter wait "$ID3" --held-by 440000/bmj
echo "-- the bureau tries to decide it itself (refused):"
zn 440000 matter decide "$ID3" --mark "绝密★30年" --scope "命题组核心成员" --by 李四 2>&1 || true
step "广东省国家保密局 sends it to 国家保密局 by 机要交通; it waits there, no provincial deadline running"
zn 440000 matter refer-national "$ID3" --via 机要交通 --by 李四 >/dev/null
zn 440106 matter wait "$ID3" --state national
step "国家保密局's decision arrives; the provincial clerk records it and it goes back down the path"
zn 440000 matter record-national "$ID3" --mark "绝密★30年" --scope "命题组核心成员" \
  --doc "国保函〔2026〕12号" --date "$(TZ=Asia/Shanghai date +%F)" --by 王五 >/dev/null
zn 440100 matter wait "$ID3" --final
zn 440106 matter wait "$ID3" --final
zn 440106 matter show "$ID3"
step "条例 Art. 25 ¶2: the bureau's own decisions owe a 备案 to 国家保密局; one is filed"
zn 440000 matter list --owing-filing
zn 440000 matter file-national "$ID1" --via 机要交通 --by 王五 >/dev/null
zn 440000 matter list --owing-filing

step "定密授权 (GD Art. 6, 7): 广州市教育局 grants 天河区教育局 authority up to 秘密 for a secret task"
G=$(zn 440100 grant decide --organ jyj --grantee 440106/jyj --ceiling 秘密 \
  --matters "区级招生考试命题工作中的秘密事项" --years 3 --proactive --task "2027年区级招生考试命题任务" \
  --doc "穗教密授〔2026〕1号" --by 陈七 --json | idof)
zn 440100 grant show "$G"
step "备案 (GD Art. 13): 广州市教育局 files the grant with 广东省国家保密局 within 20 working days"
F13=$(owed 440100)
echo "-- a material missing: refused at once, nothing sent, its deadline runs on:"
zn 440100 filing submit "$F13" --materials 定密授权决定书 --by 经办人 2>&1 || true
zn 440100 filing submit "$F13" --by 经办人 \
  --materials 定密授权决定书,被授权机关近三年原始定密统计表,被授权机关定密责任人备案表 >/dev/null
waitfiling 440000 "$F13" sent
echo "-- 广东省国家保密局 refuses it for a material it names; the filer's deadline runs on:"
zn 440000 filing refuse "$F13" --missing "被授权机关定密责任人备案表（加盖公章）" --by 王五 >/dev/null
waitfiling 440100 "$F13" refused
zn 440100 filing list --owed
zn 440100 filing submit "$F13" --materials "被授权机关定密责任人备案表（加盖公章）" --by 经办人 >/dev/null
waitfiling 440000 "$F13" sent
zn 440000 filing receipt "$F13" --number "粤保备〔2026〕1号" --by 王五 >/dev/null
waitfiling 440100 "$F13" receipted
zn 440100 filing show "$F13"
step "备案 (GD Art. 14): 天河区教育局 files the grant it received with 天河区国家保密局 (10 working days)"
F14=$(owed 440106)
zn 440106 filing submit "$F14" --materials 定密授权决定书 --by 经办人 >/dev/null
zn 440106 filing receipt "$F14" --number "天保备〔2026〕1号" --by 林静 >/dev/null
step "GD Art. 14 ¶2: 天河区国家保密局 reports the 备案 it received to 广州市国家保密局"
FR=$(owed 440106)
zn 440106 filing submit "$FR" --materials 定密授权备案情况报告 --by 林静 >/dev/null
waitfiling 440100 "$FR" sent
zn 440100 filing receipt "$FR" --number "穗保备〔2026〕2号" --by 周强 >/dev/null
waitfiling 440106 "$FR" receipted
step "登记 the registers at each level (GD Art. 15 ¶2): grants held, their 备案, none missing"
for n in 440000 440100 440106; do
  echo "-- node $n"
  zn "$n" grant list
  zn "$n" filing list --received
done
step "定密授权申请 (GD Art. 8, 9): 广州市公安局天河区分局 applies for 绝密; 广州市公安局 (机密 at most) reviews, 广东省公安厅 grants"
APP=$(zn 440106 grant apply --organ gafj --ceiling 绝密 --matters "重大案件侦办工作中的国家秘密事项" \
  --years 3 --json --materials 定密授权书面申请公文,定密授权申请表,本机关、本单位保密事项一览表,定密责任人情况一览表,近三年来原始定密情况,定密工作制度 | idof)
zn 440100 matter wait "$APP" --held-by 440100/gaj
zn 440100 grant review "$APP" --forward --opinion "经审核，该分局常年承办重大案件，同意上报" --reviewer 郑涛
zn 440000 matter wait "$APP" --held-by 440000/gat
zn 440000 grant decide --application "$APP" --doc "粤公密授〔2026〕1号" --by 钱八
zn 440106 matter wait "$APP" --final
zn 440106 matter show "$APP"

step "定密 inside the organ (GD Art. 25-28): 广州市教育局's 保密事项一览表, a proposal, a correction"
cat > "$RUN_DIR/scope-440100-jyj.toml" <<'TOML'
# 广州市教育局 保密事项一览表 (demo entries; a real list is extracted from the scopes of secret
# matters that apply to the organ, GD Art. 25)
[[entry]]
name = "市级统一考试试题（启用前）"
basis = "教育工作国家秘密范围（示例 demo）"
mark = "秘密★1年"
scope = "命题组成员"
department = "市招生考试院"
TOML
zn 440100 secret scope-approve --organ jyj --file "$RUN_DIR/scope-440100-jyj.toml" --by 陈七
SID=$(zn 440100 secret propose --organ jyj --entry 1 --title "2027年市级统一考试数学试题" \
  --mark "秘密★1年" --scope "命题组成员" --basis "一览表第1项" --reasons "启用前泄露将影响考试公平" \
  --scope-organs 440000/jyt,440106/jyj,440305/jyj --key-points "试题及答案" --by 张承办 --json | idof)
zn 440100 secret approve "$SID" --by 陈七 --mark "秘密★1个月" >/dev/null
zn 440100 secret show "$SID"
waitnotice "$SID#1" 3
echo "-- the copy reached the three organs of its 知悉范围 on three nodes, each receipted (签收) it:"
zn 440100 secret notices "$SID"

tag="demo-$(date +%H%M%S)"
echo
echo "== stop county $OFFLINE 南山区: it goes offline"
zc stop "$OFFLINE"

step "延长保密期限 (GD Art. 36): 广州市教育局 extends $SID while $OFFLINE 南山区 is offline"
# Decided within the last 30 working days of its one-month term; the written notice must reach
# every organ of the 知悉范围 by the 10th working day before the old end.
zn 440100 secret extend "$SID" --mark "秘密★6个月" --doc "穗教密〔2026〕9号" \
  --reason "考试推迟举行" --by 陈七 >/dev/null
waitnotice "$SID#2" 2
echo "-- two of three receipted; 南山区教育局's 签收 is awaited (a duty of 广州市教育局, raised to"
echo "   广州市国家保密局 if it is still missing when the notice falls due):"
zn 440100 secret notices "$SID"

step "授权机关名录 (GD Art. 15): 广东省国家保密局 signs and publishes the list of authorizing organs while $OFFLINE is offline"
"$Z" grant make-list "$TOPO" --version 1 --source "粤保发〔2026〕1号" \
  --sign-with "$RUN_DIR/directory" --out "$RUN_DIR/authorizing-v1.toml"
zn "$PROVINCE" grant publish "$RUN_DIR/authorizing-v1.toml"

echo
echo "== each running county sends $N test messages (测试消息) to the province $PROVINCE 广东省; the province sends $N to every county"
links=()
for c in "${COUNTIES[@]}"; do
  if [ "$c" != "$OFFLINE" ]; then
    zn "$c" send --to "$PROVINCE" --text "$tag" --count "$N"
    links+=("$c>$PROVINCE")
  fi
  zn "$PROVINCE" send --to "$c" --text "$tag" --count "$N"
  links+=("$PROVINCE>$c")
done

sleep 1
echo
echo "== while $OFFLINE is offline, its test messages wait in the province's outbox (待发):"
zn "$PROVINCE" status
echo
zc status || true

echo
echo "== restart county $OFFLINE; it sends its own $N test messages once it is back"
zc start "$OFFLINE"
zn "$OFFLINE" send --to "$PROVINCE" --text "$tag" --count "$N"
links+=("$OFFLINE>$PROVINCE")
echo "-- the 授权机关名录 published while it was away reached it:"
for i in $(seq 1 600); do
  zn "$OFFLINE" grant authorizing --json | grep -q '"version":1' && break
  sleep 0.1
done
zn "$OFFLINE" grant authorizing
echo "-- the extension notice reached 南山区教育局 and is receipted (签收 3/3):"
waitnotice "$SID#2" 3
zn 440100 secret notices "$SID"
zn "$OFFLINE" secret list --held

echo
linkspec=$(IFS=,; echo "${links[*]}")
zc report --tag "$tag" --expect "$N" --links "$linkspec" --wait-seconds 60

YEAR=$(TZ=Asia/Shanghai date +%Y)
step "年度定密统计 (GD Art. 46, 47): every organ reports $YEAR (to date), the regions roll up to the province"
# Every organ of the demo province with its 法定定密责任人 (the topology's `head`); the year has
# not ended, so these are figures to date (filed again after 31 December in real use).
HEADS="440000:bmj:李四 440000:jyt:陈明 440000:gat:钱八 440100:bmj:周强 440100:jyj:陈七
440100:gaj:郑涛 440300:bmj:孙丽 440300:gaj:赵六 440106:bmj:林静 440106:jyj:张三 440106:gafj:何军
440104:bmj:马红 440104:jyj:罗斌 440305:bmj:梁燕 440305:jyj:谢东"
for h in $HEADS; do
  IFS=: read -r node organ head <<<"$h"
  zn "$node" stats file --organ "$organ" --by "$head" --year "$YEAR" >/dev/null
done
# Waits (up to a minute) until NODE holds the region reports of the nodes after it.
waitregions() {
  local node=$1 i c ok; shift
  for i in $(seq 1 600); do
    ok=1
    for c in "$@"; do
      zn "$node" stats --year "$YEAR" --json | grep -q "\"id\":\"$YEAR/region/$c\",[^}]*\"version\":[1-9]" || ok=0
    done
    [ $ok = 1 ] && return 0
    sleep 0.1
  done
  echo "$node never had the region reports of $*" >&2
  return 1
}
for dept in 440106:林静 440104:马红 440305:梁燕; do
  zn "${dept%%:*}" stats file-region --by "${dept##*:}" --year "$YEAR" >/dev/null
done
waitregions 440100 440106 440104
zn 440100 stats file-region --by 周强 --year "$YEAR" >/dev/null
waitregions 440300 440305
zn 440300 stats file-region --by 孙丽 --year "$YEAR" >/dev/null
waitregions "$PROVINCE" 440100 440300
zn "$PROVINCE" stats file-region --by 李四 --year "$YEAR" >/dev/null
echo "-- 广东省 (demo) $YEAR: the province's organs, the two cities' regions, and the province's total:"
zn "$PROVINCE" stats --year "$YEAR"

step "安全 security (issue #10): every link was CURVE, every envelope signed and checked"
zn "$PROVINCE" directory show
echo
echo "-- 审计 the store of 天河区 440106 checked offline: audit chain + every signature"
"$Z" audit verify --config "$RUN_DIR/nodes/440106/node.toml"

step "控制台 the clerks' console (issue #17, docs/console.md): each node's URL"
for n in 440000 440100 440300 440106 440104 440305; do
  echo "  $n $(zn $n status --json | sed -n 's/.*"console_url":"\([^"]*\)".*/\1/p')"
done
PURL=$(zn 440000 status --json | sed -n 's/.*"console_url":"\([^"]*\)".*/\1/p')
CURL=$(zn 440106 status --json | sed -n 's/.*"console_url":"\([^"]*\)".*/\1/p')
echo "-- the province's picture ($PURL/regions): every city and county, from the summaries sent up"
for i in $(seq 1 30); do
  curl -sf "$PURL/regions" | grep -q 'data-node="440305"[^>]*data-standing="[a-z]*"' && break
  sleep 1
done
curl -sf "$PURL/regions" | grep -o 'data-node="[0-9]*" data-standing="[a-z]*"' | sort -u |
  sed 's/data-node="\([0-9]*\)" data-standing="\([a-z]*\)"/  \1 \2/'
echo "-- a printable 书面通知 at 天河区 ($CURL/documents) and its verification code, checked"
ENV=$(curl -sf "$CURL/documents" | grep -o 'data-kind="notice" data-envelope="[0-9a-f]*"' | head -1 |
  sed 's/.*data-envelope="\([0-9a-f]*\)"/\1/')
CODE=$(curl -sf "$CURL/documents/$ENV" | sed -n 's/.*id="code">\([^<]*\)<.*/\1/p')
echo "  envelope $ENV, 验证码 $CODE"
"$Z" verify "$ENV" --config "$RUN_DIR/nodes/440106/node.toml" --code "$CODE" | grep -E "签名|验证码"
BAD="$( [ "${CODE:0:1}" = B ] && echo C || echo B )${CODE:1}"
"$Z" verify "$ENV" --config "$RUN_DIR/nodes/440106/node.toml" --code "$BAD" | grep -E "验证码" || true
echo "-- /metrics ($PURL/metrics), a few lines"
curl -sf "$PURL/metrics" | grep -E "^zhuji_(envelopes_delivered_total|deadlines_open|link_up)"

echo
echo "== 保密行政许可 (issue #16): the Liaoning licensing scenario, deploy/demo-liaoning.sh"
DEMO_LN_NO_BUILD=1 bash deploy/demo-liaoning.sh
