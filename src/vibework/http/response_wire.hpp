#pragma once
// A response as the bytes on the wire, in one flat buffer: status line, the fields in their
// order, a blank line, the body. The server writes it with one write; Beast's serializer walks
// a chain of buffer views instead, which cost more than the rest of a small request. The bytes
// are Beast's own (checked against its serializer by the tests). Not for chunked responses.
#include <string>

#include "vibework/http/response.hpp"

namespace vibework::http {

// Replaces `out`'s contents (its capacity is kept: one buffer per connection).
void serialize_response(const Response& response, std::string& out);

}  // namespace vibework::http
