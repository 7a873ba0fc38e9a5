-- DKIM signing keys (issue: DKIM key storage). A key is pending (generated or imported, its TXT record
-- waiting to be published), active (signs mail; at most one per domain and algorithm), or retired (no
-- longer signs; keep its TXT record published until mail signed with it has been verified).
-- Private keys are sealed with AES-256-GCM under a master key kept outside this database
-- (lib/dkim/key_vault.h): "v1:" + base64(nonce || ciphertext || tag), with "domain/selector/algorithm" as
-- additional authenticated data, so a sealed key moved to another row does not open.
CREATE TABLE dkim_keys (
  id           INTEGER PRIMARY KEY,
  domain       TEXT    NOT NULL CHECK (domain = lower(domain) AND length(domain) BETWEEN 3 AND 253),
  selector     TEXT    NOT NULL CHECK (selector = lower(selector) AND length(selector) BETWEEN 1 AND 63),
  algorithm    TEXT    NOT NULL CHECK (algorithm IN ('rsa', 'ed25519')),
  bits         INTEGER NOT NULL,
  private_key  TEXT    NOT NULL,                -- sealed, never plaintext
  public_key   TEXT    NOT NULL,                -- the p= value of the TXT record
  state        TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'active', 'retired')),
  created_at   INTEGER NOT NULL,                -- Unix seconds, UTC
  activated_at INTEGER,
  retired_at   INTEGER,
  UNIQUE (domain, selector)
);
-- Key rotation keeps one active key per domain and algorithm (rsa and ed25519 may sign side by side).
CREATE UNIQUE INDEX dkim_keys_one_active ON dkim_keys(domain, algorithm) WHERE state = 'active';

-- One row: a counter that every change to dkim_keys raises (the triggers below, so any writer counts), read
-- by the server before signing to pick up CLI changes without a restart; and a fingerprint of the master
-- key the keys are sealed with, so that a wrong master key is reported as such.
CREATE TABLE dkim_meta (
  id               INTEGER PRIMARY KEY CHECK (id = 1),
  generation       INTEGER NOT NULL,
  master_key_check TEXT
);
INSERT INTO dkim_meta (id, generation, master_key_check) VALUES (1, 0, NULL);
CREATE TRIGGER dkim_keys_inserted AFTER INSERT ON dkim_keys
  BEGIN UPDATE dkim_meta SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER dkim_keys_updated AFTER UPDATE ON dkim_keys
  BEGIN UPDATE dkim_meta SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER dkim_keys_deleted AFTER DELETE ON dkim_keys
  BEGIN UPDATE dkim_meta SET generation = generation + 1 WHERE id = 1; END;
