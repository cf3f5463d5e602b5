#pragma once
// The harness of the auth end-to-end suites (auth_e2e_test, email_e2e_test): a cookie-keeping
// Browser over raw HTTP, Set-Cookie parsing, the mariadb CLI, log scanning, and AuthE2E, the
// fixture that gives a suite a database of its own (vibework_auth_e2e_<pid>), dropped at the end.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "child_process.hpp"
#include "http_client.hpp"
#include "server_under_test.hpp"
#include "vibework/testkit/eventually.hpp"
#include "vibework/testkit/ports.hpp"
#include "vibework/testkit/process.hpp"

using namespace std::chrono_literals;  // (the harness's own timeouts)


// One test program includes this (the functions are not inline).
namespace vibework::e2e::auth_harness {

using boost::beast::http::verb;
using ::testing::HasSubstr;
using ::testing::Not;
using vibework::testkit::eventually;

constexpr const char* session_cookie = "better-auth.session_token";
constexpr const char* data_cookie = "better-auth.session_data";
constexpr const char* dont_remember_cookie = "better-auth.dont_remember";
constexpr const char* trusted_origin = "http://localhost:3000";  // AUTH_URL's default origin
constexpr const char* password = "correct horse battery";

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v == nullptr || *v == '\0' ? fallback : std::string(v);
}

std::string pid_text() { return std::to_string(::getpid()); }

// An email nobody else uses (the suite may run beside itself).
std::string unique_email(const std::string& tag) {
  static std::atomic<int> n{0};
  return tag + "-" + pid_text() + "-" + std::to_string(++n) + "@example.com";
}

boost::json::value json_of(const HttpResult& r) {
  try {
    return boost::json::parse(r.body);
  } catch (const std::exception&) {
    ADD_FAILURE() << "not JSON (status " << r.status << "): " << r.body;
    return nullptr;
  }
}

std::string str(const boost::json::value& v, std::string_view key) {
  if (!v.is_object() || !v.as_object().contains(key) || !v.at(key).is_string()) return "<no string " + std::string(key) + ">";
  return std::string(v.at(key).as_string());
}

std::string header(const HttpResult& r, std::string_view name) {
  const auto it = r.message.find(name);
  return it == r.message.end() ? std::string() : std::string(it->value());
}

bool has_header(const HttpResult& r, std::string_view name) { return r.message.find(name) != r.message.end(); }

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// One Set-Cookie header: name, value and its attributes (names lower-cased; flags map to "").
struct SetCookie {
  std::string name, value;
  std::map<std::string, std::string> attributes;
  std::string raw;
  bool has(const std::string& attribute) const { return attributes.contains(attribute); }
  std::string attribute(const std::string& a) const {
    const auto it = attributes.find(a);
    return it == attributes.end() ? std::string("<absent>") : it->second;
  }
  bool clears() const { return value.empty() && attribute("max-age") == "0"; }
};

