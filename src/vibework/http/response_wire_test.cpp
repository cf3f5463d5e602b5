// serialize_response writes exactly what Beast's serializer writes.
#include "vibework/http/response_wire.hpp"

#include <sstream>

#include <boost/beast/core/ostream.hpp>
#include <boost/json.hpp>
#include <boost/beast/http/write.hpp>
#include <gtest/gtest.h>

namespace vibework::http {
namespace {

std::string beast_bytes(const Response& r) {
  std::ostringstream out;
  out << r;  // Beast's serializer
  return out.str();
}

std::string ours(const Response& r) {
  std::string out = "left over from the previous response";
  serialize_response(r, out);
  return out;
}

TEST(ResponseWire, SameBytesAsBeastsSerializer) {
  std::vector<Response> cases;
  cases.push_back(json_response(Status::ok, boost::json::object{{"status", "ok"}}));
  cases.push_back(text_response(Status::not_found, "text/plain", ""));
  auto head = text_response(Status::ok, "application/json", "");
  head.content_length(1234);  // a HEAD answer: the length of the body it does not carry
  cases.push_back(head);
  auto custom = json_response(Status::too_many_requests, boost::json::object{{"message", "slow down"}});
  custom.reason("Slow Down");
  custom.set("Retry-After", "1");
  custom.insert("Set-Cookie", "a=1; Path=/");
  custom.insert("Set-Cookie", "b=2; Path=/");
  custom.keep_alive(false);
  cases.push_back(custom);
  Response old{Status::no_content, 10};
  cases.push_back(old);
  Response unusual{static_cast<Status>(299), 11};
  unusual.set("X-Request-Id", "abc");
  cases.push_back(unusual);
  for (const auto& r : cases) EXPECT_EQ(ours(r), beast_bytes(r));
}

}  // namespace
}  // namespace vibework::http
