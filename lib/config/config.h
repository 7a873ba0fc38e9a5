// config::Config — Postern's whole configuration as one immutable value, loaded once at start-up from an
// optional properties file (Poco::Util::PropertyFileConfiguration syntax: "key = value", '#' comments)
// and environment variables (POSTERN_<KEY> with '.' → '_', upper case; they override the file). A secret
// key may instead be read from the file that POSTERN_<KEY>_FILE names (container secrets).
//
// Owns: every key's name, default, comment and validation (config/keys.cpp is the single table), the
// commented sample (deploy/postern.conf is generated from it and a test keeps them equal), and the
// masked printout for `postern --check-config`.
// Must not know: other modules' internals; modules receive the parts of Config they need.
// Thread-safety: Config is immutable after load(); share it freely.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/ip_network.h"

namespace postern::config {

// "0.0.0.0:587", "[::]:465", "127.0.0.1:0" (port 0: any free port, used by tests).
struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
  std::string str() const;
};

// admin.allowed_networks' default: loopback, the private ranges of RFC 1918 and RFC 4193, and link-local
// addresses.
std::vector<core::IpNetwork> defaultAdminNetworks();

struct Config {
  std::string hostname;  // empty in a file: the machine's host name
  std::string dataDir = "/var/lib/postern";
  std::string logLevel = "information";
  std::string runAsUser;  // empty: keep the starting user

  // Listeners. Each list may be empty (listener off). "submission" requires STARTTLS before AUTH (RFC 6409,
  // RFC 3207); "submissions" speaks TLS from the first byte (RFC 8314); "alternate" follows submission's
  // rules on another port for networks that block 587.
  std::vector<ListenAddress> submission{{"0.0.0.0", 587}};
  std::vector<ListenAddress> submissions{{"0.0.0.0", 465}};
  std::vector<ListenAddress> alternate;

  struct Tls {
    std::string certificate;  // PEM chain; empty: <dataDir>/tls/selfsigned.crt, generated on first start
    std::string privateKey;   // PEM key; empty: <dataDir>/tls/selfsigned.key
    std::string ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL";      // TLS 1.2 suites; ECDHE only
    std::string minProtocol = "1.2";                                 // "1.2" or "1.3"
    std::chrono::seconds reloadCheckInterval{60};                    // 0: reload on SIGHUP only
    std::chrono::seconds ticketKeyRotation{std::chrono::hours(12)};  // 0: no session tickets
  } tls;

  struct Smtp {
    std::uint64_t maxMessageSize = 50ull * 1024 * 1024;
    std::size_t maxRecipients = 100;
    std::size_t maxConnections = 200;
    std::size_t maxConnectionsPerIp = 20;
    std::chrono::seconds preAuthTimeout{60};
    std::chrono::seconds loginTimeout{120};
    std::chrono::seconds commandTimeout{300};
    std::chrono::seconds dataTimeout{300};
    std::chrono::seconds shutdownGrace{30};
    std::size_t maxAuthFailures = 3;
    std::chrono::milliseconds authFailureDelay{1000};
    bool receivedClientAddress = true;
    enum class DisplayNamePolicy { Strict, Off };
    DisplayNamePolicy displayNamePolicy = DisplayNamePolicy::Strict;
  } smtp;

  struct Spool {
    std::uint64_t minFreeBytes = 100ull * 1024 * 1024;
    enum class Sync { Filesystem, Files } sync = Sync::Filesystem;
  } spool;

  struct Auth {
    std::uint32_t argon2TimeCost = 2;
    std::uint32_t argon2MemoryKiB = 19456;
    std::uint32_t argon2Parallelism = 1;
    std::size_t maxConcurrentVerifications = 2;
    std::chrono::seconds cacheTtl{300};
    std::size_t throttleFailures = 10;  // per client IP within throttleWindow, then AUTH is refused (454)
    std::chrono::seconds throttleWindow{600};
    // Brute-force bans (auth::BanList).
    std::chrono::seconds banTime{900};
    std::chrono::seconds banMaxTime{86400};
    std::size_t loginBanFailures = 20;
    std::size_t loginBanAddresses = 3;
    std::vector<core::IpNetwork> neverBan;
  } auth;

  // Outbound: the smarthost every message is forwarded to (issue: delivery).
  enum class RelayTls { StartTls, Implicit, None };
  struct Relay {
    std::vector<ListenAddress> smarthosts;  // tried in order (failover); empty: mail stays queued
    RelayTls tls = RelayTls::StartTls;
    std::string caFile;  // empty: the system CA bundle
    std::string username;
    std::string password;  // secret
    std::size_t maxConnections = 4;
    std::chrono::seconds connectTimeout{30};
    std::chrono::seconds commandTimeout{120};
    std::chrono::seconds dataTimeout{600};  // for the reply to the final "."
    std::chrono::seconds idleTimeout{30};   // an unused pooled connection is closed after this
  } relay;

  struct Queue {
    std::vector<std::chrono::seconds> retrySchedule{std::chrono::minutes(1), std::chrono::minutes(5),
                                                    std::chrono::minutes(15), std::chrono::minutes(30),
                                                    std::chrono::hours(1)};  // the last step repeats
    std::chrono::seconds maxLifetime{std::chrono::hours(24 * 5)};
    std::chrono::seconds delayWarning{std::chrono::hours(4)};  // 0: never warn
    std::chrono::seconds deliveryLogRetention{std::chrono::hours(24 * 30)};
  } queue;

