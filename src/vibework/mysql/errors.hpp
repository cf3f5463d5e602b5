#pragma once
// Turns a MySQL/MariaDB error number into vibework's error hierarchy with a hint. Server
// messages that can quote row data (duplicate entry) are rewritten so no value reaches a log.
#include <string>
#include <string_view>

namespace vibework::mysql {

[[noreturn]] void throw_mysql_error(unsigned int error_number, std::string_view sqlstate, std::string_view message,
                                    const std::string& address);

}  // namespace vibework::mysql
