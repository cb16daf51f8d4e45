#!/usr/bin/env bash
# The Liaoning licensing scenario (issue #16; LN = 辽保局〔2021〕46号, 行政许可法), run by README
# command (1) after the Guangdong demo, or alone: installs what is needed, builds, starts the
# cluster of deploy/topologies/liaoning-demo.toml (辽宁省 with its bureau and defence-industry
# department, 沈阳市, 大连市, 鞍山市; security on), then at 辽宁省国家保密局:
#  1. an application for grade 3 of 武器装备科研生产单位保密资格 arrives by EMS: refused on
#     arrival (三级 abolished, LN 二.1), the material posted back with its waybill;
#  2. a grade-2 application by EMS lacks the annual report: one 一次告知 (Art. 32), the report
#     arrives by EMS and completes it; the decision is due in 45 working days (joint, Art. 42);
#     granted once the bureau and the defence-industry department both approved; the
#     certificate goes back by EMS (Art. 44);
#  3. a postal change of name (不见面审批, LN 三): approved, the re-issued certificate posted;
#  4. a 双随机 draw from the published seed, redone by tools/verify_draw.py; its parts go to
#     沈阳市 and 大连市国家保密局, which report back; a violation enters the credit record and is
#     referred to another bureau (联动处置); a 飞行检查; 市场禁入 refuses the unit's next
#     application with the reason.
# The dates are the real ones (the arrival a few days ago).
set -euo pipefail
cd "$(dirname "$0")/.."

TOPO=deploy/topologies/liaoning-demo.toml
RUN_DIR=${DEMO_LN_RUN_DIR:-$PWD/.zhuji-run/liaoning-demo}
if [ -z "${DEMO_LN_NO_BUILD:-}" ]; then
  deploy/install-deps.sh
  echo "== build"
  BUILD_DIR=build deploy/build.sh
fi
Z="build/bin/zhuji"
zc() { "$Z" cluster "$1" "$TOPO" --run-dir "$RUN_DIR" "${@:2}"; }
zn() { local node=$1; shift; "$Z" --cluster "$TOPO" --run-dir "$RUN_DIR" --node "$node" "$@"; }
# The value of a Python expression over the JSON on stdin (d), e.g. d["applications"][0]["id"].
jget() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
step() { echo; echo "== $*"; }
day() { date -d "$1" +%F; }
# Waits (up to a minute) until NODE holds inspection ID in STATE (assigned, reported).
waitinspection() {
  local node=$1 id=$2 state=$3 i
  for i in $(seq 1 600); do
    zn "$node" draw inspections "$id" --json 2>/dev/null | grep -q "\"state\":\"$state\"" && return 0
    sleep 0.1
  done
  echo "inspection $id never reached $state on $node" >&2
  return 1
}

echo "== start the Liaoning cluster (fresh data)"
zc down --purge >/dev/null 2>&1 || true
trap 'echo "== stopping the Liaoning cluster"; zc down >/dev/null 2>&1 || true' EXIT
zc up

P=210000
MATERIALS="申请书,营业执照副本,保密管理制度,保密工作机构及人员情况,涉密人员名单,保密承诺书"

step "1. 三级 by EMS (LN 二.1): refused on arrival with the reason"
R1=$(zn $P licence apply --item weapons-secrecy --grade 三级 --unit 91210100MA0000001A \
  --name 沈阳精工科技有限公司 --region 210100 --materials "$MATERIALS,备案的企业年度报告" \
  --waybill EA100000001CN --sender 沈阳精工科技有限公司 --arrived "$(day '1 day ago')" \
  --reply-waybill EA200000001CN --by "收件员 李梅" --json | jget 'd["applications"][0]["id"]')
zn $P licence show "$R1"
zn $P post list --about "$R1"

step "2. 二级 by EMS (最多跑一次): the arrival starts the clock; the annual report is missing"
A2=$(zn $P licence apply --item weapons-secrecy --grade 二级 --unit 91210200MA0000002B \
  --name 大连海工装备有限公司 --region 210200 --representative 王立 --address 大连市甘井子区1号 \
  --scope 舰船配套设备研制 --materials "$MATERIALS" --waybill EA100000002CN \
  --sender 大连海工装备有限公司 --arrived "$(day '3 days ago')" --by "收件员 李梅" --json |
  jget 'd["applications"][0]["id"]')
