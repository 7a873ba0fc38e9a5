-- The vault's one row (lib/vault/master_key_check.h): the check value of the master key that every sealed
-- secret in this database is sealed under — DKIM private keys, route passwords, OAuth client secrets and
-- refresh tokens. Recorded when the first secret is sealed; a different master key is refused afterwards,
-- whichever kind of secret it would seal or open.
-- It used to be dkim_meta.master_key_check (002), which covered DKIM keys only: its value moves here, so an
-- installation keeps its master key, and the column goes, so the check has one home.
CREATE TABLE vault_meta (
  id               INTEGER PRIMARY KEY CHECK (id = 1),
  master_key_check TEXT                      -- KeyVault::checkValue(): a fingerprint, not the key
);
INSERT INTO vault_meta (id, master_key_check)
  VALUES (1, (SELECT master_key_check FROM dkim_meta WHERE id = 1));
ALTER TABLE dkim_meta DROP COLUMN master_key_check;
