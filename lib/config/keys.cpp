#include "config/keys.h"

#include "config/key_builders.h"

namespace postern::config {

using namespace keydefs;

std::optional<ListenAddress> parseListenAddress(const std::string& text) {
  ListenAddress a;
  std::string portText;
  if (!text.empty() && text[0] == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') return std::nullopt;
    a.host = text.substr(1, close - 1);
    portText = text.substr(close + 2);
    if (a.host.find(':') == std::string::npos) return std::nullopt;
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    a.host = text.substr(0, colon);
    portText = text.substr(colon + 1);
    if (a.host.find(':') != std::string::npos) return std::nullopt;  // bare IPv6 needs brackets
  }
  const auto port = parseUnsigned<unsigned>(portText);
  if (!port || *port > 65535 || a.host.empty()) return std::nullopt;
  a.port = static_cast<std::uint16_t>(*port);
  return a;
}

std::optional<std::string> parseIncomingServer(const std::string& text, Config::Clients::Incoming& out) {
  const std::string v(core::trim(text));
  if (v.empty()) {
    out = Config::Clients::Incoming{};
    return std::nullopt;
  }
  const char* form = "must be empty or PROTOCOL:HOST:PORT:SECURITY, e.g. imap:imap.example.net:993:ssl";
  std::vector<std::string> parts;
  for (std::size_t from = 0;;) {
    const auto colon = v.find(':', from);
    parts.push_back(v.substr(from, colon == std::string::npos ? std::string::npos : colon - from));
    if (colon == std::string::npos) break;
    from = colon + 1;
  }
  if (parts.size() != 4) return std::string(form);
  Config::Clients::Incoming in;
  const std::string protocol = core::toLowerAscii(parts[0]);
  if (protocol == "imap")
    in.protocol = Config::IncomingProtocol::Imap;
  else if (protocol == "pop3")
    in.protocol = Config::IncomingProtocol::Pop3;
  else
    return std::string("protocol must be imap or pop3 (") + form + ")";
  if (parts[1].empty() || hostnameText(parts[1])) return std::string("must name a host (") + form + ")";
  in.host = core::toLowerAscii(parts[1]);
  const auto port = parseUnsigned<unsigned>(parts[2]);
  if (!port || *port == 0 || *port > 65535) return std::string("port must be from 1 to 65535 (") + form + ")";
  in.port = static_cast<std::uint16_t>(*port);
  const std::string security = core::toLowerAscii(parts[3]);
  if (security == "ssl" || security == "tls")
    in.implicitTls = true;
  else if (security == "starttls")
    in.implicitTls = false;
  else
    return std::string(
               "security must be ssl or starttls: the documents never offer a password without TLS (") +
           form + ")";
  out = in;
  return std::nullopt;
}

std::string formatIncomingServer(const Config::Clients::Incoming& in) {
  if (in.protocol == Config::IncomingProtocol::None) return "";
  return std::string(in.protocol == Config::IncomingProtocol::Imap ? "imap" : "pop3") + ":" + in.host + ":" +
         std::to_string(in.port) + ":" + (in.implicitTls ? "ssl" : "starttls");
}

const std::vector<KeyDef>& keyTable() {
  using namespace std::chrono;
  static const std::vector<KeyDef> general = {
      text(
          "hostname",
          "Name this server gives itself in the SMTP greeting, EHLO and Received headers.\n"
          "Empty: the machine's host name. Use the name clients connect to (it should match the "
          "certificate).",
          [](Config& c) -> std::string& { return c.hostname; }, hostnameText),
      text(
          "data_dir",
          "Directory for the database (postern.db), the spool (spool/) and generated TLS material (tls/).",
          [](Config& c) -> std::string& { return c.dataDir; }, absolutePath),
      text(
          "user",
          "System user to run as. Started as root, Postern makes a new <data_dir> that user's, binds its\n"
          "ports, then switches to it for good before accepting; the administration commands switch too.\n"
          "Empty: as root, the owner of <data_dir> when that is not root; otherwise stay as started.",
          [](Config& c) -> std::string& { return c.runAsUser; },
          [](const std::string& v) -> std::optional<std::string> {
            for (char ch : v)
              if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.'))
                return "must be a user name";
            return std::nullopt;
          }),
      text(
          "log_level", "One of: error, warning, notice, information, debug.",
          [](Config& c) -> std::string& { return c.logLevel; },
          [](const std::string& v) -> std::optional<std::string> {
            for (const char* level : {"error", "warning", "notice", "information", "debug"})
              if (v == level) return std::nullopt;
            return "must be one of error, warning, notice, information, debug";
          }),
      listeners("listen.submission",
                "Port 587 style listeners (RFC 6409): STARTTLS required before AUTH and MAIL.\n"
                "Comma-separated HOST:PORT list, IPv6 as [ADDR]:PORT; empty turns the listener off.\n"
                "Ports below 1024 need root or CAP_NET_BIND_SERVICE; unprivileged runs can use e.g. 10587.",
                [](Config& c) -> std::vector<ListenAddress>& { return c.submission; }),
      listeners("listen.submissions",
                "Port 465 style listeners (RFC 8314): TLS from the first byte. Unprivileged example: 10465.",
                [](Config& c) -> std::vector<ListenAddress>& { return c.submissions; }),
      listeners("listen.alternate",
                "Optional fallback listeners with port 587's rules, for networks that block 587 (e.g. "
                "0.0.0.0:2525).",
                [](Config& c) -> std::vector<ListenAddress>& { return c.alternate; }),
      text(
          "tls.certificate",
          "PEM certificate chain (server certificate first). Empty: a self-signed certificate for\n"
          "'hostname' is generated into <data_dir>/tls/ on first start.",
          [](Config& c) -> std::string& { return c.tls.certificate; }, optionalPath),
      text(
          "tls.private_key", "PEM private key of tls.certificate. Empty together with tls.certificate.",
          [](Config& c) -> std::string& { return c.tls.privateKey; }, optionalPath),
      text(
          "tls.ciphers",
          "OpenSSL cipher list for TLS 1.2 (TLS 1.3 suites are OpenSSL's defaults). Forward secrecy only.",
          [](Config& c) -> std::string& { return c.tls.ciphers; },
          [](const std::string& v) -> std::optional<std::string> {
            if (v.empty()) return "must not be empty";
            return std::nullopt;
          }),
      text(
          "tls.min_protocol", "Oldest TLS version accepted: 1.2 or 1.3. Older versions are never offered.",
          [](Config& c) -> std::string& { return c.tls.minProtocol; },
          [](const std::string& v) -> std::optional<std::string> {
            if (v == "1.2" || v == "1.3") return std::nullopt;
            return "must be 1.2 or 1.3";
          }),
      span(
          "tls.reload_check_interval",
          "How often the server looks at the certificate and key files (time, size, inode) and loads them\n"
          "when they changed; SIGHUP (systemctl reload) loads them at once. 0: on SIGHUP only.",
          [](Config& c) -> std::chrono::seconds& { return c.tls.reloadCheckInterval; }, seconds(0),
          hours(24)),
      span(
          "tls.ticket_key_rotation",
          "TLS session resumption: a new session ticket key every this long; a ticket opens for at most two\n"
          "such periods, then the client makes a full handshake. 0: no session tickets (no resumption).",
          [](Config& c) -> std::chrono::seconds& { return c.tls.ticketKeyRotation; }, seconds(0),
          hours(24 * 3)),
      number<std::uint64_t>(
          "smtp.max_message_size",
          "Largest accepted message in octets (advertised as SIZE; larger gets 552 5.3.4).",
          [](Config& c) -> std::uint64_t& { return c.smtp.maxMessageSize; }, 1024, std::uint64_t(4) << 30),
      number<std::size_t>(
          "smtp.max_recipients", "Recipients per message; more get 452 4.5.3.",
          [](Config& c) -> std::size_t& { return c.smtp.maxRecipients; }, 1, 10000),
      number<std::size_t>(
          "smtp.max_connections", "Concurrent SMTP connections over all listeners.",
          [](Config& c) -> std::size_t& { return c.smtp.maxConnections; }, 1, 10000),
      number<std::size_t>(
          "smtp.max_connections_per_ip", "Concurrent SMTP connections from one client address.",
          [](Config& c) -> std::size_t& { return c.smtp.maxConnectionsPerIp; }, 1, 10000),
      duration<seconds>(
          "smtp.timeout.preauth",
          "Seconds an idle client may wait before it has authenticated (shorter than RFC 5321's 5 min).",
          [](Config& c) -> seconds& { return c.smtp.preAuthTimeout; }, 5, 3600),
      duration<seconds>(
          "smtp.timeout.login",
          "Seconds from connecting until AUTH must have succeeded, TLS handshake included, however\n"
          "the client paces its bytes; then 421 and close.",
          [](Config& c) -> seconds& { return c.smtp.loginTimeout; }, 10, 3600),
      duration<seconds>(
          "smtp.timeout.command", "Seconds to wait for the next command after AUTH (RFC 5321 §4.5.3.2.7).",
          [](Config& c) -> seconds& { return c.smtp.commandTimeout; }, 5, 3600),
      duration<seconds>(
          "smtp.timeout.data", "Seconds to wait for more message data during DATA.",
          [](Config& c) -> seconds& { return c.smtp.dataTimeout; }, 5, 3600),
      duration<seconds>(
          "smtp.shutdown_grace",
          "On SIGTERM, seconds a transaction in progress may take to finish before the server closes it.",
          [](Config& c) -> seconds& { return c.smtp.shutdownGrace; }, 0, 600),
      number<std::size_t>(
          "smtp.max_auth_failures", "Failed AUTH attempts on one connection before it is closed.",
          [](Config& c) -> std::size_t& { return c.smtp.maxAuthFailures; }, 1, 100),
      duration<milliseconds>(
          "smtp.auth_failure_delay_ms", "Milliseconds to wait before answering a failed AUTH.",
          [](Config& c) -> milliseconds& { return c.smtp.authFailureDelay; }, 0, 30000),
      boolean("smtp.received_client_address",
              "Whether the Received: header names the client's IP address (false keeps office addresses "
              "private).",
              [](Config& c) -> bool& { return c.smtp.receivedClientAddress; }),
      choice<Config::Smtp::DisplayNamePolicy>(
          "smtp.display_name_policy",
          "strict: refuse (550 5.7.1) a From, Sender or Reply-To whose display name or group name shows an\n"
          "e-mail address other than the mailbox's own, or that holds a bidi control character; off: allow.",
          [](Config& c) -> Config::Smtp::DisplayNamePolicy& { return c.smtp.displayNamePolicy; },
          {{"strict", Config::Smtp::DisplayNamePolicy::Strict},
           {"off", Config::Smtp::DisplayNamePolicy::Off}}),
      number<std::uint64_t>(
          "spool.min_free_bytes",
          "Free disk space the spool keeps in reserve; below it new mail gets 452 4.3.1.",
          [](Config& c) -> std::uint64_t& { return c.spool.minFreeBytes; }, 0, std::uint64_t(1) << 50),
      choice<Config::Spool::Sync>(
          "spool.sync",
          "How an accepted message is made durable before its 250. filesystem: one syncfs of the spool's\n"
          "filesystem for every message committing at that moment (fewest disk flushes); files: an fsync "
          "per\n"
          "file, for a spool on a filesystem shared with heavy writers of its own.",
          [](Config& c) -> Config::Spool::Sync& { return c.spool.sync; },
          {{"filesystem", Config::Spool::Sync::Filesystem}, {"files", Config::Spool::Sync::Files}}),
      number<std::uint32_t>(
          "auth.argon2.time_cost", "Argon2id passes for new password hashes.",
          [](Config& c) -> std::uint32_t& { return c.auth.argon2TimeCost; }, 1, 20),
      number<std::uint32_t>(
          "auth.argon2.memory_kib", "Argon2id memory in KiB for new password hashes (19456 = 19 MiB).",
          [](Config& c) -> std::uint32_t& { return c.auth.argon2MemoryKiB; }, 64, 1u << 20),
      number<std::uint32_t>(
          "auth.argon2.parallelism", "Argon2id lanes for new password hashes.",
          [](Config& c) -> std::uint32_t& { return c.auth.argon2Parallelism; }, 1, 16),
      number<std::size_t>(
          "auth.max_concurrent_verifications",
          "Password hashes verified at once (each needs argon2.memory_kib of memory).",
          [](Config& c) -> std::size_t& { return c.auth.maxConcurrentVerifications; }, 1, 64),
      duration<seconds>(
          "auth.cache_ttl",
          "Seconds a successful login is remembered so reconnecting clients skip the slow hash; 0 disables.",
          [](Config& c) -> seconds& { return c.auth.cacheTtl; }, 0, 86400),
      number<std::size_t>(
          "auth.throttle.failures",
          "Failed logins from one client address within auth.throttle.window before AUTH is refused.",
          [](Config& c) -> std::size_t& { return c.auth.throttleFailures; }, 1, 100000),
      duration<seconds>(
          "auth.throttle.window", "Seconds over which failed logins per client address are counted.",
          [](Config& c) -> seconds& { return c.auth.throttleWindow; }, 1, 86400),
      // Brute-force bans (auth/ban_list.h; README "Brute-force protection and bans").
      duration<seconds>(
          "auth.ban_time",
          "Seconds a client address or login is banned when it reaches its failure limit; each repeat\n"
          "while the last ban is remembered lasts four times longer, up to auth.ban_max_time.",
          [](Config& c) -> seconds& { return c.auth.banTime; }, 1, 30 * 86400),
      duration<seconds>(
          "auth.ban_max_time",
          "Longest ban, in seconds; a ban is remembered this long after it ends, for the next one's length.",
          [](Config& c) -> seconds& { return c.auth.banMaxTime; }, 1, 365 * 86400),
      number<std::size_t>(
          "auth.login_ban.failures",
          "Failed logins as one login within auth.throttle.window, from at least auth.login_ban.addresses\n"
          "client addresses, before that login is banned (answered as a wrong password everywhere except\n"
          "from addresses that logged in as it before).",
          [](Config& c) -> std::size_t& { return c.auth.loginBanFailures; }, 1, 100000),
      number<std::size_t>(
          "auth.login_ban.addresses",
          "Different client addresses (IPv6: /64 networks) the failures of auth.login_ban.failures must\n"
          "come from.",
          [](Config& c) -> std::size_t& { return c.auth.loginBanAddresses; }, 1, 1000),
      networks(
          "auth.never_ban",
          "Client networks never banned nor throttled, comma-separated ADDRESS/PREFIX (e.g. the office LAN,\n"
          "192.168.10.0/24). Empty: none.",
          [](Config& c) -> std::vector<core::IpNetwork>& { return c.auth.neverBan; }, true),
      listeners(
          "relay.smarthost",
          "Smarthost every message is forwarded to, as HOST:PORT (e.g. smtp.example.net:587); a "
          "comma-separated\n"
          "list is tried in order, the next host when one cannot be reached or answers 4xx. Empty: accepted\n"
          "mail stays queued until a smarthost is configured.",
          [](Config& c) -> std::vector<ListenAddress>& { return c.relay.smarthosts; }),
      choice<Config::RelayTls>(
          "relay.tls",
          "TLS to the smarthost: starttls (port 587; refuse to send if STARTTLS is not offered), tls "
          "(implicit\n"
          "TLS, port 465) or none (plaintext: only for a smarthost on this machine or a test set-up).\n"
          "The certificate is always verified against the CA bundle and the smarthost's host name.",
          [](Config& c) -> Config::RelayTls& { return c.relay.tls; },
          {{"starttls", Config::RelayTls::StartTls},
           {"tls", Config::RelayTls::Implicit},
           {"none", Config::RelayTls::None}}),
      text(
          "relay.ca_file",
          "PEM file of CA certificates trusted for the smarthost. Empty: the system CA bundle.",
          [](Config& c) -> std::string& { return c.relay.caFile; }, optionalPath),
      text(
          "relay.username", "User name for AUTH at the smarthost. Empty: do not authenticate.",
          [](Config& c) -> std::string& { return c.relay.username; }, printableText),
      text(
          "relay.password",
          "Password for AUTH at the smarthost (PLAIN or LOGIN, only over TLS). Prefer the environment\n"
          "variable POSTERN_RELAY_PASSWORD, or POSTERN_RELAY_PASSWORD_FILE naming a file that holds it (a\n"
          "container secret), to writing it here.",
          [](Config& c) -> std::string& { return c.relay.password; }, printableText, true),
      number<std::size_t>(
          "relay.max_connections",
          "Connections to the smarthost at once; each is kept open and reused for the next message.",
          [](Config& c) -> std::size_t& { return c.relay.maxConnections; }, 1, 64),
      span(
          "relay.timeout.connect", "Time allowed to connect to the smarthost, TLS handshake included.",
          [](Config& c) -> std::chrono::seconds& { return c.relay.connectTimeout; }, seconds(1),
          seconds(600)),
      span(
          "relay.timeout.command",
          "Time allowed for each reply of the smarthost (greeting, EHLO, MAIL, RCPT, DATA).",
          [](Config& c) -> std::chrono::seconds& { return c.relay.commandTimeout; }, seconds(1),
          seconds(3600)),
      span(
          "relay.timeout.data",
          "Time allowed for sending a message and for the smarthost's reply to its end.",
          [](Config& c) -> std::chrono::seconds& { return c.relay.dataTimeout; }, seconds(1), seconds(7200)),
      span(
          "relay.idle_timeout", "An unused connection to the smarthost is closed (QUIT) after this long.",
          [](Config& c) -> std::chrono::seconds& { return c.relay.idleTimeout; }, seconds(1), seconds(3600)),
      KeyDef{"queue.retry_schedule",
             "Delays between delivery attempts of a deferred message, in order; the last one repeats.", false,
             [](Config& c, const std::string& v) -> std::optional<std::string> {
               std::vector<seconds> list;
               std::string_view rest = v;
               while (!core::trim(rest).empty()) {
                 const auto sep = rest.find_first_of(", ");
                 const std::string item(core::trim(rest.substr(0, sep)));
                 rest = sep == std::string_view::npos ? std::string_view() : rest.substr(sep + 1);
                 if (item.empty()) continue;
                 const auto d = parseDuration(item);
                 if (!d || *d < seconds(1) || *d > hours(24 * 7))
                   return "'" + item + "' is not a duration from 1s to 7d (e.g. 1m, 15m, 1h)";
                 list.push_back(*d);
               }
               if (list.empty()) return "must list at least one delay";
               c.queue.retrySchedule = std::move(list);
               return std::nullopt;
             },
             [](const Config& c) {
               std::string out;
               for (const auto d : c.queue.retrySchedule)
                 out += (out.empty() ? "" : ", ") + formatDuration(d);
               return out;
             }},
      span(
          "queue.max_lifetime",
          "How long a message is retried; then its sender gets a bounce (a delivery status notification).",
          [](Config& c) -> std::chrono::seconds& { return c.queue.maxLifetime; }, seconds(1), hours(24 * 60)),
      span(
          "queue.delay_warning",
          "After this long undelivered, the sender gets one warning that delivery is delayed. 0: never warn.",
          [](Config& c) -> std::chrono::seconds& { return c.queue.delayWarning; }, seconds(0),
          hours(24 * 60)),
      span(
          "queue.delivery_log_retention", "How long the delivery log keeps each attempt.",
          [](Config& c) -> std::chrono::seconds& { return c.queue.deliveryLogRetention; }, hours(1),
          hours(24 * 3660)),
      choice<Config::MissingDkimKey>(
          "dkim.missing_key",
          "When the header From domain (or its parent) has no active DKIM key: unsigned (relay the message\n"
          "unsigned and log a warning) or reject (answer the DATA with 550 5.7.1).",
          [](Config& c) -> Config::MissingDkimKey& { return c.dkim.missingKey; },
          {{"unsigned", Config::MissingDkimKey::Unsigned}, {"reject", Config::MissingDkimKey::Reject}}),
      text(
          "dkim.canonicalization",
          "DKIM canonicalization, header/body: relaxed/relaxed, relaxed/simple, simple/relaxed or "
          "simple/simple.",
          [](Config& c) -> std::string& { return c.dkim.canonicalization; },
          [](const std::string& v) -> std::optional<std::string> {
            for (const char* ok : {"relaxed/relaxed", "relaxed/simple", "simple/relaxed", "simple/simple"})
              if (v == ok) return std::nullopt;
            return "must be relaxed/relaxed, relaxed/simple, simple/relaxed or simple/simple";
          }),
      text(
          "clients.submission_host",
          "Host name the mail client documents (Thunderbird autoconfig, Outlook Autodiscover, Apple\n"
          "profiles) tell clients to send through; it must match the certificate. Empty: hostname.",
          [](Config& c) -> std::string& { return c.clients.submissionHost; }, hostnameText),
      KeyDef{"clients.incoming",
             "The office's incoming mail server (its mailbox provider's IMAP or POP3), so that the client\n"
             "documents set up a whole account: imap:HOST:993:ssl, pop3:HOST:995:ssl (or :starttls).\n"
             "Empty: the documents offer sending only (Apple profiles then cannot be made).",
             false,
             [](Config& c, const std::string& v) { return parseIncomingServer(v, c.clients.incoming); },
             [](const Config& c) { return formatIncomingServer(c.clients.incoming); }},
      text(
          "clients.display_name", "Account name the client documents show. Empty: the mail domain.",
          [](Config& c) -> std::string& { return c.clients.displayName; },
          [](const std::string& v) -> std::optional<std::string> {
            if (auto error = printableText(v)) return error;
            if (v.size() > 200) return "must be at most 200 characters";
            return std::nullopt;
          }),
      text(
          "secrets.master_key_file",
          "File holding the master key that encrypts secrets in the database: DKIM private keys, smarthost\n"
          "passwords, OAuth client secrets and refresh tokens (32 random bytes, base64). Empty:\n"
          "<data_dir>/master.key, created with mode 0600 on first use. Back it up apart from the database:\n"
          "without it the stored secrets cannot be used.",
          [](Config& c) -> std::string& { return c.secrets.masterKeyFile; }, optionalPath),
      text(
          "secrets.master_key",
          "The master key itself (base64 of 32 bytes), instead of the file; for containers set it as\n"
          "POSTERN_SECRETS_MASTER_KEY. Wins over secrets.master_key_file.",
          [](Config& c) -> std::string& { return c.secrets.masterKey; }, anyText, true),
  };
  static const std::vector<KeyDef> table = [&] {
    std::vector<KeyDef> all = general;
    for (auto& key : siteAndDnsKeys()) all.push_back(std::move(key));
    for (auto& key : sendingLimitKeys()) all.push_back(std::move(key));
    return all;
  }();
  return table;
}

}  // namespace postern::config
