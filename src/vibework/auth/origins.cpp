#include "vibework/auth/origins.hpp"

#include <algorithm>
#include <regex>

#include <boost/url/parse.hpp>

#include "vibework/auth/text.hpp"

namespace vibework::auth {

namespace {
// Glob with * (any run) and ? (one character), case-insensitive, over the whole text.
bool glob_matches(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  auto same = [](char a, char b) { return ascii_lower(a) == ascii_lower(b); };
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || same(pattern[p], text[t]))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool is_http(std::string_view url) {
  const auto l = ascii_lower(url.substr(0, 8));
  return l.starts_with("http://") || l.starts_with("https://");
}

// myapp://host/path: the scheme must match; an authority, when the pattern has one, exactly;
// a path, when the pattern has one, as a prefix.
bool custom_scheme_matches(std::string_view pattern, std::string_view url) {
  const auto p_sep = pattern.find("://"), u_sep = url.find("://");
  if (p_sep == std::string_view::npos || u_sep == std::string_view::npos) return false;
  if (ascii_lower(pattern.substr(0, p_sep)) != ascii_lower(url.substr(0, u_sep))) return false;
  const std::string_view p_rest = pattern.substr(p_sep + 3), u_rest = url.substr(u_sep + 3);
  const auto p_slash = p_rest.find('/'), u_slash = u_rest.find('/');
  const std::string_view p_auth = p_rest.substr(0, p_slash), u_auth = u_rest.substr(0, u_slash);
  if (!p_auth.empty() && ascii_lower(p_auth) != ascii_lower(u_auth)) return false;
  if (p_slash == std::string_view::npos) return true;
  const std::string_view p_path = p_rest.substr(p_slash);
  const std::string_view u_path = u_slash == std::string_view::npos ? std::string_view() : u_rest.substr(u_slash);
  return u_path.starts_with(p_path);
}

bool pattern_matches(std::string_view pattern, std::string_view url) {
  const bool has_glob = pattern.find_first_of("*?") != std::string_view::npos;
  if (has_glob) {
    if (pattern.find("://") != std::string_view::npos) {
      const std::string origin = origin_of(url);
      return glob_matches(pattern, origin.empty() ? url : std::string_view(origin));
    }
    const auto r = boost::urls::parse_absolute_uri(url);
    return r && glob_matches(pattern, r->host());
  }
  if (is_http(pattern)) {
    const std::string origin = origin_of(url);
    return !origin.empty() && origin == origin_of(pattern);
  }
  return custom_scheme_matches(pattern, url);
}

// Better-Auth 1.7.1's rule for relative callback values.
const std::regex& safe_relative_path() {
  static const std::regex re(R"(^/(?!/|\\|%2f|%5c)[\w\-.+/@]*(?:\?[\w\-.+/=&%@]*)?$)",
                             std::regex::ECMAScript | std::regex::icase);
  return re;
}

bool is_read_only(std::string_view method) { return method == "GET" || method == "HEAD" || method == "OPTIONS"; }

// Origin, else Referer, checked against the trusted list.
std::string check_origin_header(const OriginHeaders& h, const TrustedOrigins& trusted) {
  const std::string_view source = !h.origin.empty() ? h.origin : h.referer;
  if (source.empty() || source == "null") return "MISSING_OR_NULL_ORIGIN";
  return trusted.allows(source) ? "" : "INVALID_ORIGIN";
}
}  // namespace

std::string origin_of(std::string_view url) {
  const auto r = boost::urls::parse_absolute_uri(url);
  if (!r || !r->has_authority() || r->host().empty()) return "";
  const std::string scheme = ascii_lower(r->scheme());
  if (scheme != "http" && scheme != "https") return "";
  std::string origin = scheme + "://" + ascii_lower(r->host());
  if (r->has_port()) {
    const auto port = r->port();
    const bool default_port = (scheme == "http" && port == "80") || (scheme == "https" && port == "443");
    if (!default_port) origin += ":" + std::string(port);
  }
  return origin;
}

TrustedOrigins::TrustedOrigins(std::string_view base_url, const std::vector<std::string>& patterns) {
  if (auto origin = origin_of(base_url); !origin.empty()) patterns_.push_back(std::move(origin));
  for (const auto& p : patterns) {
    if (!p.empty()) patterns_.push_back(p);
  }
}

bool TrustedOrigins::allows(std::string_view url) const {
  return std::any_of(patterns_.begin(), patterns_.end(), [&](const std::string& p) { return pattern_matches(p, url); });
}

bool TrustedOrigins::allows_callback(std::string_view value) const {
  if (value.starts_with('/')) return std::regex_match(value.begin(), value.end(), safe_relative_path());
  return allows(value);
}

std::string origin_check(const OriginHeaders& h, const TrustedOrigins& trusted) {
  if (is_read_only(h.method) || !h.has_cookie) return "";
  return check_origin_header(h, trusted);
}

std::string form_csrf_check(const OriginHeaders& h, const TrustedOrigins& trusted) {
  if (h.has_cookie) return origin_check(h, trusted);
  if (!h.sec_fetch_site.empty() || !h.sec_fetch_mode.empty() || !h.sec_fetch_dest.empty()) {
    if (h.sec_fetch_site == "cross-site" && h.sec_fetch_mode == "navigate") return "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED";
    return check_origin_header(h, trusted);
  }
  if (!h.origin.empty() || !h.referer.empty()) return check_origin_header(h, trusted);
  return "";
}

}  // namespace vibework::auth
