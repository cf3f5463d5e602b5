#pragma once
// What was built: the project version and the git commit at configure time ("unknown" outside
// a git checkout). Only build_info.cpp sees the defines, so a new commit rebuilds one file.
#include <string_view>

namespace vibework::infra {

std::string_view build_version() noexcept;
std::string_view build_commit() noexcept;

}  // namespace vibework::infra
