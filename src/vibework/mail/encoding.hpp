#pragma once
// The MIME encodings a message needs (internal to the mail library).
#include <chrono>
#include <string>
#include <string_view>

namespace vibework::mail::encoding {

std::string base64(std::string_view bytes);
// RFC 2045 quoted-printable, CRLF line breaks, lines of at most 76 characters. Input line
// breaks (LF or CRLF) become hard CRLF breaks.
std::string quoted_printable(std::string_view text);
// A header value: as is when printable ASCII; else RFC 2047 encoded-words (=?UTF-8?B?...?=)
// of whole characters, folded with CRLF + space, each line well within 78 characters.
std::string header_text(std::string_view text);
// A display name in From/To: a quoted-string when it has specials, encoded-words when not ASCII.
std::string display_name(std::string_view name);
// RFC 5322 date-time in UTC: "Thu, 03 Dec 2026 07:33:06 +0000".
std::string rfc5322_date(std::chrono::system_clock::time_point t);

}  // namespace vibework::mail::encoding
