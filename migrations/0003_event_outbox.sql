-- The event outbox: an event (user.created, ...) is a row written in the transaction of the
-- change it reports, and the outbox relay publishes it to Pub/Sub afterwards. A relay claims
-- pending rows by setting lease_owner/lease_until (a lease), so several instances do not publish
-- the same row; a lease that runs out (a crashed relay) frees the row again. Published rows keep
-- published_at (and the lease_owner that published them) until they are pruned.
-- id is the event's stable id (the message's vibework-id attribute: consumers deduplicate on it).
-- payload is text, not JSON: MySQL 8's JSON type would rewrite the document.
CREATE TABLE IF NOT EXISTS `event_outbox` (
  `id` varchar(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `topic` varchar(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `event_type` varchar(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `payload` mediumtext NOT NULL,
  `created_at` datetime(3) NOT NULL,
  `lease_owner` varchar(64) CHARACTER SET ascii COLLATE ascii_bin DEFAULT NULL,
  `lease_until` datetime(3) NULL DEFAULT NULL,
  `attempts` int unsigned NOT NULL DEFAULT 0,
  `last_error` text,
  `published_at` datetime(3) NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  -- claim and backlog: pending (published_at NULL) oldest first; prune: published before a time.
  KEY `event_outbox_pending_idx` (`published_at`, `created_at`),
  -- claim reads back the rows it leased by their owner.
  KEY `event_outbox_lease_owner_idx` (`lease_owner`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
