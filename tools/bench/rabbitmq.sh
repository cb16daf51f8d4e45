#!/usr/bin/env bash
# zhuji beside RabbitMQ, in the same sitting (issue #11; docs/performance.md). Optional for
# users and not part of CI: it installs Debian's rabbitmq-server and librabbitmq-dev (root or
# sudo), builds zhuji if needed and the RabbitMQ client tools/bench/rabbitmq_bench.cc, starts a
# private RabbitMQ on loopback (its own data directory, a free port; stopped at the end), then
# alternates, ROUNDS times:
#
#   zhuji bench hop --json    best case, the hop with security off and on (3 processes)
#   zhuji-bench-rabbitmq      a durable queue end to end, and a relay between two durable queues
#                             (persistent messages, publisher confirms, consumer acks)
#
# and prints one table with the ratios. Usage:
#   tools/bench/rabbitmq.sh [--rounds N] [--count N] [--size BYTES] [--window N] [--dir DIR]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
ROUNDS=3
COUNT=100000
SIZE=1024
WINDOW=1024
DIR="${TMPDIR:-/var/tmp}"

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --count) COUNT="$2"; shift 2 ;;
    --size) SIZE="$2"; shift 2 ;;
    --window) WINDOW="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "rabbitmq.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! dpkg -s rabbitmq-server librabbitmq-dev >/dev/null 2>&1; then
  echo "installing rabbitmq-server and librabbitmq-dev (Debian packages) …"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    rabbitmq-server librabbitmq-dev
fi
if [ ! -x "$BUILD_DIR/bin/zhuji-bench" ]; then
  BUILD_DIR="$BUILD_DIR" "$ROOT/deploy/build.sh"
fi
CLIENT="$BUILD_DIR/bin/zhuji-bench-rabbitmq"
g++ -std=c++20 -O2 -Wall -Wextra -Werror "$ROOT/tools/bench/rabbitmq_bench.cc" -lrabbitmq \
  -pthread -o "$CLIENT"

# A private RabbitMQ: its own node name, data, logs and Erlang cookie under a scratch directory.
SCRATCH="$(mktemp -d "$DIR/zhuji-rabbitmq.XXXXXX")"
mkdir -p "$SCRATCH/mnesia" "$SCRATCH/log"
echo "[]." > "$SCRATCH/enabled_plugins"
EPMD_BEFORE=0
pgrep -x epmd >/dev/null && EPMD_BEFORE=1
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  fi
  [ "$EPMD_BEFORE" -eq 1 ] || epmd -kill >/dev/null 2>&1 || true
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

start_server() {  # on a free port; tries again if another program took it meanwhile
  local attempt
  for attempt in 1 2 3 4 5; do
    PORT=$((20000 + RANDOM % 20000))
    (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && continue  # in use
    HOME="$SCRATCH" RABBITMQ_NODENAME="zhujibench$PORT@localhost" \
      RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$PORT" \
      RABBITMQ_DIST_PORT=$((PORT + 1)) RABBITMQ_MNESIA_BASE="$SCRATCH/mnesia" \
      RABBITMQ_LOG_BASE="$SCRATCH/log" RABBITMQ_ENABLED_PLUGINS_FILE="$SCRATCH/enabled_plugins" \
      ERL_EPMD_ADDRESS=127.0.0.1 \
      setsid /usr/lib/rabbitmq/bin/rabbitmq-server > "$SCRATCH/server.out" 2>&1 &
    SERVER_PID=$!
    # Generous: Erlang takes seconds to start, more on a busy machine.
    for _ in $(seq 1 600); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      if grep -q "completed with" "$SCRATCH/server.out" 2>/dev/null &&
         (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
        return 0
      fi
      sleep 0.2
    done
    echo "RabbitMQ did not start on port $PORT (attempt $attempt); see below" >&2
    tail -5 "$SCRATCH/server.out" >&2 || true
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  done
  echo "rabbitmq.sh: RabbitMQ would not start" >&2
  exit 1
}

field() {  # field JSON OBJECT KEY: the integer KEY inside "OBJECT":{…} (or at top level)
  local json="$1" object="$2" key="$3"
  if [ -n "$object" ]; then
    json="$(printf '%s' "$json" | grep -o "\"$object\":{[^}]*}")"
  fi
  printf '%s' "$json" | grep -o "\"$key\":[0-9]*" | head -1 | cut -d: -f2
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

start_server
echo "RabbitMQ $(dpkg-query -W -f='${Version}' rabbitmq-server) on 127.0.0.1:$PORT (data in $SCRATCH)"
echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM; stores under $DIR"
echo "load: $COUNT messages of $SIZE B per run, $ROUNDS rounds, zhuji and RabbitMQ alternately"
echo

ROWS=()
LATENCY=()
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round: zhuji bench hop …" >&2
  HOP="$("$BUILD_DIR/bin/zhuji-bench" hop --json --count "$COUNT" --size "$SIZE" --dir "$DIR")"
  echo "round $round: RabbitMQ …" >&2
  RMQ="$("$CLIENT" --port "$PORT" --count "$COUNT" --size "$SIZE" --window "$WINDOW")"
  best=$(field "$HOP" best_case acked_per_s)
  plain=$(field "$HOP" hop acked_per_s)
  secure=$(field "$HOP" hop_secure acked_per_s)
  queue=$(field "$RMQ" "" queue_per_s)
  relay=$(field "$RMQ" "" relay_per_s)
  lat=""
  for o in best_case hop hop_secure; do
    lat="$lat | $(ms "$(field "$HOP" "$o" latency_p50_us)") / $(ms "$(field "$HOP" "$o" latency_p99_us)")"
  done
  p50_best=$(field "$HOP" best_case latency_p50_us)
  LATENCY+=("| $round$lat | $(ratio "$(field "$HOP" hop latency_p50_us)" "$p50_best")× / $(ratio "$(field "$HOP" hop_secure latency_p50_us)" "$p50_best")× |")
  ROWS+=("| $round | $best | $plain ($(ratio "$plain" "$best")× best) | $secure ($(ratio "$secure" "$best")× best) | $queue | $relay | $(ratio "$plain" "$queue")× / $(ratio "$plain" "$relay")× | $(ratio "$secure" "$queue")× / $(ratio "$secure" "$relay")× |")
done

echo "| round | best case /s | zhuji hop, plain /s | zhuji hop, secure /s | RabbitMQ durable queue /s | RabbitMQ relay /s | plain ÷ queue / relay | secure ÷ queue / relay |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "One at a time (zhuji bench hop: 1000 round trips each), p50 / p99 in ms:"
echo
echo "| round | best case | zhuji hop, plain | zhuji hop, secure | p50 plain / secure ÷ best |"
echo "|---|---|---|---|---|"
printf '%s\n' "${LATENCY[@]}"
echo
echo "zhuji: acknowledged envelopes per second, fsync on every commit (zhuji bench hop --help)."
echo "RabbitMQ: persistent $SIZE B messages, durable queues, publisher confirms and consumer acks,"
echo "window $WINDOW; relay = consume q1, publish to q2, ack q1 once q2 confirmed."
