#pragma once
// Better-Auth's signed cookie values (better-call's signCookieValue), byte for byte, so a
// session cookie minted by either side verifies on the other:
//   signature = base64(HMAC-SHA256(key = secret, message = value))   (standard, padded: 44 chars)
//   cookie    = encodeURIComponent(value + "." + signature)
//
//   auto cookie = auth::sign_cookie_value(token, secrets.front());   // for Set-Cookie
//   auto token = auth::unsign_cookie_value(decoded, secrets);        // nullopt: no session
//
// Verification takes the percent-decoded value (cookie parsing decodes) and every secret of
// AUTH_SECRET's list (the first signs, all verify: rotation), comparing in constant time.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace vibework::auth {

// base64(HMAC-SHA256(secret, value)), standard alphabet with padding.
std::string cookie_signature(std::string_view value, std::string_view secret);

// The pieces, for the other signed formats (the session_data cookie cache).
std::string hmac_sha256(std::string_view value, std::string_view secret);  // raw 32 bytes
std::string base64(std::string_view bytes);                                // standard, padded
std::string base64url(std::string_view bytes);                             // URL alphabet, no padding
std::optional<std::string> base64url_decode(std::string_view text);        // nullopt: not base64url

// encodeURIComponent(value + "." + signature): what goes after `name=` in Set-Cookie.
std::string sign_cookie_value(std::string_view value, std::string_view secret);

// The value, when `signed_value` ("value.signature", percent-decoded) carries a valid signature
// by one of `secrets`; nullopt for no dot, an empty value, a malformed or wrong signature.
std::optional<std::string> unsign_cookie_value(std::string_view signed_value, std::span<const std::string> secrets);

// JavaScript's encodeURIComponent: everything but A-Z a-z 0-9 - _ . ! ~ * ' ( ) as %XX.
std::string encode_uri_component(std::string_view text);

}  // namespace vibework::auth
