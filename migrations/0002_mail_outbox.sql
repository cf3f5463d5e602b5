-- The mail outbox: a mail is a row written in the caller's transaction (with the token it
-- carries), and mail::Mailer delivers it afterwards, retrying with backoff until it is sent.
-- A sender claims due rows by setting locked_by/locked_until (a lease), so several instances
-- do not send the same row; a lease that runs out (a crashed sender) frees the row again.
CREATE TABLE IF NOT EXISTS `mail_outbox` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `recipient` varchar(320) NOT NULL,
  `subject` varchar(998) NOT NULL,
  `text_body` mediumtext NOT NULL,
  `html_body` mediumtext NOT NULL,
  `kind` varchar(64) NOT NULL,
  `attempts` int unsigned NOT NULL DEFAULT 0,
  `next_attempt_at` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  `last_error` text,
  `locked_by` varchar(64) CHARACTER SET ascii COLLATE ascii_bin DEFAULT NULL,
  `locked_until` timestamp(3) NULL DEFAULT NULL,
  `sent_at` timestamp(3) NULL DEFAULT NULL,
  `created_at` timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`id`),
  KEY `mail_outbox_due_idx` (`sent_at`, `next_attempt_at`),
  KEY `mail_outbox_locked_by_idx` (`locked_by`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