std::vector<SetCookie> set_cookies(const HttpResult& r) {
  std::vector<SetCookie> out;
  const auto [first, last] = r.message.equal_range(boost::beast::http::field::set_cookie);
  for (auto it = first; it != last; ++it) {
    SetCookie c;
    c.raw = std::string(it->value());
    std::stringstream parts(c.raw);
    std::string part;
    bool first_part = true;
    while (std::getline(parts, part, ';')) {
      part = trim(part);
      const auto eq = part.find('=');
      if (first_part) {
        c.name = part.substr(0, eq);
        c.value = eq == std::string::npos ? "" : part.substr(eq + 1);
        first_part = false;
      } else {
        c.attributes[lower(part.substr(0, eq))] = eq == std::string::npos ? "" : part.substr(eq + 1);
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<SetCookie> find_cookie(const HttpResult& r, const std::string& name) {
  for (auto& c : set_cookies(r)) {
    if (c.name == name) return c;
  }
  return std::nullopt;
}

std::string all_set_cookies(const HttpResult& r) {
  std::string out;
  for (const auto& c : set_cookies(r)) out += "  Set-Cookie: " + c.raw + "\n";
  return out.empty() ? "  (no Set-Cookie)\n" : out;
}

// A browser's cookies for one site: Set-Cookie stores, Max-Age=0 deletes.
struct Jar {
  std::map<std::string, std::string> cookies;
  void absorb(const HttpResult& r) {
    for (const auto& c : set_cookies(r)) {
      if (c.clears()) {
        cookies.erase(c.name);
      } else {
        cookies[c.name] = c.value;
      }
    }
  }
  std::string header() const {
    std::string h;
    for (const auto& [k, v] : cookies) h += (h.empty() ? "" : "; ") + k + "=" + v;
    return h;
  }
  bool has(const std::string& name) const { return cookies.contains(name); }
};

// A client of one server that keeps cookies and sends a trusted Origin with every POST, as a
// browser on AUTH_URL's origin does.
struct Browser {
  TestClient client;
  Jar jar;
  std::string origin = trusted_origin;

  explicit Browser(unsigned short port) : client(port) {}

  HttpResult get(const std::string& path, Headers extra = {}) {
    if (!jar.cookies.empty()) extra.emplace_back("Cookie", jar.header());
    auto r = client.send(verb::get, "/api/auth" + path, extra);
    jar.absorb(r);
    return r;
  }
  HttpResult post(const std::string& path, const std::string& body = "{}", Headers extra = {}) {
    if (!jar.cookies.empty()) extra.emplace_back("Cookie", jar.header());
    if (!origin.empty()) extra.emplace_back("Origin", origin);
    if (!body.empty()) extra.emplace_back("Content-Type", "application/json");
    auto r = client.send(verb::post, "/api/auth" + path, extra, body);
    jar.absorb(r);
    return r;
  }
  HttpResult post(const std::string& path, const boost::json::object& body, Headers extra = {}) {
    return post(path, boost::json::serialize(body), std::move(extra));
  }
  HttpResult sign_up(const std::string& email, const std::string& name = "Test User") {
    return post("/sign-up/email", boost::json::object{{"name", name}, {"email", email}, {"password", password}});
  }
  HttpResult sign_in(const std::string& email, const std::string& pw = password) {
    return post("/sign-in/email", boost::json::object{{"email", email}, {"password", pw}});
  }
  // The session token in the session cookie (before the signature).
  std::string token() const {
    const auto it = jar.cookies.find(session_cookie);
    if (it == jar.cookies.end()) return {};
    const auto decoded = percent_decode(it->second);
    return decoded.substr(0, decoded.rfind('.'));
  }
};

// "2026-08-18T12:34:56.789Z" as a time point.
std::chrono::system_clock::time_point parse_iso(const std::string& text) {
  std::tm tm{};
  int millis = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec, &millis) != 7) {
    ADD_FAILURE() << "not an ISO date with milliseconds: " << text;
    return {};
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&tm)) + std::chrono::milliseconds(millis);
}

std::chrono::milliseconds ms_between(std::chrono::system_clock::time_point a, std::chrono::system_clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b - a);
}

// Runs the mariadb client (as root unless told) on the local server; the password goes in
// MYSQL_PWD, so it is on no command line. Returns the output, tab-separated, no column names.
std::string sql(const std::string& statements, const std::string& user = env_or("MYSQL_USER", "root"),
                const std::string& pw = env_or("MYSQL_PASSWORD", "password")) {
  const std::string client = access("/usr/bin/mariadb", X_OK) == 0 ? "/usr/bin/mariadb" : "/usr/bin/mysql";
  ChildProcess p(client,
                 {"--protocol=TCP", "-h", env_or("MYSQL_HOST", "127.0.0.1"), "-P", env_or("MYSQL_PORT", "3306"), "-u", user,
                  "-N", "-B", "-e", statements},
                 {{"MYSQL_PWD", pw}});
  const auto code = p.wait_for_exit(60s);
  if (code != 0) {
    ADD_FAILURE() << "mariadb client failed (" << (code ? std::to_string(*code) : "timeout") << ") on: " << statements
                  << "\n" << p.output();
  }
  return p.output();
}

// The lines of `text` that contain `phrase`.
std::string matching_lines(const std::string& text, const std::string& phrase) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.find(phrase) != std::string::npos) out += line + "\n";
  }
  return out;
}

// How many lines of `text` contain `phrase`.
int lines_with(const std::string& text, const std::string& phrase) {
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) n += line.find(phrase) != std::string::npos ? 1 : 0;
  return n;
}

class AuthE2E : public ::testing::Test {
 protected:
  static std::string database() { return "vibework_auth_e2e_" + pid_text(); }

