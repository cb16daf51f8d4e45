#!/usr/bin/env bash
# Branches on their own machines, simulated with Linux network namespaces (issue #15): one host
# per city of 广东省 (deploy/topologies/guangdong.toml), one for the province and one for the
# county under test, joined by point-to-point lines (veth pairs), each running its own processes:
#   zj-prov   广东省 440000: the province's pair of brokers gd-a, gd-b and the province's node
#   zj-cCCCC  each of the 21 cities: its broker gd-CCCC (chained to both twins) and its node
#   zj-th     天河区 440106: the county under test, its node only, connected to 广州's broker
#             over the line zj-c4401 <-> zj-th
# Then the county's line is measured as it is, slowed (tc tbf: a 64 kbit/s line; tc netem delay
# and loss where the kernel has them), cut silently for seven days of fake clock while both
# sides work (blackhole routes at both ends: the links stay up, packets vanish, as when a line
# fails in between), and healed; each phase checks every notice arrived exactly once, and the
# deadlines.
#
#   deploy/netns-branches.sh [BUILD_DIR]      (root; default BUILD_DIR ./build)
#
# Needs root (ip netns, tc from iproute2) and python3. Ports are fixed (47000–47002) because each
# namespace is a fresh, private network stack: nothing else can hold them. Everything is torn
# down at the end (namespaces, processes); the run folder is printed and kept.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${1:-$here/build}/bin" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "netns-branches: run as root (network namespaces)" >&2; exit 1; }
run=$(mktemp -d "${TMPDIR:-/tmp}/zhuji-netns.XXXXXX")
zj() { "$bin/zhuji" --control "ipc://$run/$1/control.sock" --timeout 60000 "${@:2}"; }
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done  # clean stops
  for p in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  for ns in $(ip netns list | awk '/^zj-/{print $1}'); do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT
cleanup
# The cities: "CODE NAME" lines from the province's topology.
cities=$(python3 - "$here/deploy/topologies/guangdong.toml" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    t = tomllib.load(f)
for n in t["node"]:
    if n["level"] == "city":
        print(n["id"], n["name"])
PY
)
[ "$(echo "$cities" | wc -l)" = 21 ] || { echo "netns-branches: expected 21 cities" >&2; exit 1; }

echo "== hosts and lines (run folder $run)"
for ns in zj-prov zj-th $(echo "$cities" | awk '{print "zj-c" substr($1, 1, 4)}'); do
  ip netns add "$ns"
  ip netns exec "$ns" ip link set lo up
done
line() {  # line NS_A IP_A NS_B IP_B NAME: a point-to-point veth pair, NAME-a in A, NAME-b in B
  ip link add "$5-a" type veth peer name "$5-b"
  ip link set "$5-a" netns "$1"
  ip link set "$5-b" netns "$3"
  ip netns exec "$1" ip addr add "$2/30" dev "$5-a"
  ip netns exec "$3" ip addr add "$4/30" dev "$5-b"
  ip netns exec "$1" ip link set "$5-a" up
  ip netns exec "$3" ip link set "$5-b" up
}
i=0
while read -r code name; do
  i=$((i + 1))
  line zj-prov "10.78.$i.1" "zj-c${code:0:4}" "10.78.$i.2" "zc${code:0:4}"
done <<<"$cities"
line zj-c4401 10.77.2.1 zj-th 10.77.2.2 zjth
echo "  zj-prov 10.78.N.1 — 10.78.N.2 zj-cCCCC for the 21 cities; zj-c4401 10.77.2.1 — 10.77.2.2 zj-th"

