#include "vibework/infra/build_info.hpp"

#ifndef VIBEWORK_BUILD_VERSION
#define VIBEWORK_BUILD_VERSION "unknown"
#endif
#ifndef VIBEWORK_BUILD_COMMIT
#define VIBEWORK_BUILD_COMMIT "unknown"
#endif

namespace vibework::infra {

std::string_view build_version() noexcept { return VIBEWORK_BUILD_VERSION; }
std::string_view build_commit() noexcept { return VIBEWORK_BUILD_COMMIT; }

}  // namespace vibework::infra
