#pragma once
// Internal: the pieces of the text exposition format, separate so the tests can check them.
#include <string>
#include <string_view>

namespace vibework::infra::metrics::detail {

// Label values: \ -> \\, " -> \", newline -> \n.
void append_label_value(std::string& out, std::string_view value);
// HELP text: \ -> \\, newline -> \n.
void append_help(std::string& out, std::string_view help);
// A sample value or bucket bound: shortest round-trip form, +Inf, -Inf, NaN.
void append_number(std::string& out, double value);

}  // namespace vibework::infra::metrics::detail