  enum class MissingDkimKey { Unsigned, Reject };
  struct Dkim {
    MissingDkimKey missingKey = MissingDkimKey::Unsigned;
    std::string canonicalization = "relaxed/relaxed";  // header/body: relaxed or simple each
  } dkim;

  // What the documents mail clients configure themselves from (Thunderbird autoconfig, Outlook
  // Autodiscover, Apple profiles) tell them. The submission ports come from the listeners.
  enum class IncomingProtocol { None, Imap, Pop3 };
  struct Clients {
    std::string submissionHost;  // empty: hostname
    struct Incoming {
      IncomingProtocol protocol = IncomingProtocol::None;  // None: the documents offer sending only
      std::string host;
      std::uint16_t port = 0;
      bool implicitTls = true;  // false: STARTTLS
    } incoming;
    std::string displayName;  // empty: the mail domain
  } clients;

  // The master key that encrypts secrets at rest (DKIM keys, smarthost credentials).
  struct Secrets {
    std::string masterKeyFile;  // empty: <dataDir>/master.key
    std::string masterKey;      // secret; base64 of 32 bytes; overrides the file
  } secrets;

  // The web admin (HTTPS): where it listens, who may connect, its certificate and its sign-in sessions.
  struct Admin {
    std::vector<ListenAddress> listen{{"127.0.0.1", 8443}};  // empty: no admin listener
    // Clients outside every network get 403 before any request is read.
    std::vector<core::IpNetwork> allowedNetworks = defaultAdminNetworks();
    struct Tls {
      std::string certificate;  // empty (with privateKey): the SMTP listeners' certificate and key
      std::string privateKey;
    } tls;
    std::size_t maxThreads = 8;
    std::chrono::seconds sessionIdleTimeout{std::chrono::minutes(30)};
    std::chrono::seconds sessionLifetime{std::chrono::hours(12)};
    bool requireTotp = false;  // every admin account needs a TOTP second factor (admin::AdminTotp)
    // Empty: GET /metrics answers every client admitted by allowedNetworks. Set: only a request with
    // "Authorization: Bearer <token>" (README "Metrics"). Secret.
    std::string metricsToken;
  } admin;

  // The public HTTPS listener: documents the internet must fetch (the MTA-STS policy, by Host), never the
  // admin UI, its API, /healthz or /metrics.
  struct Public {
    std::vector<ListenAddress> listen;  // empty: no public listener
    struct Tls {
      std::string certificate;  // empty (with privateKey): the SMTP listeners' certificate and key
      std::string privateKey;
    } tls;
    std::size_t maxThreads = 4;
  } publicSite;

  // The DNS lookups of the domain records' checks (never made on the SMTP path).
  struct Dns {
    std::string resolvers;  // comma-separated HOST[:PORT] (dns::parseServerList); empty: /etc/resolv.conf
    std::chrono::seconds timeout{3};  // per try
    int tries = 2;
    std::chrono::seconds checkInterval{std::chrono::hours(6)};  // 0: no background check
  } dns;

  // Per-user sending limits (README "Sending limits"); each user may have their own. 0: unlimited.
  struct Limits {
    std::uint64_t messagesPerHour = 200;
    std::uint64_t recipientsPerDay = 1000;
  } limits;

  // Derived paths inside dataDir.
  std::string databasePath() const { return dataDir + "/postern.db"; }
  std::string spoolDir() const { return dataDir + "/spool"; }
  std::string tlsDir() const { return dataDir + "/tls"; }
  std::string lockPath() const { return dataDir + "/postern.lock"; }
  std::string masterKeyPath() const {
    return secrets.masterKeyFile.empty() ? dataDir + "/master.key" : secrets.masterKeyFile;
  }
};

struct LoadResult {
  Config config;
  std::vector<std::string> errors;  // every problem found, each naming its key (and the file or variable)
  bool ok() const { return errors.empty(); }
};

// Reads the file (when path is non-empty; a missing file is an error) then the environment. For a key
// marked secret, POSTERN_<KEY>_FILE names a file holding its value (one trailing newline dropped); setting
// both that and POSTERN_<KEY>, or naming a file that cannot be read, is an error.
// env is the process environment as name → value (pass environmentMap() in production).
LoadResult load(const std::string& path, const std::map<std::string, std::string>& env);

std::map<std::string, std::string> environmentMap();

// The effective configuration as "key = value" lines in table order; secrets masked as "********".
std::string describe(const Config& config);

// The commented sample configuration (deploy/postern.conf), built from the key table.
std::string sampleFile();

// clients.incoming: "imap:HOST:PORT:ssl|starttls", "pop3:HOST:PORT:ssl|starttls"; "" is none. The error text
// (without the key's name) when malformed.
std::optional<std::string> parseIncomingServer(const std::string& text, Config::Clients::Incoming& out);
std::string formatIncomingServer(const Config::Clients::Incoming& incoming);

// "HOST:PORT" or "[IPv6]:PORT"; nullopt when malformed.
std::optional<ListenAddress> parseListenAddress(const std::string& text);

// Durations as written in the file: "90s", "5m", "4h", "5d", or plain seconds ("300"). formatDuration
// prints the largest unit that divides the value exactly ("0" for zero).
std::optional<std::chrono::seconds> parseDuration(const std::string& text);
std::string formatDuration(std::chrono::seconds value);

// The environment variable that overrides a key: "smtp.max_recipients" → "POSTERN_SMTP_MAX_RECIPIENTS".
std::string environmentName(const std::string& key);

}  // namespace postern::config
