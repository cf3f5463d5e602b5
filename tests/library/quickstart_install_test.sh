#!/usr/bin/env bash
# quickstart_install_test.sh <vibework build dir> <quickstart source> <work dir> <c++ compiler> [sanitizer flags]
# Installs the already-built vibework into <work dir>/prefix (`cmake --install`: nothing is
# rebuilt), builds examples/quickstart against it with find_package(vibework), and runs it
# against the services in the environment.
set -euo pipefail
build=$1 quickstart=$2 work=$3 cxx=$4 sanitize=${5:-}

rm -rf "$work"
mkdir -p "$work"
echo "== cmake --install $build --prefix $work/prefix"
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
for installed in include/vibework/vibework.hpp lib/cmake/vibework/vibeworkConfig.cmake \
                 lib/cmake/vibework/vibeworkConfigVersion.cmake lib/cmake/vibework/vibeworkTargets.cmake; do
  [[ -f $work/prefix/$installed ]] || { echo "not installed: $installed" >&2; exit 1; }
done
# The installed headers are exactly the parts' public HEADERS: no tests, test helpers, internals.
if ! diff <(sort "$build/vibework-public-headers.txt") <(cd "$work/prefix/include" && find vibework -type f | sort); then
  echo "the installed headers (>) differ from the public headers the parts declare (<)" >&2
  exit 1
fi
if leaked=$(cd "$work/prefix/include" && find . -name '*test*' | grep .); then
  echo "installed but internal: $leaked" >&2
  exit 1
fi

echo "== configure and build examples/quickstart against $work/prefix"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$quickstart" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_FLAGS="$sanitize" -DCMAKE_EXE_LINKER_FLAGS="$sanitize" "${launcher[@]}" \
  >"$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" -j2

echo "== run the quickstart"
"$work/build/quickstart"
