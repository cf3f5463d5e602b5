#include "vibework/pubsub/credentials.hpp"

#include <array>
#include <fstream>
#include <sstream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "vibework/infra/errors.hpp"

namespace vibework::pubsub {

namespace json = boost::json;

namespace {
constexpr char standard_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::string_view bytes, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    out.push_back(alphabet[(v >> 6) & 63]);
    out.push_back(alphabet[v & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const unsigned v = p[i] << 16;
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    if (pad) out.append("==");
  } else if (rest == 2) {
    const unsigned v = (p[i] << 16) | (p[i + 1] << 8);
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    out.push_back(alphabet[(v >> 6) & 63]);
    if (pad) out.push_back('=');
  }
  return out;
}

constexpr std::array<signed char, 256> decode_table() {
  std::array<signed char, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) {
    t[static_cast<unsigned char>(standard_alphabet[i])] = static_cast<signed char>(i);
    t[static_cast<unsigned char>(url_alphabet[i])] = static_cast<signed char>(i);
  }
  return t;
}
constexpr auto decoding = decode_table();

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::string sign_rs256(const std::string& pem, std::string_view data) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw infra::ConfigError("pubsub", "out of memory reading the service account key");
  std::unique_ptr<EVP_PKEY, PkeyDeleter> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    throw infra::ConfigError("pubsub", "the service account private_key is not a valid PEM private key",
                             "download a new JSON key for the service account and point GOOGLE_APPLICATION_CREDENTIALS at it");
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  std::size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    throw infra::ConfigError("pubsub", "cannot sign with the service account key (is it an RSA key?)");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    throw infra::ConfigError("pubsub", "signing the token request failed");
  }
  signature.resize(length);
  return signature;
}

std::string form_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}
}  // namespace

std::string base64_encode(std::string_view bytes) { return encode(bytes, standard_alphabet, true); }
std::string base64url_encode(std::string_view bytes) { return encode(bytes, url_alphabet, false); }

std::optional<std::string> base64_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : text) {
    const int v = decoding[c];
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  if (bits >= 6) return std::nullopt;  // a lone trailing character cannot be valid
  return out;
}

ServiceAccountKey parse_service_account_key(std::string_view text, const std::string& origin) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    throw infra::ConfigError("pubsub", fmt::format("GOOGLE_APPLICATION_CREDENTIALS: {} is not valid JSON", origin),
                             "download the service account's JSON key again");
  }
  const auto& obj = value.as_object();
  auto field = [&](const char* name, bool required) -> std::string {
    const auto* v = obj.if_contains(name);
    if (v && v->is_string()) return std::string(v->as_string());
    if (required) {
      throw infra::ConfigError("pubsub",
                               fmt::format("GOOGLE_APPLICATION_CREDENTIALS: {} has no \"{}\" (is it a service account key?)",
                                           origin, name),
                               "create a JSON key for a service account (IAM > Service accounts > Keys)");
    }
    return {};
  };
  ServiceAccountKey key;
  key.client_email = field("client_email", true);
  key.private_key = field("private_key", true);
  key.private_key_id = field("private_key_id", false);
  if (auto uri = field("token_uri", false); !uri.empty()) key.token_uri = uri;
  return key;
}

ServiceAccountKey load_service_account_key(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw infra::ConfigError("pubsub", fmt::format("GOOGLE_APPLICATION_CREDENTIALS: cannot read '{}'", path),
                             "point it at the service account's JSON key file, or unset it on GCE/GKE/Cloud Run");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_service_account_key(buffer.str(), "'" + path + "'");
}

std::string make_signed_jwt(const ServiceAccountKey& key, std::string_view scope, std::chrono::system_clock::time_point now) {
  const auto iat = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  json::object header{{"alg", "RS256"}, {"typ", "JWT"}};
  if (!key.private_key_id.empty()) header["kid"] = key.private_key_id;
  json::object claims{{"iss", key.client_email}, {"scope", scope},   {"aud", key.token_uri},
                      {"iat", iat},              {"exp", iat + 3600}};
  const std::string signing_input =
      base64url_encode(json::serialize(header)) + "." + base64url_encode(json::serialize(claims));
  return signing_input + "." + base64url_encode(sign_rs256(key.private_key, signing_input));
}

