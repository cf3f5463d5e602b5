#pragma once
// vibework::mail: transactional mail through a MySQL outbox, delivered over SMTP (libcurl) by
// the Mailer component, with overridable templates. See README "Mail".
#include "vibework/mail/address.hpp"
#include "vibework/mail/config.hpp"
#include "vibework/mail/mail_message.hpp"
#include "vibework/mail/mailer.hpp"
#include "vibework/mail/outbox.hpp"
#include "vibework/mail/smtp_client.hpp"
#include "vibework/mail/templates.hpp"