zn $P licence show "$A2"
echo "-- 一次告知 (Art. 32): everything missing, once, by EMS"
zn $P licence notify "$A2" --waybill EA200000002CN --by "许可处 赵刚" >/dev/null
zn $P licence notify "$A2" --waybill EA200000003CN --by "许可处 赵刚" || echo "(refused: told once)"
echo "-- the annual report arrives by EMS: accepted on completion (LN 二.2: no audit report)"
zn $P post in --about "$A2" --waybill EA100000009CN --sender 大连海工装备有限公司 \
  --arrived "$(day today)" --items 备案的企业年度报告 --by "收件员 李梅"
echo "-- decided jointly (Art. 42 ¶2): the bureau approves, then the defence-industry department"
zn $P licence decide "$A2" --organ bmj --approve --reason 符合二级保密资格条件 --by 孙伟 >/dev/null
zn $P licence decide "$A2" --organ gfkg --approve --reason 同意 --by 钱敏 >/dev/null
zn $P licence issue "$A2" --valid-until "$(day '5 years')" --waybill EA200000004CN \
  --by "许可处 赵刚" >/dev/null
zn $P licence show "$A2"

step "licences granted at the counter (for the draw below)"
licensed() {
  local id
  id=$(zn $P licence apply --item "$1" --grade 乙级 --unit "$2" --name "$3" --region "$4" \
    --representative 张华 --address "$3地址" --materials "$MATERIALS" --by "收件员 李梅" --json |
    jget 'd["applications"][0]["id"]')
  zn $P licence accept "$id" --by "许可处 赵刚" >/dev/null
  zn $P licence decide "$id" --organ bmj --approve --by 孙伟 >/dev/null
  zn $P licence issue "$id" --valid-until "$(day '5 years')" --by "许可处 赵刚" --json |
    jget 'd["applications"][0]["certificate"]'
}
C1=$(licensed system-integration 91210100MA00000101 沈阳信安集成有限公司 210100)
licensed carrier-production 91210100MA00000102 沈阳彩印有限公司 210100 >/dev/null
licensed system-integration 91210200MA00000201 大连数安科技有限公司 210200 >/dev/null
licensed carrier-production 91210200MA00000202 大连保密印务有限公司 210200 >/dev/null
zn $P licence certificates

step "3. 不见面审批 (LN 三): a change of name by post"
A3=$(zn $P licence apply --kind change --certificate "$C1" --change name --to 沈阳信安数字技术有限公司 \
  --unit 91210100MA00000101 --materials 变更申请书,变更事项证明材料,原证书正副本 \
  --waybill EA100000005CN --sender 沈阳信安集成有限公司 --arrived "$(day today)" \
  --by "收件员 李梅" --json | jget 'd["applications"][0]["id"]')
zn $P licence accept "$A3" --by "许可处 赵刚" >/dev/null
zn $P licence decide "$A3" --organ bmj --approve --by 孙伟 >/dev/null
zn $P licence issue "$A3" --waybill EA200000005CN --by "许可处 赵刚"
zn $P licence certificates --unit 91210100MA00000101
zn $P post list --about "$A3"

step "4. 专家库 and 双随机、一公开 (LN 四.1)"
n=0
for e in "210300 东北大学" "210300 鞍山钢铁" "210300 辽宁科技大学" "210300 鞍山师范学院" \
         "210000 辽宁省保密技术中心" "210000 辽宁大学" "210100 沈阳工业大学" "210100 东北大学沈阳校区" \
         "210200 大连理工大学" "210200 大连海事大学"; do
  n=$((n + 1))
  zn $P expert add --id "E$n" --name "专家$n" --region "${e% *}" --unit "${e#* }" \
    --fields 保密技术,涉密信息系统 --by "许可处 赵刚" >/dev/null