AccessToken parse_token_response(std::string_view body, std::string_view origin) {
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  const json::object* obj = (!ec && value.is_object()) ? &value.as_object() : nullptr;
  const json::value* token = obj ? obj->if_contains("access_token") : nullptr;
  const json::value* expires = obj ? obj->if_contains("expires_in") : nullptr;
  if (!token || !token->is_string() || !expires || !(expires->is_int64() || expires->is_uint64())) {
    throw infra::ProtocolError("pubsub", fmt::format("the token endpoint {} answered without access_token/expires_in", origin));
  }
  const auto seconds = expires->is_int64() ? expires->as_int64() : static_cast<std::int64_t>(expires->as_uint64());
  return {std::string(token->as_string()), std::chrono::steady_clock::now() + std::chrono::seconds(seconds)};
}

awaitable<std::string> AccessTokenSource::token() {
  {
    std::lock_guard lock(mutex_);
    if (cached_ && std::chrono::steady_clock::now() + refresh_margin < cached_->expires_at) co_return cached_->value;
  }
  // Two callers may refresh at once; both tokens are valid, the later one is kept.
  AccessToken fresh = co_await fetch();
  std::lock_guard lock(mutex_);
  ++fetches_;
  cached_ = fresh;
  co_return fresh.value;
}

void AccessTokenSource::invalidate() {
  std::lock_guard lock(mutex_);
  cached_.reset();
}

std::size_t AccessTokenSource::fetch_count() const {
  std::lock_guard lock(mutex_);
  return fetches_;
}

namespace {
HttpClientOptions token_client_options(const HttpEndpoint& endpoint, std::chrono::milliseconds timeout, std::string hint) {
  HttpClientOptions o;
  o.service = "pubsub";
  o.endpoint = endpoint;
  o.max_idle = 2;
  o.connect_timeout = timeout;
  o.unreachable_hint = std::move(hint);
  return o;
}

[[noreturn]] void throw_token_error(const HttpResponse& r, std::string_view origin) {
  // The body of a token error is {"error": "...", "error_description": "..."}: no secrets.
  std::string body = r.body.substr(0, 300);
  if (r.status == 400 || r.status == 401 || r.status == 403) {
    throw infra::QueryError("pubsub", fmt::format("the token endpoint {} refused the credentials (HTTP {}): {}", origin,
                                                  r.status, body),
                            "check that the service account key is current and not disabled");
  }
  throw infra::UnavailableError("pubsub", fmt::format("the token endpoint {} answered HTTP {}: {}", origin, r.status, body));
}
}  // namespace

ServiceAccountTokenSource::ServiceAccountTokenSource(ServiceAccountKey key, std::string scope,
                                                     std::chrono::milliseconds timeout)
    : key_(std::move(key)),
      scope_(std::move(scope)),
      target_(parse_url(key_.token_uri).target),
      timeout_(timeout),
      http_(token_client_options(parse_url(key_.token_uri).endpoint, timeout,
                                 "check network access to " + key_.token_uri)) {}

awaitable<AccessToken> ServiceAccountTokenSource::fetch() {
  HttpRequest request;
  request.method = "POST";
  request.target = target_;
  request.content_type = "application/x-www-form-urlencoded";
  request.body = "grant_type=" + form_encode("urn:ietf:params:oauth:grant-type:jwt-bearer") +
                 "&assertion=" + form_encode(make_signed_jwt(key_, scope_, std::chrono::system_clock::now()));
  auto response = co_await http_.send(std::move(request), timeout_);
  if (response.status != 200) throw_token_error(response, key_.token_uri);
  co_return parse_token_response(response.body, key_.token_uri);
}

MetadataTokenSource::MetadataTokenSource(std::string host, std::chrono::milliseconds timeout)
    : timeout_(timeout),
      http_(token_client_options(parse_url("http://" + host).endpoint, timeout,
                                 "not on Google Cloud? set GOOGLE_APPLICATION_CREDENTIALS to a service account "
                                 "key file, or PUBSUB_EMULATOR_HOST for the emulator")) {}

awaitable<AccessToken> MetadataTokenSource::fetch() {
  HttpRequest request;
  request.target = "/computeMetadata/v1/instance/service-accounts/default/token";
  request.headers.emplace_back("Metadata-Flavor", "Google");
  auto response = co_await http_.send(std::move(request), timeout_);
  if (response.status != 200) throw_token_error(response, "metadata server");
  co_return parse_token_response(response.body, "metadata server");
}

}  // namespace vibework::pubsub
