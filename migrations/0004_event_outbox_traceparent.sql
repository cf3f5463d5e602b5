-- The W3C traceparent of the request that wrote the event (NULL when none): the relay sets it
-- as the message's `traceparent` attribute, so the consumer's logs continue that trace.
ALTER TABLE `event_outbox`
  ADD COLUMN `traceparent` varchar(55) CHARACTER SET ascii COLLATE ascii_bin NULL DEFAULT NULL;
