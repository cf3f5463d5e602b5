#include "vibework/http/response_wire.hpp"

#include <charconv>

namespace vibework::http {

void serialize_response(const Response& response, std::string& out) {
  out.clear();
  out += response.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  char code[8];
  const auto end = std::to_chars(code, code + sizeof(code), response.result_int()).ptr;
  out.append(code, end);
  out += ' ';
  const auto reason = response.reason();
  if (reason.empty()) {
    const auto standard = beast_http::obsolete_reason(response.result());
    out.append(standard.data(), standard.size());
  } else {
    out.append(reason.data(), reason.size());
  }
  out += "\r\n";
  for (const auto& field : response) {
    const auto name = field.name_string();
    const auto value = field.value();
    out.append(name.data(), name.size());
    out += ": ";
    out.append(value.data(), value.size());
    out += "\r\n";
  }
  out += "\r\n";
  out += response.body();
}

}  // namespace vibework::http
