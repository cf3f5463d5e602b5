# Compiler flags shared by every target: strict warnings, ccache, sanitizers.
option(VIBEWORK_WERROR "Treat warnings as errors" ON)
option(VIBEWORK_SANITIZE "Build with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  # Precompiled headers need these sloppiness settings to be cacheable; BASEDIR and NOHASHDIR
  # let another checkout of the same sources (a CI clone, a worktree) hit the same cache.
  set(CMAKE_CXX_COMPILER_LAUNCHER
      ${CMAKE_COMMAND} -E env "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
      "CCACHE_BASEDIR=${PROJECT_SOURCE_DIR}" "CCACHE_NOHASHDIR=true"
      ${CCACHE_PROGRAM})
  # Clang stamps a PCH with its headers' mtimes and rejects a cached PCH restored later;
  # ccache's manual asks for this flag (GCC has no such check).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    add_compile_options("SHELL:-Xclang -fno-pch-timestamp")
  endif()
endif()

add_library(vibework_warnings INTERFACE)
target_compile_options(vibework_warnings INTERFACE -Wall -Wextra -Wpedantic
  $<$<BOOL:${VIBEWORK_WERROR}>:-Werror>
  # GCC 12 at -O2 reports Asio's coroutine frame allocator as a new/delete mismatch (a false
  # positive: frames are allocated and freed by the same operator pair).
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<CONFIG:RelWithDebInfo,Release>>:-Wno-mismatched-new-delete>)

add_library(vibework_sanitizers INTERFACE)
if(VIBEWORK_SANITIZE)
  target_compile_options(vibework_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(vibework_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# The Asio configuration: the defines must match across every translation unit that uses
# vibework, so vibework_core carries them PUBLIC (a user's own code gets them too).
set(VIBEWORK_ASIO_DEFINITIONS BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_DISABLE_BOOST_COROUTINE)

# Every vibework target links this PRIVATE: our warnings and sanitizers, never imposed on a
# project that uses vibework (add_subdirectory or find_package).
add_library(vibework_defaults INTERFACE)
target_link_libraries(vibework_defaults INTERFACE vibework_warnings vibework_sanitizers)
target_compile_definitions(vibework_defaults INTERFACE ${VIBEWORK_ASIO_DEFINITIONS})
