#pragma once
// The built-in templates (internal): used for each kind and part MAIL_TEMPLATES_DIR does not override.
#include <map>
#include <string>

#include "vibework/mail/templates.hpp"

namespace vibework::mail::detail {

const std::map<std::string, Template, std::less<>>& default_templates();

}  // namespace vibework::mail::detail
