#pragma once
#include <string>
#include <string_view>

namespace vibework::http {

// The client's X-Request-Id when it is usable (1..128 visible ASCII characters), else a new
// random 32-hex-digit id.
std::string request_id_for(std::string_view incoming);

}  // namespace vibework::http
