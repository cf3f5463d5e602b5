-- The W3C traceparent of the request that wrote the mail (NULL when none): the sender runs
-- under it, so its log lines for the mail carry the trace id of the sign-up or reset that asked.
ALTER TABLE `mail_outbox`
  ADD COLUMN `traceparent` varchar(55) CHARACTER SET ascii COLLATE ascii_bin NULL DEFAULT NULL;
