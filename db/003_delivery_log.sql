-- Every delivery attempt, one row per recipient: what the smarthost (or Postern itself) said, and when.
-- Kept for queue.delivery_log_retention, then purged by the queue manager.
CREATE TABLE delivery_log (
  id        INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,                  -- Unix seconds, UTC
  queue_id  TEXT    NOT NULL,
  sender    TEXT    NOT NULL,                  -- '' for the null reverse-path (notifications)
  recipient TEXT    NOT NULL,
  outcome   TEXT    NOT NULL CHECK (outcome IN ('delivered', 'deferred', 'failed', 'expired')),
  remote    TEXT    NOT NULL,                  -- smarthost host:port, '' when none answered
  reply     TEXT    NOT NULL
);
CREATE INDEX delivery_log_queue_id ON delivery_log(queue_id);
CREATE INDEX delivery_log_at ON delivery_log(at);
