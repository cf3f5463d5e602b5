#pragma once
// Mail: what the application sends (one recipient, a subject, a text and an HTML body), and
// the RFC 5322 / MIME message built from it for the wire.
#include <chrono>
#include <cstdint>
#include <string>

#include "vibework/mail/address.hpp"

namespace vibework::mail {

struct Mail {
  std::string to;       // addr-spec or `Name <addr-spec>`
  std::string subject;  // UTF-8, one line
  std::string text;     // text/plain body, UTF-8
  std::string html;     // text/html body, UTF-8 (empty: a text-only message)
  std::string kind;     // what it is for ("verify-email", ...): logs and the outbox, not the wire
};

// What the sender adds: who sends it, the stable Message-ID, and the Date (the row's creation
// time, so a retried send is byte-identical).
struct Envelope {
  Address from;
  std::string message_id;  // without the angle brackets: "outbox-42@example.com"
  std::chrono::system_clock::time_point date;
};

// "outbox-<id>@<from-domain>": the same on every attempt, so mail systems can drop duplicates.
std::string outbox_message_id(std::uint64_t outbox_id, const Address& from);

// The whole message, CRLF line endings: From, To, Subject (RFC 2047 when not ASCII), Date,
// Message-ID, MIME-Version, then multipart/alternative (text/plain + text/html, UTF-8,
// quoted-printable) or a single text/plain part. Throws InvalidArgumentError for a bad `to`.
std::string build_message(const Mail& mail, const Envelope& envelope);

}  // namespace vibework::mail