done
zn $P expert list
ROUND=$(zn $P draw run --seed "辽宁省国家保密局 $(date +%Y)年第1轮双随机抽查" --units 4 --experts-per-unit 2 \
  --report-by "$(day '20 days')" --by "许可处 赵刚" --json | jget 'd["rounds"][0]["id"]')
zn $P draw show "$ROUND"
echo "-- 一公开: the published round, redone by an independent script"
zn $P draw show "$ROUND" --json > "$RUN_DIR/round.json"
python3 tools/verify_draw.py --check "$RUN_DIR/round.json"

step "the city bureaus receive their part of the draw"
TASKS=$(zn $P draw show "$ROUND" --json | jget '" ".join(d["rounds"][0]["inspections"])')
for t in $TASKS; do
  city=$(zn $P draw inspections "$t" --json | jget 'd["inspections"][0]["inspector"].split("/")[0]')
  waitinspection "$city" "$t" assigned
done
zn 210100 draw inspections
zn 210200 draw inspections
zn 210100 deadlines

step "沈阳市国家保密局 finds a violation and refers it to 大连市国家保密局 (联动处置); 大连 finds none"
SY=$(zn 210100 draw inspections --json | jget 'd["inspections"][0]["id"]')
VIOLATOR=$(zn 210100 draw inspections --json | jget 'd["inspections"][0]["unit"]')
zn 210100 draw report "$SY" --findings "涉密人员未按规定签订保密承诺书；部分涉密载体未登记" \
  --violation --refer 210200/bmj --by "沈阳市国家保密局 检查组" >/dev/null
for t in $(zn 210100 draw inspections --json | jget '" ".join(i["id"] for i in d["inspections"][1:])'); do
  zn 210100 draw report "$t" --findings 未发现问题 --by "沈阳市国家保密局 检查组" >/dev/null
done
for t in $(zn 210200 draw inspections --json |
  jget '" ".join(i["id"] for i in d["inspections"] if i["inspector"] == "210200/bmj" and i["state"] == "assigned")'); do
  zn 210200 draw report "$t" --findings 未发现问题 --by "大连市国家保密局 检查组" >/dev/null
done
for t in $TASKS; do waitinspection $P "$t" reported; done
waitinspection 210200 "$SY" reported
zn $P draw inspections
echo "-- 联动处置: 大连市国家保密局 holds 沈阳's finding"
zn 210200 draw inspections "$SY"

step "信用记录 (LN 四.2): the violation is in the unit's record"
zn $P credit show --unit "$VIOLATOR"

step "飞行检查: unannounced, to 大连市国家保密局"
F=$(zn $P draw fly --unit 91210200MA00000202 --experts E1,E5 --report-by "$(day '10 days')" \
  --by "许可处 赵刚" --json | jget 'd["inspections"][0]["id"]')
waitinspection 210200 "$F" assigned
zn 210200 draw inspections "$F"

step "市场禁入 of $VIOLATOR: its next application is refused with the reason"
zn $P credit add --unit "$VIOLATOR" --kind exclusion --reason "整改不力，市场禁入二年" \
  --until "$(day '2 years')" --by 孙伟 >/dev/null
R5=$(zn $P licence apply --item carrier-production --grade 乙级 --unit "$VIOLATOR" \
  --name 再次申请 --region 210100 --materials "$MATERIALS" --by "收件员 李梅" --json |
  jget 'd["applications"][0]["id"]')
zn $P licence show "$R5"
zn $P credit show --unit "$VIOLATOR"

step "an application that arrived by EMS today and waits: its Art. 32 step is a duty of the bureau"
zn $P licence apply --item carrier-production --grade 乙级 --unit 91210300MA00000301 \
  --name 鞍山印刷有限公司 --region 210300 --materials "$MATERIALS" --waybill EA100000010CN \
  --sender 鞍山印刷有限公司 --arrived "$(day today)" --by "收件员 李梅" >/dev/null
zn $P licence list

step "the bureau's licensing duties (行政许可法 Art. 32, 42, 44)"
zn $P deadlines
echo
echo "Liaoning scenario done: every step above was taken on real node processes."
