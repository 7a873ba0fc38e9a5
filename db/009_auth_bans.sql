-- Brute-force bans (auth::BanList): a client address (an IPv6 client's /64) or a login that reached the AUTH
-- failure limit. Written when a ban starts or is lifted, never per AUTH attempt; read at start-up and again
-- every few seconds by the running server, so a `postern ban lift` from another process reaches it.
-- A row outlives its ban (until + the longest ban time) so that a repeat offender's next ban is longer;
-- after that it is pruned and the client starts again from the shortest ban.
CREATE TABLE auth_bans (
  kind        TEXT    NOT NULL CHECK (kind IN ('addr', 'login')),
  key         TEXT    NOT NULL CHECK (length(key) BETWEEN 1 AND 320),
  started_at  INTEGER NOT NULL,               -- Unix seconds, UTC
  until       INTEGER NOT NULL,               -- the ban ends at this second; lifted: set to the lift time
  count       INTEGER NOT NULL CHECK (count >= 1),  -- how many bans in a row (the ban time grows with it)
  reason      TEXT    NOT NULL,               -- the last ban's reason, e.g. "10 failed logins in 600 s"
  PRIMARY KEY (kind, key)
);
CREATE INDEX auth_bans_until ON auth_bans(until);
