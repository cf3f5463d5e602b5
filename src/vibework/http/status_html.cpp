#include "vibework/http/status_html.hpp"

#include <iterator>

#include <fmt/format.h>

#include "vibework/http/status_assets.hpp"
#include "vibework/infra/html.hpp"
#include "vibework/infra/json.hpp"

namespace vibework::http {

namespace {

using infra::html_escape;

// Mirrors the script's pill(): the class of a status's badge.
const char* pill_class(std::string_view status) {
  return status == "ok" ? "ok" : status == "degraded" ? "warn" : "error";
}

// "2026-12-03T17:45:01.123Z" -> "2026-12-03 17:45:01", as the script's when().
std::string when(std::chrono::system_clock::time_point t) {
  auto iso = infra::format_iso8601(t);
  if (iso.size() > 10) iso[10] = ' ';
  return iso.substr(0, 19);
}

void gauge_table(std::string& out, const std::vector<GaugeRow>& rows) {
  out += "<table class=\"gauges\">";
  for (const auto& r : rows) {
    fmt::format_to(std::back_inserter(out),
                   "<tr title=\"{}\"><td class=\"metric\">{}</td><td class=\"labels\">{}</td><td class=\"num\">{}</td></tr>",
                   html_escape(r.help), html_escape(r.metric), html_escape(r.labels), html_escape(r.text));
  }
  out += "</table>";
}

void check_card(std::string& out, const CheckView& c) {
  const auto& h = c.health;
  const char* status = h.status.is_ok() ? "ok" : "error";
  fmt::format_to(std::back_inserter(out),
                 "<article class=\"card {0}\" data-check=\"{1}\"><h3><span class=\"name\">{1}</span>"
                 "<span class=\"pill {0}\">{0}</span></h3>",
                 status, html_escape(h.name));
  if (!h.address.empty()) fmt::format_to(std::back_inserter(out), "<p class=\"address\">{}</p>", html_escape(h.address));
  fmt::format_to(std::back_inserter(out), "<p class=\"latency\">latency {} ms{}</p>", h.status.latency.count(),
                 h.critical ? "" : " · not critical");
  if (!h.status.message.empty()) {
    fmt::format_to(std::back_inserter(out), "<p class=\"message\">{}</p>", html_escape(h.status.message));
  }
  if (!c.gauges.empty()) gauge_table(out, c.gauges);
  out += "</article>";
}

void errors_table(std::string& out, const std::vector<infra::RecentError>& errors) {
  out += "<div class=\"box\"><table><tr><th>last</th><th>check</th><th class=\"num\">times</th><th>message</th></tr>";
  for (const auto& e : errors) {
    fmt::format_to(std::back_inserter(out),
                   "<tr title=\"first {}\"><td class=\"when\">{}</td><td class=\"metric\">{}</td>"
                   "<td class=\"num\">{}</td><td class=\"message\">{}</td></tr>",
                   when(e.first), when(e.last), html_escape(e.check), e.count,
                   e.message.empty() ? "(hidden)" : html_escape(e.message));
  }
  out += "</table></div>";
}

}  // namespace

std::string render_status_html(const StatusView& view) {
  std::string out;
  out.reserve(16 * 1024);
  out += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>vibework status</title>"
         "<noscript><meta http-equiv=\"refresh\" content=\"5\"></noscript><style>";
  out += status_assets::css;
  out += "</style></head>\n<body data-refreshes=\"0\">";
  fmt::format_to(std::back_inserter(out),
                 "<header><h1>vibework <span id=\"overall\" class=\"pill {}\">{}</span></h1>"
                 "<p class=\"meta\">version <b id=\"version\">{}</b> · commit <b id=\"commit\">{}</b> · "
                 "up <b id=\"uptime\">{}</b> · updated <b id=\"generated\">{} UTC</b></p></header>\n<main>",
                 pill_class(view.overall), html_escape(view.overall), html_escape(view.version),
                 html_escape(view.commit), format_duration(view.uptime), when(view.generated));

  out += "<section><h2>Dependencies</h2><div id=\"checks\" class=\"cards\">";
  if (view.checks.empty()) out += "<p class=\"none\">No readiness checks registered.</p>";
  for (const auto& c : view.checks) check_card(out, c);
  out += "</div></section>\n";

  out += "<section><h2>Queues</h2><div id=\"queues\">";
  if (view.queues.empty()) {
    out += "<p class=\"none\">No queue gauges (*_backlog*, *_oldest*) registered.</p>";
  } else {
    out += "<div class=\"box\">";
    gauge_table(out, view.queues);
    out += "</div>";
  }
  out += "</div></section>\n";

  out += "<section><h2>Other gauges</h2><div id=\"other\">";
  if (view.other.empty()) out += "<p class=\"none\">No other gauges.</p>";
  for (const auto& g : view.other) {
    fmt::format_to(std::back_inserter(out), "<div class=\"box\"><h3>{}</h3>", html_escape(g.name));
    gauge_table(out, g.rows);
    out += "</div>";
  }
  out += "</div></section>\n";

  out += "<section><h2>Recent errors</h2><div id=\"errors\">";
  if (view.errors.empty()) out += "<p class=\"none\">No failed checks since the start.</p>";
  else errors_table(out, view.errors);
  out += "</div></section>\n</main>";

  fmt::format_to(std::back_inserter(out),
                 "<footer>Refreshes every 2 s · <a href=\"status.json\">status.json</a> · "
                 "<a href=\"metrics\">metrics</a>{}<span id=\"stale\"></span></footer>\n<script>",
                 view.redacted ? " · addresses and messages hidden (HEALTH_DETAILS=status)" : "");
  out += status_assets::js;
  out += "</script></body></html>\n";
  return out;
}

}  // namespace vibework::http
