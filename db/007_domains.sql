-- Domains (issue: Domains): the settings an administrator chooses for the DNS records of each mail domain
-- (DMARC, SPF, MTA-STS and TLS-RPT), and the last live check of every record Postern asks to publish.
-- A domain is known without a row here (a sender address, a DKIM key or a route names it); a row holds
-- either the administrator's "added" mark or changed settings, and the defaults below are what a domain
-- without a row gets: a DMARC policy that protects (quarantine, on all mail), an SPF record that fails
-- other servers (-all), and no MTA-STS.
CREATE TABLE domains (
  name                   TEXT    PRIMARY KEY
                                 CHECK (name = lower(name) AND length(name) BETWEEN 3 AND 253),
  added                  INTEGER NOT NULL DEFAULT 0 CHECK (added IN (0, 1)),
  dmarc_policy           TEXT    NOT NULL DEFAULT 'quarantine'
                                 CHECK (dmarc_policy IN ('none', 'quarantine', 'reject')),
  dmarc_subdomain_policy TEXT    NOT NULL DEFAULT ''   -- '': none given, receivers use p=
                                 CHECK (dmarc_subdomain_policy IN ('', 'none', 'quarantine', 'reject')),
  dmarc_percent          INTEGER NOT NULL DEFAULT 100 CHECK (dmarc_percent BETWEEN 0 AND 100),
  dmarc_rua              TEXT    NOT NULL DEFAULT '',  -- URIs separated by spaces (a URI holds none)
  dmarc_ruf              TEXT    NOT NULL DEFAULT '',
  dmarc_adkim            TEXT    NOT NULL DEFAULT 'r' CHECK (dmarc_adkim IN ('r', 's')),
  dmarc_aspf             TEXT    NOT NULL DEFAULT 'r' CHECK (dmarc_aspf IN ('r', 's')),
  spf_all                TEXT    NOT NULL DEFAULT '-all' CHECK (spf_all IN ('-all', '~all')),
  spf_extra              TEXT    NOT NULL DEFAULT '',  -- mechanisms separated by spaces
  mta_sts_mode           TEXT    NOT NULL DEFAULT 'none' CHECK (mta_sts_mode IN ('none', 'testing', 'enforce')),
  mta_sts_mx             TEXT    NOT NULL DEFAULT '',  -- patterns separated by spaces
  mta_sts_max_age        INTEGER NOT NULL DEFAULT 604800 CHECK (mta_sts_max_age BETWEEN 0 AND 31557600),
  tls_rpt_rua            TEXT    NOT NULL DEFAULT '',  -- URIs separated by spaces
  created_at             INTEGER NOT NULL,
  updated_at             INTEGER NOT NULL
);

-- The last check of each record (domain, kind, name): replaced as a whole for a domain at every check, so
-- a record no longer asked for (a removed key) leaves no stale verdict behind.
CREATE TABLE domain_checks (
  domain     TEXT    NOT NULL,
  kind       TEXT    NOT NULL CHECK (kind IN ('dkim', 'spf', 'dmarc', 'mta-sts', 'tls-rpt')),
  name       TEXT    NOT NULL,
  status     TEXT    NOT NULL CHECK (status IN ('matches', 'differs', 'missing', 'lookup_failed')),
  advice     TEXT    NOT NULL,
  difference TEXT    NOT NULL DEFAULT '',
  published  TEXT    NOT NULL DEFAULT '',  -- the records found, one a line
  warnings   TEXT    NOT NULL DEFAULT '',  -- one a line: "finding<TAB>advice"
  lookups    INTEGER,                      -- SPF only: DNS-querying terms counted (RFC 7208 §4.6.4)
  checked_at INTEGER NOT NULL,
  PRIMARY KEY (domain, kind, name)
);

-- What a smarthost that no preset knows needs in the sender's SPF record ("include:_spf.example.net",
-- "ip4:192.0.2.10 ip6:2001:db8::1"); empty when none.
ALTER TABLE relay_routes ADD COLUMN spf TEXT NOT NULL DEFAULT '';