  static void SetUpTestSuite() {
    sql("DROP DATABASE IF EXISTS `" + database() + "`; CREATE DATABASE `" + database() +
        "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  }
  static void TearDownTestSuite() { sql("DROP DATABASE IF EXISTS `" + database() + "`"); }

  // The environment of every server of this suite: its own database, cheap Argon2id (the
  // tests hash often; the cost parameters are not what they test).
  static Env env(Env extra = {}) {
    extra.emplace("MYSQL_DATABASE", database());
    extra.emplace("AUTH_ARGON2_MEMORY_KIB", "8192");
    extra.emplace("AUTH_ARGON2_ITERATIONS", "1");
    extra.emplace("AUTH_ARGON2_PARALLELISM", "1");
    return extra;
  }
};

void expect_error(const HttpResult& r, unsigned status, const std::string& code, const std::string& message,
                  const std::string& what) {
  if (r.status != status) {  // one failure, with the whole answer, rather than three
    ADD_FAILURE() << what << ": expected " << status << " " << code << ", got " << r.status << " " << r.body;
    return;
  }
  const auto body = json_of(r);
  EXPECT_EQ(str(body, "code"), code) << what << ": " << r.body;
  if (!message.empty()) {
    EXPECT_EQ(str(body, "message"), message) << what << ": " << r.body;
  }
}

void expect_empty_404(const HttpResult& r, const std::string& what) {
  EXPECT_EQ(r.status, 404u) << what;
  EXPECT_EQ(r.body, "") << what;
}

// The session cookie as Better-Auth writes it: <token>.<44-char base64 HMAC>, percent-encoded,
// HttpOnly, SameSite=Lax, Path=/ (and not Secure over http outside production).
void expect_session_cookie(const SetCookie& c, const std::string& token, const std::string& max_age,
                           const std::string& what) {
  const auto decoded = percent_decode(c.value);
  const auto dot = decoded.rfind('.');
  ASSERT_NE(dot, std::string::npos) << what << ": " << c.raw;
  EXPECT_EQ(decoded.substr(0, dot), token) << what << ": " << c.raw;
  const auto signature = decoded.substr(dot + 1);
  EXPECT_EQ(signature.size(), 44u) << what << ": " << c.raw;
  EXPECT_TRUE(signature.ends_with("=")) << what << ": " << c.raw;
  EXPECT_THAT(c.value, Not(HasSubstr("="))) << what << ": the value is percent-encoded: " << c.raw;
  EXPECT_EQ(c.attribute("max-age"), max_age) << what << ": " << c.raw;
  EXPECT_TRUE(c.has("httponly")) << what << ": " << c.raw;
  EXPECT_EQ(c.attribute("samesite"), "Lax") << what << ": " << c.raw;
  EXPECT_EQ(c.attribute("path"), "/") << what << ": " << c.raw;
  EXPECT_FALSE(c.has("secure")) << what << ": " << c.raw;
}

void expect_token_shape(const std::string& token, const std::string& what) {
  EXPECT_EQ(token.size(), 32u) << what << ": " << token;
  EXPECT_TRUE(std::all_of(token.begin(), token.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }))
      << what << ": " << token;
}

void expect_user(const boost::json::value& user, const std::string& email, const std::string& name,
                 const std::string& what) {
  ASSERT_TRUE(user.is_object()) << what << ": " << boost::json::serialize(user);
  const auto& u = user.as_object();
  EXPECT_EQ(str(user, "email"), email) << what;
  EXPECT_EQ(str(user, "name"), name) << what;
  ASSERT_TRUE(u.contains("emailVerified")) << what;
  EXPECT_EQ(u.at("emailVerified"), boost::json::value(false)) << what;
  ASSERT_TRUE(u.contains("image")) << what;
  EXPECT_TRUE(u.at("image").is_null()) << what;
  EXPECT_FALSE(str(user, "id").empty()) << what;
  parse_iso(str(user, "createdAt"));
  parse_iso(str(user, "updatedAt"));
  for (const auto* secret : {"password", "accessToken", "refreshToken", "idToken"}) {
    EXPECT_FALSE(u.contains(secret)) << what << ": " << secret;
  }
}

std::vector<std::string> tokens_of(const HttpResult& list) {
  std::vector<std::string> out;
  const auto v = json_of(list);
  if (!v.is_array()) return out;
  for (const auto& s : v.as_array()) out.push_back(str(s, "token"));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// A private directory under /tmp for a server the test starts, removed with everything in it.
struct TempDir {
  std::string path;
  explicit TempDir(const std::string& prefix) {
    std::string pattern = "/tmp/" + prefix + "-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp " + pattern + " failed");
    path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

}  // namespace vibework::e2e::auth_harness
