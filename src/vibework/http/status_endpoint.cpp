#include "vibework/http/status_endpoint.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "vibework/http/status_html.hpp"

namespace vibework::http {

namespace {
// A page for people: never cached, never sniffed, and it may talk to nothing but this origin
// (defence in depth behind the escaping).
void protect(Response& r) {
  r.set(beast_http::field::cache_control, "no-store");
  r.set("X-Content-Type-Options", "nosniff");
  r.set("Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
}
}  // namespace

void mount_status(Router& router, StatusSources sources) {
  router.get("/status", [sources](Request&) -> awaitable<Response> {
    const auto view = co_await collect_status(sources);
    auto r = text_response(Status::ok, "text/html; charset=utf-8", render_status_html(view));
    protect(r);
    co_return r;
  });
  router.get("/status.json", [sources](Request&) -> awaitable<Response> {
    const auto view = co_await collect_status(sources);
    auto r = json_response(Status::ok, status_json(view));
    protect(r);
    co_return r;
  });
}

}  // namespace vibework::http
