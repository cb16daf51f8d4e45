#!/usr/bin/env bash
# The console in a real browser (issue #17), part of README command (2) and runnable alone:
# starts the demo cluster (deploy/topologies/guangdong-demo.toml) in a scratch folder, takes a
# matter up three levels to a decision, gives 天河区 an overdue duty, and runs
# tests/console/browser_test.py (headless Chromium + Selenium, Debian's packages) against it.
# CONSOLE_SCREENSHOTS=DIR saves the pages' screenshots there (docs/console/ is made this way).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${CONSOLE_NO_BUILD:-}" = 1 ] || { deploy/install-deps.sh; BUILD_DIR=build deploy/build.sh; }
Z=build/bin/zhuji
TOPO=deploy/topologies/guangdong-demo.toml
RUN_DIR=$(mktemp -d /tmp/zhuji-console.XXXXXX)
zc() { "$Z" cluster "$1" "$TOPO" --run-dir "$RUN_DIR" "${@:2}"; }
zn() { local node=$1; shift; "$Z" --cluster "$TOPO" --run-dir "$RUN_DIR" --node "$node" "$@"; }
trap 'zc down >/dev/null 2>&1 || true; rm -rf "$RUN_DIR"' EXIT

echo "== console check: demo cluster in $RUN_DIR"
zc up >/dev/null
echo "-- 不明确事项 up three levels: 天河区教育局 → 广州市教育局 → 广东省教育厅 → 广东省国家保密局"
ID=$(zn 440106 matter report --organ jyj --title "2027年某专业技术考试命题工作方案" --mark "秘密★5年" \
  --scope "命题组成员" --materials 申报不明确事项公文,不明确事项定密申报表,不明确事项的具体内容 --json |
  sed -n 's/^[[{]*{"id":"\([^"]*\)".*/\1/p' | head -1)
zn 440100 matter wait "$ID" --held-by 440100/jyj >/dev/null
zn 440100 matter review "$ID" --forward --opinion "属于不明确事项，同意上报" --reviewer 张三 >/dev/null
zn 440000 matter wait "$ID" --held-by 440000/jyt >/dev/null
zn 440000 matter review "$ID" --forward --opinion "材料齐全，报请确定" --reviewer 王五 >/dev/null
zn 440000 matter wait "$ID" --held-by 440000/bmj >/dev/null
zn 440000 matter decide "$ID" --mark "机密★10年" --scope "命题组成员及主管领导" --by 李四 >/dev/null
zn 440106 matter wait "$ID" --final >/dev/null
echo "-- an overdue duty at 天河区 (opened on a day long past)"
FROM=$(date -d "-60 days" +%F)
zn 440106 deadlines open --item 2026-备案-示例 --step report --rule "GD Art. 14" --days 10 \
  --from "$FROM" --title "定密授权备案（示例）" >/dev/null
zn 440106 deadlines open --item 2026-统计-示例 --step report --rule "GD Art. 46" --days 40 \
  --title "年度定密统计（示例）" >/dev/null
echo "-- the browser"
/usr/bin/python3 tests/console/browser_test.py --zhuji "$Z" --topology "$TOPO" --run-dir "$RUN_DIR" \
  --matter "$ID" --county 440106 --province 440000 --screenshots "${CONSOLE_SCREENSHOTS:-}"
