-- The web admin's second factor (lib/admin/admin_totp.h): one TOTP secret per administrator (RFC 6238) and
-- its one-time recovery codes.
CREATE TABLE admin_totp (
  account_id    INTEGER PRIMARY KEY REFERENCES admin_accounts(id) ON DELETE CASCADE,
  -- The 160-bit secret sealed with the vault (AES-256-GCM, bound to "admin-totp/<login>"): a copy of the
  -- database without the master key yields no codes.
  sealed_secret TEXT    NOT NULL,
  -- 0: enrollment started, not yet confirmed with a code (signing in does not ask for it); 1: in force.
  confirmed     INTEGER NOT NULL DEFAULT 0 CHECK (confirmed IN (0, 1)),
  -- The last time step whose code was accepted: a code is good once (RFC 6238 §5.2). -1: none yet.
  last_step     INTEGER NOT NULL DEFAULT -1,
  created_at    INTEGER NOT NULL,               -- Unix seconds, UTC
  confirmed_at  INTEGER
);

-- Ten per enrolled administrator, made at confirmation and shown once. Only the SHA-256 of each (lower-case
-- hex of the normalised code) is kept: a code has 80 random bits, so the hash cannot be reversed by
-- guessing and needs no slow hash (admin/admin_totp.h says more).
CREATE TABLE admin_recovery_codes (
  id         INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES admin_totp(account_id) ON DELETE CASCADE,
  code_hash  TEXT    NOT NULL,
  used_at    INTEGER,                           -- NULL: still usable
  UNIQUE (account_id, code_hash)
);
