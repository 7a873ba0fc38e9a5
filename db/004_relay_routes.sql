-- Relay routes (issue: smarthost routes): which smarthosts a sender's mail goes through, with each route's
-- TLS mode, CA, authentication and pool size. A sender pattern ("*", "@example.org", "alice@example.org")
-- belongs to at most one route (relay_route_senders' primary key). Secrets (password, OAuth client
-- secret, refresh token) are sealed like DKIM keys (lib/vault): AES-256-GCM under the master key, bound to
-- "route/<name>/<field>", never stored in plaintext.
CREATE TABLE relay_routes (
  id                  INTEGER PRIMARY KEY,
  name                TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
  hosts               TEXT    NOT NULL,       -- "host:port, host:port": failover order
  tls                 TEXT    NOT NULL CHECK (tls IN ('starttls', 'tls', 'none')),
  ca_file             TEXT    NOT NULL DEFAULT '',
  auth                TEXT    NOT NULL CHECK (auth IN ('none', 'password', 'xoauth2', 'oauthbearer')),
  username            TEXT    NOT NULL DEFAULT '',
  password            TEXT    NOT NULL DEFAULT '',   -- sealed
  oauth_grant         TEXT    NOT NULL DEFAULT '' CHECK (oauth_grant IN ('', 'client_credentials', 'refresh_token')),
  oauth_token_url     TEXT    NOT NULL DEFAULT '',
  oauth_client_id     TEXT    NOT NULL DEFAULT '',
  oauth_client_secret TEXT    NOT NULL DEFAULT '',   -- sealed
  oauth_scope         TEXT    NOT NULL DEFAULT '',
  oauth_refresh_token TEXT    NOT NULL DEFAULT '',   -- sealed; replaced when the token endpoint rotates it
  max_connections     INTEGER NOT NULL DEFAULT 4 CHECK (max_connections BETWEEN 1 AND 64),
  version             INTEGER NOT NULL DEFAULT 1,    -- raised by every settings change
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);

CREATE TABLE relay_route_senders (
  pattern  TEXT    PRIMARY KEY CHECK (pattern = lower(pattern)),
  route_id INTEGER NOT NULL REFERENCES relay_routes(id) ON DELETE CASCADE
);

-- One row: a counter raised by every change to the routes, watched by the server so that `postern route`
-- changes apply without a restart.
CREATE TABLE relay_meta (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL
);
INSERT INTO relay_meta (id, generation) VALUES (1, 0);
CREATE TRIGGER relay_routes_inserted AFTER INSERT ON relay_routes
  BEGIN UPDATE relay_meta SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER relay_routes_updated AFTER UPDATE ON relay_routes
  BEGIN UPDATE relay_meta SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER relay_routes_deleted AFTER DELETE ON relay_routes
  BEGIN UPDATE relay_meta SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER relay_route_senders_inserted AFTER INSERT ON relay_route_senders
  BEGIN UPDATE relay_meta SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER relay_route_senders_deleted AFTER DELETE ON relay_route_senders
  BEGIN UPDATE relay_meta SET generation = generation + 1 WHERE id = 1; END;
