#include "vibework/mail/mail_message.hpp"

#include "vibework/infra/errors.hpp"
#include "vibework/mail/encoding.hpp"

namespace vibework::mail {

namespace {
std::string mailbox(const Address& a) {
  if (a.name.empty()) return "<" + a.email + ">";
  return encoding::display_name(a.name) + " <" + a.email + ">";
}

// Subjects are one line: a CR or LF would start a header of the caller's choosing.
std::string one_line(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

// A part's headers and body; inside a multipart the CRLF after it belongs to the next boundary.
std::string text_part(std::string_view subtype, std::string_view body) {
  return "Content-Type: text/" + std::string(subtype) +
         "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + encoding::quoted_printable(body);
}
}  // namespace

std::string outbox_message_id(std::uint64_t outbox_id, const Address& from) {
  return "outbox-" + std::to_string(outbox_id) + "@" + from.domain();
}

std::string build_message(const Mail& mail, const Envelope& envelope) {
  const auto to = parse_address(mail.to);
  if (!to) throw infra::InvalidArgumentError("mail", "not an email address: " + mail.to.substr(0, 100));
  std::string m;
  m += "From: " + mailbox(envelope.from) + "\r\n";
  m += "To: " + mailbox(*to) + "\r\n";
  m += "Subject: " + encoding::header_text(one_line(mail.subject)) + "\r\n";
  m += "Date: " + encoding::rfc5322_date(envelope.date) + "\r\n";
  m += "Message-ID: <" + envelope.message_id + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  if (mail.html.empty()) {
    m += text_part("plain", mail.text) + "\r\n";  // the last line ends like every other
    return m;
  }
  // Quoted-printable never produces "=_", so this boundary cannot occur inside a part.
  std::string boundary = "=_" + envelope.message_id;
  for (auto& c : boundary) {
    if (c == '@') c = '.';  // '@' is not allowed in a boundary
  }
  m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  m += "--" + boundary + "\r\n" + text_part("plain", mail.text) + "\r\n";
  m += "--" + boundary + "\r\n" + text_part("html", mail.html) + "\r\n";
  m += "--" + boundary + "--\r\n";
  return m;
}

}  // namespace vibework::mail