start_broker() {  # start_broker NS ID ARGS...
  local ns=$1 id=$2; shift 2
  mkdir -p "$run/$id"
  ip netns exec "$ns" "$bin/zhuji-broker" --id "$id" --endpoint-file "$run/$id/endpoint" "$@" \
    >"$run/$id/broker.log" 2>&1 &
  pids+=($!)
  disown
  for _ in $(seq 600); do [ -s "$run/$id/endpoint" ] && return 0; sleep 0.1; done
  echo "netns-branches: broker $id did not start: $(tail -3 "$run/$id/broker.log")" >&2; exit 1
}
start_node() {  # start_node NS ID LEVEL PARENT BROKERS
  local ns=$1 id=$2
  mkdir -p "$run/$id"
  {
    echo "node_id = \"$id\""
    echo "name = \"netns $id\""
    echo "level = \"$3\""
    [ -n "$4" ] && echo "parent = \"$4\""
    echo "brokers = [$5]"
    echo "data_dir = \"$run/$id\""
    echo "log_file = \"$run/$id/node.log\""
    echo "[clock]"
    echo "fake_start = \"2026-09-21 09:00\""  # TESTS ONLY: `zhuji clock` moves it
  } >"$run/$id/node.toml"
  ip netns exec "$ns" "$bin/zhuji-node" --config "$run/$id/node.toml" >"$run/$id/stderr.log" 2>&1 &
  pids+=($!)
  disown
}
echo "== start: two province brokers, 21 city brokers, 23 nodes"
start_broker zj-prov gd-a --bind tcp://0.0.0.0:47001
start_broker zj-prov gd-b --bind tcp://0.0.0.0:47002
start_node zj-prov 440000 province "" '"tcp://127.0.0.1:47001", "tcp://127.0.0.1:47002"'
i=0
while read -r code name; do
  i=$((i + 1))
  start_broker "zj-c${code:0:4}" "gd-${code:0:4}" --bind tcp://0.0.0.0:47000 \
    --upstream "tcp://10.78.$i.1:47001" --upstream "tcp://10.78.$i.1:47002"
  start_node "zj-c${code:0:4}" "$code" city 440000 '"tcp://127.0.0.1:47000"'
done <<<"$cities"
start_node zj-th 440106 county 440100 '"tcp://10.77.2.1:47000"'
nodes="440000 440106 $(echo "$cities" | awk '{print $1}')"
for id in $nodes; do
  for _ in $(seq 600); do
    zj $id status --json 2>/dev/null | grep -q '"up":true' && break
    sleep 0.1
  done
  zj $id status --json | grep -q '"up":true' || { echo "netns-branches: $id never linked" >&2; exit 1; }
done
echo "  every node's link is up"

# count NODE PREFIX ORIGIN N: exits 0 when NODE holds "PREFIX #1".."PREFIX #N" from ORIGIN, each
# once; prints what it holds.
count() {
  zj "$1" inbox --all --json | python3 -c '
import json, sys
prefix, origin, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
seen = {}
for e in json.load(sys.stdin):
    if e["from"] == origin and e["text"].startswith(prefix + " #"):
        k = int(e["text"].split("#")[1]); seen[k] = seen.get(k, 0) + 1
twice = sum(1 for v in seen.values() if v > 1)
print(f"{len(seen)}/{n} distinct, {twice} twice")
sys.exit(0 if len(seen) == n and twice == 0 and all(1 <= k <= n for k in seen) else 1)
' "$2" "$3" "$4"
}
# wait_count SECONDS NODE PREFIX ORIGIN N: waits, then prints the result and the seconds taken.
wait_count() {
  local limit=$1 t0=$SECONDS
  for _ in $(seq $((limit * 5))); do
    count "${@:2}" >/dev/null && break
    sleep 0.2
  done
  echo "  $2 holds \"$3\" from $4: $(count "${@:2}" || true) after $((SECONDS - t0)) s"
  count "${@:2}" >/dev/null
}
send() { zj "$1" send --to "$2" --text "$3" --count "$4" >/dev/null; }

echo "== 1. the line as it is: 200 notices each way between 天河区 and 广东省"
send 440106 440000 line-up 200
send 440000 440106 line-down 200
wait_count 120 440000 line-up 440106 200
wait_count 120 440106 line-down 440000 200
send 445300 440106 far-city 50   # 云浮市 → 天河区: two city brokers and a twin between
wait_count 120 440106 far-city 445300 50

