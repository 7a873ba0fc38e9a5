-- The web admin's accounts, sign-in sessions, the one-time setup token and the audit log (lib/admin).
-- Administrator accounts are not mail users: their logins need not be addresses, and a mail user's password
-- never opens the admin interface.
CREATE TABLE admin_accounts (
  id            INTEGER PRIMARY KEY,
  -- 1-64 characters of [a-z0-9._@-], stored lower-case (store::AdminAccountRepository::normaliseLogin)
  login         TEXT    NOT NULL UNIQUE CHECK (login = lower(login) AND length(login) BETWEEN 1 AND 64),
  password_hash TEXT    NOT NULL,               -- PHC string (Argon2id), never empty: there is no default
  role          TEXT    NOT NULL CHECK (role IN ('admin', 'viewer')),
  enabled       INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at    INTEGER NOT NULL,               -- Unix seconds, UTC
  last_login_at INTEGER                         -- NULL: never signed in
);

-- A signed-in browser. The cookie carries a random token; only its SHA-256 is kept, so a copy of the
-- database does not sign anyone in. The CSRF token is derived from the cookie's token, not stored.
CREATE TABLE admin_sessions (
  id             INTEGER PRIMARY KEY,
  token_hash     TEXT    NOT NULL UNIQUE,       -- lower-case hex SHA-256 of the cookie value
  account_id     INTEGER NOT NULL REFERENCES admin_accounts(id) ON DELETE CASCADE,
  client_address TEXT    NOT NULL,
  created_at     INTEGER NOT NULL,
  last_seen_at   INTEGER NOT NULL               -- refreshed at most once a minute
);
CREATE INDEX admin_sessions_account ON admin_sessions(account_id);
CREATE INDEX admin_sessions_last_seen ON admin_sessions(last_seen_at);

-- At most one setup token (issuing a new one replaces the old), for creating the first administrator from
-- the browser. Only its SHA-256 is kept; redeeming it deletes the row, so it is used once.
CREATE TABLE admin_setup_tokens (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  token_hash TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

-- What administrators did, newest last by id. Never holds a secret. Bounded: the oldest rows are deleted
-- as new ones arrive (admin::AuditOptions::maxEntries).
CREATE TABLE audit_log (
  id             INTEGER PRIMARY KEY,
  at             INTEGER NOT NULL,              -- Unix seconds, UTC
  actor          TEXT    NOT NULL,              -- admin login; '' for the system; the user name for the CLI
  client_address TEXT    NOT NULL,              -- '' for the CLI
  action         TEXT    NOT NULL CHECK (length(action) BETWEEN 1 AND 64),  -- "user.add", "admin.login"
  object         TEXT    NOT NULL,              -- what it acted on, e.g. a user's login
  outcome        TEXT    NOT NULL               -- "ok", "denied" or "failed: <reason>"
);
CREATE INDEX audit_log_actor ON audit_log(actor, id);
CREATE INDEX audit_log_action ON audit_log(action, id);
