// Routes that exist only for the end-to-end tests (VIBEWORK_TEST_ROUTES=1); off by default.
#include <atomic>
#include <memory>

#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>

#include "vibework/app/routes.hpp"
#include "vibework/http/json_body.hpp"
#include "vibework/http/response.hpp"

namespace vibework::app {

void register_test_routes(http::Router& router, AppContext&) {
  // How many /__test/slow requests are inside the handler now, so a test can wait until its
  // requests have arrived instead of sleeping. Shared by the two routes below only.
  auto in_handler = std::make_shared<std::atomic<int>>(0);
  // GET /__test/slow?ms=N: answers after N ms (at most 60 s), to test draining on shutdown.
  router.get("/__test/slow", [in_handler](http::Request& req) -> awaitable<http::Response> {
    long ms = 0;
    const auto text = req.query("ms");
    for (char c : text) {
      if (c < '0' || c > '9') throw infra::InvalidArgumentError("http", "ms must be a whole number");
      ms = std::min<long>(ms * 10 + (c - '0'), 60'000);
    }
    struct Inside {
      std::atomic<int>& count;
      explicit Inside(std::atomic<int>& c) : count(c) { ++count; }
      ~Inside() { --count; }
    } inside(*in_handler);
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
    co_await timer.async_wait(use_awaitable);
    co_return http::json_response(http::Status::ok, boost::json::object{{"sleptMs", ms}});
  });
  // GET /__test/slow/count: {"inHandler": N}, the requests above that have not answered yet.
  router.get("/__test/slow/count", [in_handler](http::Request&) -> awaitable<http::Response> {
    co_return http::json_response(http::Status::ok, boost::json::object{{"inHandler", in_handler->load()}});
  });
  // POST /__test/echo: returns the JSON body it received (400 when it is not JSON).
  router.post("/__test/echo", [](http::Request& req) -> awaitable<http::Response> {
    co_return http::json_response(http::Status::ok, http::parse_json_body(req));
  });
}

}  // namespace vibework::app
