-- Users who may submit mail, and the sender addresses each may use.
-- Logins are e-mail addresses, stored lower-case; the store lower-cases before every lookup.
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  login         TEXT    NOT NULL UNIQUE CHECK (login = lower(login) AND length(login) BETWEEN 3 AND 254),
  password_hash TEXT    NOT NULL,               -- PHC string, e.g. $argon2id$v=19$m=19456,t=2,p=1$salt$hash
  enabled       INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at    INTEGER NOT NULL,               -- Unix seconds, UTC
  updated_at    INTEGER NOT NULL
);

-- An allowed sender is an exact address ("alice@example.org") or a whole domain ("@example.org").
CREATE TABLE sender_addresses (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  pattern    TEXT    NOT NULL CHECK (pattern = lower(pattern) AND length(pattern) BETWEEN 2 AND 254),
  created_at INTEGER NOT NULL,
  UNIQUE (user_id, pattern)
);
CREATE INDEX sender_addresses_pattern ON sender_addresses(pattern);
