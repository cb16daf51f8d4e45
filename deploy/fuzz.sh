#!/usr/bin/env bash
# Fuzzing (issue #10): builds the libFuzzer targets of tests/fuzz/ with clang (ASan + UBSan) and
# runs each on its seed corpus (tests/fuzz/corpus/<target>/, never written to; new inputs go to a
# temporary folder). A crash stops the run with the reproducer's path and exit status 1.
#
# Usage: deploy/fuzz.sh                 each target 10 s (what CI runs)
#        deploy/fuzz.sh --seconds S     each target S seconds
#        deploy/fuzz.sh --runs N        each target N executions (e.g. 10000000)
#        deploy/fuzz.sh --only TARGET   one target
set -euo pipefail
cd "$(dirname "$0")/.."
limit=(-max_total_time=10)
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) limit=(-max_total_time="$2"); shift 2 ;;
    --runs) limit=(-runs="$2"); shift 2 ;;
    --only) only="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

deploy/install-deps.sh
echo "== build the fuzz targets (clang, libFuzzer, ASan + UBSan)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZHUJI_FUZZ=ON \
  >/dev/null
cmake --build build-fuzz -j2 --target fuzz_all

targets=(fuzz_frame fuzz_envelope fuzz_matter fuzz_filing fuzz_control fuzz_toml)
[ -n "$only" ] && targets=("$only")
for t in "${targets[@]}"; do
  work=$(mktemp -d)
  log="$work/$t.log"
  echo "== $t (${limit[*]})"
  if ! UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "build-fuzz/bin/$t" "${limit[@]}" \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/" \
      "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz.sh: $t FAILED; reproducer and log in $work" >&2
    exit 1
  fi
  runs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  echo "   $t: ${runs:-?} executions, no crash"
  rm -rf "$work"
done
echo "== fuzzing: every target ran without a crash"
