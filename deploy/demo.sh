#!/usr/bin/env bash
# README command (1), the main job: installs what is needed, builds, starts the demo cluster of
# deploy/topologies/guangdong-demo.toml (one province, two cities, three districts, one broker),
# and sends notices (通知) between every county and the province while one county (南山区 440305)
# is stopped; restarts it; prints a delivery report: every notice delivered exactly once.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${DEMO_NOTICES:-50}          # notices per link
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

tag="demo-$(date +%H%M%S)"
echo
echo "== stop county $OFFLINE 南山区: it goes offline"
zc stop "$OFFLINE"

echo
echo "== each running county sends $N notices to the province $PROVINCE 广东省; the province sends $N to every county"
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
echo "== while $OFFLINE is offline, its notices wait in the province's outbox (待发):"
zn "$PROVINCE" status
echo
zc status || true

echo
echo "== restart county $OFFLINE; it sends its own $N notices once it is back"
zc start "$OFFLINE"
zn "$OFFLINE" send --to "$PROVINCE" --text "$tag" --count "$N"
links+=("$OFFLINE>$PROVINCE")

echo
linkspec=$(IFS=,; echo "${links[*]}")
zc report --tag "$tag" --expect "$N" --links "$linkspec" --wait-seconds 60
