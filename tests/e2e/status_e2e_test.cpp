// GET /status on the metrics listener (issue 14): the page and its JSON from the binary, then
// the page in headless Chromium (Debian's `chromium`, installed by scripts/bootstrap): a
// screenshot, and the DOM after the page's script refreshed it from /status.json.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "auth_harness.hpp"

using namespace vibework::e2e;
using namespace vibework::e2e::auth_harness;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> dependencies{"mysql", "mongodb", "redis", "pubsub"};

// Debian's chromium on PATH; "" when missing.
std::string find_chromium() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path == nullptr ? "/usr/bin" : path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    for (const auto* name : {"chromium", "chromium-browser"}) {
      const auto candidate = fs::path(dir) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return {};
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// What a reader sees: the document without its style, script and tags.
// (By hand: std::regex recurses per character and overflows the stack on a page this long.)
std::string page_text(const std::string& html) {
  std::string text;
  for (std::size_t i = 0; i < html.size();) {
    if (html[i] != '<') {
      const bool space = std::isspace(static_cast<unsigned char>(html[i])) != 0;
      if (!space) text += html[i];
      else if (!text.empty() && text.back() != ' ') text += ' ';
      ++i;
      continue;
    }
    std::size_t close = html.find('>', i);
    for (const std::string element : {"style", "script"}) {
      if (html.compare(i + 1, element.size(), element) == 0) close = html.find("</" + element + ">", i);
    }
    if (close != std::string::npos) close = html.find('>', close);
    if (close == std::string::npos) break;
    i = close + 1;
    if (!text.empty() && text.back() != ' ') text += ' ';
  }
  return text;
}

class StatusE2E : public AuthE2E {
 protected:
  // A scratch directory for Chromium's profile and the screenshot, removed at the end.
  fs::path scratch = [] {
    char t[] = "/tmp/vibework-status-e2e-XXXXXX";
    return fs::path(::mkdtemp(t));
  }();
  ~StatusE2E() override { fs::remove_all(scratch); }

  // Runs chromium headless on `url` with `flags`; its output (stdout and stderr).
  std::string chromium(const std::string& binary, std::vector<std::string> flags, const std::string& url) {
    std::vector<std::string> args{"--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                  "--hide-scrollbars", "--user-data-dir=" + (scratch / "profile").string()};
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back(url);
    ChildProcess browser(binary, args, {});
    const auto code = browser.wait_for_exit(90s);
    EXPECT_EQ(code, 0) << "chromium " << url << ":\n" << browser.output();
    return browser.output();
  }
};

// Serves traffic (a failing mail check only degrades it) and its metrics listener answers.
::testing::AssertionResult wait_ready(Server& server, unsigned short metrics_port) {
  if (!wait_until_listening(metrics_port, 60s)) {
    return ::testing::AssertionFailure() << "no metrics listener:\n" << server.process->output();
  }
  return vibework::e2e::wait_ready(server);
}

Env with_metrics_port(unsigned short port, Env extra = {}) {
  extra.emplace("METRICS_PORT", std::to_string(port));
  extra.emplace("METRICS_HOST", "127.0.0.1");
  return extra;
}

TEST_F(StatusE2E, TheStatusPageShowsEveryDependencyInABrowser) {
  const auto metrics_port = free_port();
  Server server(env(with_metrics_port(metrics_port)));
  ASSERT_TRUE(wait_ready(server, metrics_port));

  // The page, straight from the server.
  auto page = TestClient(metrics_port).request(verb::get, "/status");
  ASSERT_EQ(page.status, 200u) << page.body;
  EXPECT_EQ(header(page, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(header(page, "Cache-Control"), "no-store");
  EXPECT_THAT(header(page, "Content-Security-Policy"), HasSubstr("default-src 'none'"));
  for (const auto& name : dependencies) {
    EXPECT_THAT(page.body, HasSubstr("<article class=\"card ok\" data-check=\"" + name + "\">")) << name;
  }
  EXPECT_THAT(page.body, HasSubstr("mysql_pool_size"));
  EXPECT_THAT(page.body, Not(HasSubstr("src=\"http"))) << "no external assets";
  EXPECT_THAT(page.body, Not(HasSubstr("href=\"http")));
  EXPECT_EQ(TestClient(server.port).request(verb::get, "/status").status, 404u) << "only on the metrics listener";

  // Its JSON form.
  auto json = TestClient(metrics_port).request(verb::get, "/status.json");
  ASSERT_EQ(json.status, 200u) << json.body;
  const auto status = json_of(json);
  EXPECT_EQ(str(status, "status"), "ok") << json.body;
  std::vector<std::string> names;
  for (const auto& c : status.at("checks").as_array()) {
    names.push_back(str(c, "name"));
    EXPECT_EQ(str(c, "status"), "ok") << json.body;
    EXPECT_FALSE(str(c, "address").empty()) << json.body;
  }
  for (const auto& name : dependencies) EXPECT_THAT(names, ::testing::Contains(name)) << json.body;

  // In a real browser. Bootstrap installs chromium, so a missing one is a failure, not a skip.
  const auto browser = find_chromium();
  ASSERT_FALSE(browser.empty()) << "chromium is not installed (Debian package `chromium`): run scripts/bootstrap";
  const auto url = "http://127.0.0.1:" + std::to_string(metrics_port) + "/status";

  const auto png = scratch / "status.png";
  chromium(browser, {"--screenshot=" + png.string(), "--window-size=1200,900"}, url);
  ASSERT_TRUE(fs::exists(png)) << "no screenshot at " << png;
  const auto image = read_all(png);
  EXPECT_EQ(image.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << "a PNG";
  EXPECT_GT(image.size(), 20u * 1024) << "a page with content, not a blank one";
  if (const char* dir = std::getenv("VIBEWORK_BINARY_DIR")) {
    fs::copy_file(png, fs::path(dir) / "status_e2e.png", fs::copy_options::overwrite_existing);  // to look at
  }

  // The DOM after 3 s of virtual time: the script has fetched /status.json and re-rendered.
  const auto output = chromium(browser, {"--virtual-time-budget=3000", "--dump-dom"}, url);
  const auto start = output.find("<html");
  const auto end = output.rfind("</html>");
  ASSERT_TRUE(start != std::string::npos && end != std::string::npos) << output;
  const auto dom = output.substr(start, end + 7 - start);
  EXPECT_THAT(dom, ::testing::ContainsRegex("data-refreshes=\"[1-9]")) << "the script refreshed the page:\n" << dom;
  EXPECT_THAT(dom, HasSubstr("<span id=\"stale\"></span>")) << "no failed refresh: " << dom;
  const auto text = page_text(dom);
  for (const auto& name : dependencies) {
    EXPECT_THAT(text, HasSubstr(" " + name + " ok ")) << name << " in: " << text;
  }
  EXPECT_THAT(text, HasSubstr("vibework ok"));
  EXPECT_THAT(text, HasSubstr("Recent errors"));
}

TEST_F(StatusE2E, AFailingDependencyShowsItsMessageAndStaysInTheRecentErrors) {
  // Mail is not critical: with its SMTP server gone the service is degraded, not down.
  const auto metrics_port = free_port();
  const auto dead_smtp = "127.0.0.1:" + std::to_string(free_port());
  Server server(env(with_metrics_port(metrics_port, {{"SMTP_URL", "smtp://" + dead_smtp}})));
  ASSERT_TRUE(wait_ready(server, metrics_port));
  // A load balancer's readiness probes feed the recent errors too, not only /status.
  ASSERT_EQ(TestClient(server.port).request(verb::get, "/health/ready").status, 200u);

  auto json = TestClient(metrics_port).request(verb::get, "/status.json");
  ASSERT_EQ(json.status, 200u) << json.body;
  const auto status = json_of(json);
  EXPECT_EQ(str(status, "status"), "degraded") << json.body;
  bool mail_failed = false;
  for (const auto& c : status.at("checks").as_array()) {
    if (str(c, "name") != "mail") continue;
    mail_failed = str(c, "status") == "error";
    EXPECT_THAT(str(c, "message"), HasSubstr(dead_smtp)) << json.body;
  }
  EXPECT_TRUE(mail_failed) << json.body;
  const auto& errors = status.at("errors").as_array();
  ASSERT_FALSE(errors.empty()) << json.body;
  EXPECT_EQ(str(errors.at(0), "check"), "mail") << json.body;
  EXPECT_GE(errors.at(0).at("count").as_int64(), 2) << "the probes before and this one: " << json.body;

  auto page = TestClient(metrics_port).request(verb::get, "/status");
  ASSERT_EQ(page.status, 200u);
  EXPECT_THAT(page.body, HasSubstr("<article class=\"card error\" data-check=\"mail\">"));
  EXPECT_THAT(page.body, HasSubstr("class=\"pill warn\">degraded<"));
  EXPECT_THAT(page.body, HasSubstr("<td class=\"metric\">mail</td>")) << "in the recent errors";

  const auto browser = find_chromium();
  ASSERT_FALSE(browser.empty()) << "chromium is not installed (Debian package `chromium`): run scripts/bootstrap";
  const auto url = "http://127.0.0.1:" + std::to_string(metrics_port) + "/status";
  const auto png = scratch / "degraded.png";
  chromium(browser, {"--screenshot=" + png.string(), "--window-size=1200,1400"}, url);
  ASSERT_TRUE(fs::exists(png));
  if (const char* dir = std::getenv("VIBEWORK_BINARY_DIR")) {
    fs::copy_file(png, fs::path(dir) / "status_e2e_degraded.png", fs::copy_options::overwrite_existing);
  }
  const auto output = chromium(browser, {"--virtual-time-budget=3000", "--dump-dom"}, url);
  const auto text = page_text(output);
  EXPECT_THAT(text, HasSubstr("mail error")) << text;
  EXPECT_THAT(text, HasSubstr("vibework degraded")) << text;
  for (const auto& name : dependencies) EXPECT_THAT(text, HasSubstr(" " + name + " ok ")) << name << " in: " << text;
}

}  // namespace
