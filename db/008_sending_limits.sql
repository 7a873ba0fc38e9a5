-- Sending limits (README "Sending limits"): each user's own limits, and the use counted against them.
-- A NULL limit means the configured default (limits.messages_per_hour, limits.recipients_per_day); 0 means
-- unlimited.
ALTER TABLE users ADD COLUMN messages_per_hour INTEGER CHECK (messages_per_hour IS NULL OR messages_per_hour >= 0);
ALTER TABLE users ADD COLUMN recipients_per_day INTEGER CHECK (recipients_per_day IS NULL OR recipients_per_day >= 0);

-- What each login sent, by the minute, over the last day: written in batches by the running server (not
-- once per message) and read at start, so a restart does not refill a login's allowance. Rows older than a
-- day are purged. No foreign key: the login that sent stays counted even if the user is deleted meanwhile.
CREATE TABLE sending_usage (
  login      TEXT    NOT NULL,
  minute     INTEGER NOT NULL,                   -- minutes since the Unix epoch, UTC
  messages   INTEGER NOT NULL DEFAULT 0 CHECK (messages >= 0),
  recipients INTEGER NOT NULL DEFAULT 0 CHECK (recipients >= 0),
  refusals   INTEGER NOT NULL DEFAULT 0 CHECK (refusals >= 0),  -- commands refused by a limit
  PRIMARY KEY (login, minute)
) WITHOUT ROWID;
CREATE INDEX sending_usage_minute ON sending_usage(minute);
