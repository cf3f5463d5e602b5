#include "vibework/http/error_response.hpp"

#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "vibework/http/http_error.hpp"
#include "vibework/http/json_body.hpp"

using namespace vibework;
using namespace vibework::http;

namespace {
boost::json::value body_of(const Response& r) { return boost::json::parse(r.body()); }
Response respond_to(auto&& thrower) {
  try {
    thrower();
  } catch (...) {
    return response_for_exception(std::current_exception(), "rid-1");
  }
  return {};
}
}  // namespace

TEST(ErrorResponse, InfraErrorsMapToStatuses) {
  EXPECT_EQ(status_for(infra::ErrorKind::invalid_argument), Status::bad_request);
  EXPECT_EQ(status_for(infra::ErrorKind::not_found), Status::not_found);
  EXPECT_EQ(status_for(infra::ErrorKind::conflict), Status::conflict);
  EXPECT_EQ(status_for(infra::ErrorKind::unavailable), Status::service_unavailable);
  EXPECT_EQ(status_for(infra::ErrorKind::pool_exhausted), Status::service_unavailable);
  EXPECT_EQ(status_for(infra::ErrorKind::timeout), Status::gateway_timeout);
  EXPECT_EQ(status_for(infra::ErrorKind::query_failed), Status::internal_server_error);
}

TEST(ErrorResponse, ClientErrorsKeepTheirMessage) {
  auto res = respond_to([] { throw infra::InvalidArgumentError("mongodb", "'xyz' is not a valid ObjectId"); });
  EXPECT_EQ(res.result(), Status::bad_request);
  EXPECT_EQ(res[boost::beast::http::field::content_type], "application/json");
  auto body = body_of(res);
  EXPECT_EQ(body.at("code").as_string(), "INVALID_ARGUMENT");
  EXPECT_EQ(body.at("message").as_string(), "'xyz' is not a valid ObjectId");
  EXPECT_EQ(body.at("requestId").as_string(), "rid-1");
}

TEST(ErrorResponse, ServiceFailuresNameTheServiceButNotTheHint) {
  auto res = respond_to([] { throw infra::UnavailableError("mysql", "connection refused", "start it"); });
  EXPECT_EQ(res.result(), Status::service_unavailable);
  auto message = std::string(body_of(res).at("message").as_string());
  EXPECT_EQ(message, "mysql is unavailable: connection refused");
}

TEST(ErrorResponse, AFailedQueryIsA500WithoutTheServersText) {
  auto res = respond_to([] { throw infra::QueryError("mysql", "error 1054 (42S22): Unknown column 'secret' in 'field list'"); });
  EXPECT_EQ(res.result(), Status::internal_server_error);
  auto body = body_of(res);
  EXPECT_EQ(body.at("code").as_string(), "QUERY_FAILED");
  EXPECT_EQ(body.at("message").as_string(), "mysql failed (see the server log)");
}

TEST(ErrorResponse, ABusyServiceAsksForARetrySoon) {
  auto busy = respond_to([] { throw infra::PoolExhaustedError("auth", "all 66 places are taken", "retry"); });
  EXPECT_EQ(busy.result(), Status::service_unavailable);
  EXPECT_EQ(busy[beast_http::field::retry_after], "1");
  auto down = respond_to([] { throw infra::UnavailableError("mysql", "connection refused", "start it"); });
  EXPECT_EQ(down[beast_http::field::retry_after], "") << "down is not busy: no promise of a quick recovery";
}

TEST(ErrorResponse, HttpErrorsKeepStatusAndCode) {
  auto res = respond_to([] { throw HttpError(Status::unauthorized, "UNAUTHORIZED", "sign in first"); });
  EXPECT_EQ(res.result(), Status::unauthorized);
  EXPECT_EQ(body_of(res).at("code").as_string(), "UNAUTHORIZED");
}

TEST(ErrorResponse, UnexpectedExceptionsAreA500WithoutDetails) {
  auto res = respond_to([] { throw std::runtime_error("secret internals"); });
  EXPECT_EQ(res.result(), Status::internal_server_error);
  EXPECT_EQ(body_of(res).at("message").as_string(), "internal server error");
}

TEST(JsonBody, MalformedJsonIsA400NamingTheProblem) {
  Request req;
  req.message.body() = "{\"a\": ";
  auto res = respond_to([&] { parse_json_body(req); });
  EXPECT_EQ(res.result(), Status::bad_request);
  EXPECT_NE(std::string(body_of(res).at("message").as_string()).find("not valid JSON"), std::string::npos);
}

TEST(JsonBody, WrongContentTypeAndEmptyBody) {
  Request req;
  req.message.set(boost::beast::http::field::content_type, "text/plain");
  req.message.body() = "{}";
  EXPECT_THROW(parse_json_body(req), infra::InvalidArgumentError);
  Request empty;
  EXPECT_THROW(parse_json_body(empty), infra::InvalidArgumentError);
}

namespace sample {
struct SignIn {
  std::string email;
  std::string password;
};
BOOST_DESCRIBE_STRUCT(SignIn, (), (email, password))
}  // namespace sample

TEST(JsonBody, BodyAsTypedStruct) {
  Request req;
  req.message.body() = R"({"email":"a@b.test","password":"pw"})";
  auto s = body_as<sample::SignIn>(req);
  EXPECT_EQ(s.email, "a@b.test");
  req.message.body() = R"({"email":1})";
  EXPECT_THROW(body_as<sample::SignIn>(req), infra::InvalidArgumentError);
}
