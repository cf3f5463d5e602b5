#include "vibework/mail/mail_message.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vibework/infra/errors.hpp"
#include "vibework/mail/encoding.hpp"

using namespace vibework;
using namespace vibework::mail;
using testing::HasSubstr;
using testing::Not;

namespace {
Envelope envelope() {
  // 2026-12-03 07:33:06 UTC
  return {{"Acme", "no-reply@acme.test"}, "outbox-42@acme.test",
          std::chrono::system_clock::time_point(std::chrono::seconds(1796283186))};
}
std::string header(const std::string& message, const std::string& name) {
  const auto start = message.find("\r\n" + name + ": ");
  const auto at = message.rfind(name + ": ", 0) == 0 ? 0 : start == std::string::npos ? std::string::npos : start + 2;
  if (at == std::string::npos) return {};
  auto end = message.find("\r\n", at);
  while (end != std::string::npos && end + 2 < message.size() && message[end + 2] == ' ') end = message.find("\r\n", end + 2);
  return message.substr(at + name.size() + 2, end - at - name.size() - 2);
}
}  // namespace

TEST(MailEncoding, Base64) {
  EXPECT_EQ(encoding::base64(""), "");
  EXPECT_EQ(encoding::base64("f"), "Zg==");
  EXPECT_EQ(encoding::base64("fo"), "Zm8=");
  EXPECT_EQ(encoding::base64("foo"), "Zm9v");
  EXPECT_EQ(encoding::base64("foobar"), "Zm9vYmFy");
}

TEST(MailEncoding, QuotedPrintableKeepsLinesShortAndEncodesWhatItMust) {
  EXPECT_EQ(encoding::quoted_printable("a=b"), "a=3Db");
  EXPECT_EQ(encoding::quoted_printable("héllo"), "h=C3=A9llo");
  EXPECT_EQ(encoding::quoted_printable("one \ntwo\r\n.three"), "one=20\r\ntwo\r\n=2Ethree");
  const auto long_line = encoding::quoted_printable(std::string(200, 'x'));
  std::size_t start = 0;
  while (start < long_line.size()) {
    auto end = long_line.find("\r\n", start);
    if (end == std::string::npos) end = long_line.size();
    EXPECT_LE(end - start, 76u);
    start = end + 2;
  }
  EXPECT_THAT(long_line, HasSubstr("=\r\n"));  // soft breaks
}

TEST(MailEncoding, HeadersAreAsciiOrEncodedWords) {
  EXPECT_EQ(encoding::header_text("Plain subject"), "Plain subject");
  EXPECT_EQ(encoding::header_text("Grüße"), "=?UTF-8?B?R3LDvMOfZQ==?=");
  // A long non-ASCII subject: several words, each a whole number of characters, folded.
  const auto folded = encoding::header_text(std::string(30, 'a') + std::string(20, '\xC3') + "end");
  EXPECT_THAT(folded, HasSubstr("?=\r\n =?UTF-8?B?"));
  const std::string euro = "€€€€€€€€€€€€€€€€€€€€";  // 3 bytes each: never split
  for (std::size_t pos = 0; (pos = encoding::header_text(euro).find("=?UTF-8?B?", pos)) != std::string::npos; pos += 10) {
    const auto h = encoding::header_text(euro);
    const auto end = h.find("?=", pos);
    EXPECT_EQ((end - pos - 10) % 4, 0u);
  }
  EXPECT_EQ(encoding::display_name("Acme, Inc."), "\"Acme, Inc.\"");
  EXPECT_EQ(encoding::display_name("Zoë"), "=?UTF-8?B?Wm/Dqw==?=");
}

TEST(MailEncoding, Rfc5322Date) {
  EXPECT_EQ(encoding::rfc5322_date(envelope().date), "Thu, 03 Dec 2026 07:33:06 +0000");
}

TEST(MailMessage, HeadersAndMultipartAlternative) {
  const Mail mail{"Ada <ada@example.com>", "Vérifiez votre adresse", "Hello Ada,\nclick: https://x.test/v?a=1",
                  "<p>Hello <b>Ada</b></p>", "verify-email"};
  const auto m = build_message(mail, envelope());
  EXPECT_EQ(header(m, "From"), "Acme <no-reply@acme.test>");
  EXPECT_EQ(header(m, "To"), "Ada <ada@example.com>");
  EXPECT_EQ(header(m, "Subject"), "=?UTF-8?B?VsOpcmlmaWV6IHZvdHJlIGFkcmVzc2U=?=");
  EXPECT_EQ(header(m, "Date"), "Thu, 03 Dec 2026 07:33:06 +0000");
  EXPECT_EQ(header(m, "Message-ID"), "<outbox-42@acme.test>");
  EXPECT_EQ(header(m, "MIME-Version"), "1.0");
  EXPECT_EQ(header(m, "Content-Type"), "multipart/alternative; boundary=\"=_outbox-42.acme.test\"");
  EXPECT_THAT(m, HasSubstr("\r\n\r\n--=_outbox-42.acme.test\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                           "Content-Transfer-Encoding: quoted-printable\r\n\r\nHello Ada,\r\nclick: https://x.test/v?a=3D1\r\n"));
  EXPECT_THAT(m, HasSubstr("--=_outbox-42.acme.test\r\nContent-Type: text/html; charset=UTF-8\r\n"));
  EXPECT_THAT(m, HasSubstr("<p>Hello <b>Ada</b></p>"));
  EXPECT_TRUE(m.ends_with("--=_outbox-42.acme.test--\r\n"));
  // Every line ends in CRLF: no bare LF reaches the wire.
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '\n') {
      ASSERT_TRUE(i > 0 && m[i - 1] == '\r') << "bare LF at " << i;
    }
  }
}

TEST(MailMessage, TextOnlyWhenThereIsNoHtml) {
  const auto m = build_message({"bob@example.com", "Hi", "Plain", "", "x"}, envelope());
  EXPECT_EQ(header(m, "To"), "<bob@example.com>");
  EXPECT_EQ(header(m, "Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_THAT(m, Not(HasSubstr("multipart")));
}

TEST(MailMessage, NoHeaderInjection) {
  const auto m = build_message({"bob@example.com", "Hi\r\nBcc: eve@example.com", "x", "", "x"}, envelope());
  EXPECT_THAT(m, Not(HasSubstr("\r\nBcc:")));
  EXPECT_THROW(build_message({"bob@example.com\r\nBcc: eve@example.com", "Hi", "x", "", "x"}, envelope()),
               infra::InvalidArgumentError);
}

TEST(MailMessage, MessageIdComesFromTheOutboxRowAndTheSenderDomain) {
  EXPECT_EQ(outbox_message_id(7, {"", "no-reply@mail.acme.test"}), "outbox-7@mail.acme.test");
}
