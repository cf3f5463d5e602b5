#include "vibework/mail/smtp_client.hpp"

#include <cstring>
#include <memory>
#include <mutex>

#include <curl/curl.h>
#include <fmt/format.h>

#include "vibework/infra/errors.hpp"

namespace vibework::mail {

namespace {
constexpr const char* service = "mail";

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, up->data.size() - up->offset);
  std::memcpy(buffer, up->data.data() + up->offset, n);
  up->offset += n;
  return n;
}

std::string url_of(const Config& c) {
  // The path is the EHLO name; the sender's domain is what servers expect to see.
  const char* scheme = c.tls == TlsMode::implicit ? "smtps" : "smtp";
  return fmt::format("{}://{}:{}/{}", scheme, c.host, c.port, c.from.domain());
}

// The options every exchange shares: where, how securely, as whom, how long.
std::unique_ptr<CURL, EasyDeleter> easy_for(const Config& c, std::chrono::milliseconds total, char* errors) {
  global_init_once();
  std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
  if (!curl) throw infra::UnavailableError(service, "curl_easy_init failed (out of memory?)");
  CURL* h = curl.get();
  const std::string url = url_of(c);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());  // libcurl copies string options
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);      // worker threads: no SIGALRM for timeouts
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errors);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(c.connect_timeout, total).count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()));
  if (c.tls == TlsMode::starttls) curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!c.tls_verify) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (c.username) curl_easy_setopt(h, CURLOPT_USERNAME, c.username->c_str());
  if (c.password) curl_easy_setopt(h, CURLOPT_PASSWORD, c.password->c_str());
  return curl;
}

// libcurl's result as our error: "nothing answered" vs "too slow" vs "the server said no".
[[noreturn]] void fail(CURLcode code, const char* errors, const Config& c, std::string_view what) {
  const std::string detail = errors[0] != '\0' ? std::string(errors) : curl_easy_strerror(code);
  const std::string message = fmt::format("{} via {} failed: {}", what, c.address(), detail);
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
      throw infra::UnreachableError(service, message, "is the SMTP server running? check SMTP_URL (scripts/services start mailpit)");
    case CURLE_OPERATION_TIMEDOUT:
      throw infra::TimeoutError(service, message, "the SMTP server is slow or unreachable; SMTP_TIMEOUT_MS bounds one exchange");
    case CURLE_LOGIN_DENIED:
      throw infra::UnavailableError(service, message, "check the user and password in SMTP_URL");
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
      throw infra::UnavailableError(service, message, "TLS failed: check the server's certificate, SMTP_STARTTLS and SMTP_TLS_VERIFY");
    default:
      throw infra::UnavailableError(service, message);
  }
}

void send_blocking(const Config& c, const std::string& recipient, const std::string& message) {
  char errors[CURL_ERROR_SIZE] = {};
  auto curl = easy_for(c, c.timeout, errors);
  CURL* h = curl.get();
  const std::string from = "<" + c.from.email + ">";
  std::unique_ptr<curl_slist, ListDeleter> rcpt(curl_slist_append(nullptr, ("<" + recipient + ">").c_str()));
  Upload upload{message};
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(h, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) fail(code, errors, c, "sending to " + recipient);
}

void noop_blocking(const Config& c, std::chrono::milliseconds timeout) {
  char errors[CURL_ERROR_SIZE] = {};
  auto curl = easy_for(c, timeout, errors);
  curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, "NOOP");
  // The reply ("250 2.0.0 Ok") would go to stdout by default.
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, +[](char*, std::size_t size, std::size_t n, void*) { return size * n; });
  const CURLcode code = curl_easy_perform(curl.get());
  if (code != CURLE_OK) fail(code, errors, c, "NOOP");
}
}  // namespace

SmtpClient::SmtpClient(Config config, infra::BlockingPool& pool) : config_(std::move(config)), pool_(pool) {}

awaitable<void> SmtpClient::send(std::string recipient, std::string message) {
  // The job owns copies: a started blocking call runs to its end even if we stop waiting.
  auto job = [c = config_, recipient = std::move(recipient), message = std::move(message)] {
    send_blocking(c, recipient, message);
  };
  co_await pool_.run(std::move(job));
}

awaitable<void> SmtpClient::noop(std::chrono::milliseconds timeout) {
  auto job = [c = config_, timeout] { noop_blocking(c, timeout); };
  co_await pool_.run(std::move(job));
}

}  // namespace vibework::mail
