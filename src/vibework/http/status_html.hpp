#pragma once
// The /status page: one self-contained HTML document (inline style and script, no external
// assets). Every value from the view is HTML-escaped: messages carry addresses and text from
// the outside. With JavaScript it refreshes itself from /status.json every 2 s; without, a
// <noscript> meta refresh reloads it every 5 s.
#include <string>

#include "vibework/http/status_view.hpp"

namespace vibework::http {

std::string render_status_html(const StatusView& view);

}  // namespace vibework::http
