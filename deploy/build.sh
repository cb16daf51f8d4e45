#!/usr/bin/env bash
# Configures and builds zhuji into BUILD_DIR (default ./build) with -j2. Extra arguments go to
# CMake's configure step, e.g. deploy/build.sh -DZHUJI_SANITIZE=ON. Warnings are errors here
# (ZHUJI_WERROR=ON): this is how developers and CI build.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" -DZHUJI_WERROR=ON "$@" >/dev/null
cmake --build "$build_dir" -j2
