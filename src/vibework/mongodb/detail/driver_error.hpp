#pragma once
// Internal (not included by public headers). Turns a mongo-c-driver error (bson_error_t, error API v2) into the vibework error hierarchy,
// with the address and a hint. Server errors keep their code in the message.
#include <string>
#include <string_view>

#include <bson/bson.h>

namespace vibework::mongodb {

// `what`: the operation ("insert into notifications"); `address`: hosts from the URI.
[[noreturn]] void throw_driver_error(const bson_error_t& error, std::string_view what, const std::string& address);

}  // namespace vibework::mongodb