echo "== 2. a slow line: 64 kbit/s each way (tc tbf)"
# netem where the kernel has it (probed on a scratch link): 300 ms each way and 2 % loss.
ip link add zjprobe-a type veth peer name zjprobe-b
if tc qdisc add dev zjprobe-a root netem delay 1ms 2>/dev/null; then netem=yes; else netem=no; fi
ip link del zjprobe-a
for side in "zj-c4401 zjth-a" "zj-th zjth-b"; do
  set -- $side
  if [ $netem = yes ]; then
    ip netns exec "$1" tc qdisc add dev "$2" root handle 1: netem delay 300ms loss 2%
    ip netns exec "$1" tc qdisc add dev "$2" parent 1: handle 2: tbf rate 64kbit burst 8kb latency 5s
  else
    ip netns exec "$1" tc qdisc add dev "$2" root tbf rate 64kbit burst 8kb latency 5s
  fi
done
if [ $netem = yes ]; then
  echo "  64 kbit/s, 300 ms delay and 2 % loss each way (tc netem + tbf)"
else
  echo "  64 kbit/s each way (tc tbf); tc netem (delay, loss) is not in this kernel"
fi
send 440106 440000 slow-up 200
send 440000 440106 slow-down 200
wait_count 600 440000 slow-up 440106 200
wait_count 600 440106 slow-down 440000 200
for side in "zj-c4401 zjth-a" "zj-th zjth-b"; do
  set -- $side
  ip netns exec "$1" tc qdisc del dev "$2" root
done

echo "== 3. the line cut for seven days (fake clock) while both sides work"
# A duty of the county due on 09-21 (GD Art. 14, 10 working days from 09-08); its 督办 goes to
# the level above (no directory here: the parent node supervises).
zj 440106 deadlines open --item authorization/440106-2026-007 --step 备案 --rule "GD Art. 14" \
  --days 10 --from 2026-09-08 >/dev/null
# A silent cut: both links stay up, every packet between the two ends is dropped.
ip netns exec zj-th ip route add blackhole 10.77.2.1/32
ip netns exec zj-c4401 ip route add blackhole 10.77.2.2/32
send 440106 440000 cut-up 300
send 440000 440106 cut-down 300
for code in $(echo "$cities" | awk '{print $1}'); do send "$code" 440106 "cut-$code" 20; done
for id in $nodes; do zj $id clock advance --days 7 >/dev/null; done
for _ in $(seq 600); do  # the county's loop sees its new day and raises the 逾期报告
  overdue=$(zj 440106 deadlines --json | python3 -c 'import json,sys; print(sum(d["state"]=="overdue" for d in json.load(sys.stdin)["deadlines"]))')
  depth=$(zj 440106 status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["outbox_depth"])')
  [ "$overdue" = 1 ] && [ "$depth" -ge 301 ] && break
  sleep 0.2
done
supervised=$(zj 440100 deadlines --supervised --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
echo "  after 7 days cut off: the county's duty overdue on its own clock: $overdue; its outbox holds $depth"
echo "  (the 300 notices and the 逾期报告 among them); 广州市 lists $supervised 督办 (the line is down)"
[ "$overdue" = 1 ] && [ "$depth" -ge 301 ] && [ "$supervised" = 0 ] ||
  { echo "netns-branches: FAILED: the county did not work on its own while cut off" >&2; exit 1; }
t_heal=$SECONDS
ip netns exec zj-th ip route del blackhole 10.77.2.1/32
ip netns exec zj-c4401 ip route del blackhole 10.77.2.2/32
echo "== 4. healed"
wait_count 600 440000 cut-up 440106 300
wait_count 600 440106 cut-down 440000 300
for code in $(echo "$cities" | awk '{print $1}'); do
  wait_count 600 440106 "cut-$code" "$code" 20 >/dev/null ||
    { echo "netns-branches: FAILED: cut-$code" >&2; count 440106 "cut-$code" "$code" 20; exit 1; }
done
echo "  440106 holds the 20 notices of each of the 21 cities sent during the cut, each once"
for _ in $(seq 300); do
  supervised=$(zj 440100 deadlines --supervised --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
  [ "$supervised" = 1 ] && break
  sleep 0.2
done
echo "  广州市 lists $supervised 督办 from 440106 after the heal ($((SECONDS - t_heal)) s after the line came back)"
[ "$supervised" = 1 ] || { echo "netns-branches: FAILED: the 督办 did not arrive once" >&2; exit 1; }
echo
echo "netns-branches: OK — every notice exactly once in every phase; logs in $run"
