#!/usr/bin/env bash
# subproject_build_test.sh <vibework source> <fixture project> <work dir> <c++ compiler>
# Configures the fixture, a project that adds vibework with add_subdirectory (its CMakeLists
# checks that every library target and no test, app or benchmark target exists), then builds and
# runs its program, which compiles with the fixture's flags only.
set -euo pipefail
source_dir=$1 fixture=$2 work=$3 cxx=$4

rm -rf "$work"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$fixture" -B "$work" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DVIBEWORK_SOURCE_DIR="$source_dir" \
  -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}"
cmake --build "$work" -j2 --target consumer
"$work/consumer"
