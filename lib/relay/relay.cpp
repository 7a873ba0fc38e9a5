#include "relay/relay.h"

#include <Poco/Logger.h>

#include "core/error.h"
#include "core/text.h"
#include "relay/body_file.h"
#include "relay/client_session.h"
#include "relay/connection_pool.h"
#include "relay/oauth_sasl.h"
#include "tls/client_context.h"

namespace postern::relay {

std::string mechanismName(AuthMechanism mechanism) {
  switch (mechanism) {
    case AuthMechanism::None:
      return "none";
    case AuthMechanism::Password:
      return "PLAIN/LOGIN";
    case AuthMechanism::XOAuth2:
      return "XOAUTH2";
    case AuthMechanism::OAuthBearer:
      return "OAUTHBEARER";
  }
  return "?";
}

namespace {

// The one AuthOptions the session uses: the old username/password fields mean mechanism Password.
AuthOptions resolvedAuth(const RelayOptions& options) {
  if (options.auth.mechanism != AuthMechanism::None) return options.auth;
  AuthOptions auth;
  if (!options.username.empty() || !options.password.empty()) {
    auth.mechanism = AuthMechanism::Password;
    auth.username = options.username;
    auth.password = options.password;
  }
  return auth;
}

void validateAuth(const RelayOptions& options) {
  const AuthOptions& auth = options.auth;
  if (auth.mechanism == AuthMechanism::None) {
    if (!auth.username.empty() || !auth.password.empty() || auth.accessToken)
      throw core::Error::permanent("relay auth: credentials given but no mechanism chosen");
    return;
  }
  if (!options.username.empty() || !options.password.empty())
    throw core::Error::permanent("relay: set either username/password or auth, not both");
  switch (auth.mechanism) {
    case AuthMechanism::None:
      break;
    case AuthMechanism::Password:
      if (auth.username.empty() || auth.password.empty())
        throw core::Error::permanent("relay auth PLAIN/LOGIN needs a username and a password");
      if (auth.accessToken) throw core::Error::permanent("relay auth PLAIN/LOGIN takes no access token");
      break;
    case AuthMechanism::XOAuth2:
    case AuthMechanism::OAuthBearer:
      // The user name goes into the SASL message between ^A separators: no control characters.
      if (!isSafeSaslUser(auth.username))
        throw core::Error::permanent("relay auth " + mechanismName(auth.mechanism) +
                                     " needs a username without control characters");
      if (!auth.accessToken)
        throw core::Error::permanent("relay auth " + mechanismName(auth.mechanism) +
                                     " needs an access token source");
      if (!auth.password.empty())
        throw core::Error::permanent("relay auth " + mechanismName(auth.mechanism) + " takes no password");
      break;
  }
}

void validate(const RelayOptions& options) {
  if (options.heloName.empty()) throw core::Error::permanent("relay: no HELO name (hostname) configured");
  for (const Endpoint& host : options.smarthosts)
    if (host.host.empty() || host.port == 0)
      throw core::Error::permanent("smarthost '" + host.str() + "' needs a host and a port");
  if (options.username.empty() != options.password.empty())
    throw core::Error::permanent("relay.username and relay.password must be set together");
  validateAuth(options);
  if (options.maxConnections == 0) throw core::Error::permanent("relay.max_connections must be at least 1");
  using std::chrono::seconds;
  if (options.connectTimeout <= seconds(0) || options.commandTimeout <= seconds(0) ||
      options.dataTimeout <= seconds(0) || options.idleTimeout <= seconds(0))
    throw core::Error::permanent("relay timeouts must be at least one second");
  if (options.connectionWait < std::chrono::milliseconds(0))
    throw core::Error::permanent("relay: the wait for a free connection cannot be negative");
}

SessionSettings settingsFrom(const RelayOptions& options) {
  SessionSettings s;
  s.tls = options.tls;
  s.heloName = options.heloName;
  s.auth = resolvedAuth(options);
  s.connectTimeout = options.connectTimeout;
  s.commandTimeout = options.commandTimeout;
  s.dataTimeout = options.dataTimeout;
  s.events = options.events;
  return s;
}

DeliveryReport everyone(const OutboundMessage& message, Outcome outcome, const std::string& reply) {
  DeliveryReport report;
  report.recipients.assign(message.recipients.size(), RecipientResult{outcome, reply});
  return report;
}

}  // namespace

class Relay::Impl {
 public:
  explicit Impl(RelayOptions options)
      : options_((validate(options), std::move(options))),
        settings_(settingsFrom(options_)),
        pool_(options_.maxConnections, options_.idleTimeout),
        logger_(Poco::Logger::get("relay")) {
    // One context per smarthost: the name its certificate must carry is part of the context.
    for (const Endpoint& host : options_.smarthosts) {
      contexts_.push_back(options_.tls == TlsMode::None
                              ? Poco::Net::Context::Ptr()
                              : tls::makeClientContext(tls::ClientPolicy{host.host, options_.caFile}));
    }
  }

  DeliveryReport deliver(const OutboundMessage& message) {
    if (message.recipients.empty()) return DeliveryReport{};
    if (options_.smarthosts.empty())
      return everyone(message, Outcome::Deferred,
                      "no usable smarthost configured for this route (see the server log)");
    if (settings_.auth.mechanism != AuthMechanism::None && options_.tls == TlsMode::None)
      return everyone(message, Outcome::Deferred, "refusing to send credentials without TLS");
    std::optional<BodyFile> body;
    try {
      body.emplace(message.bodyPath);
    } catch (const std::exception& e) {
      return everyone(message, Outcome::Deferred, e.what());
    }
    std::optional<Lease> lease = pool_.tryAcquire(options_.connectionWait);
    if (!lease && pool_.stopped()) return everyone(message, Outcome::Deferred, "shutting down");
    if (!lease) {
      DeliveryReport busy = everyone(
          message, Outcome::Deferred,
          "all " + std::to_string(options_.maxConnections) + " connections to the smarthost are busy");
      busy.busy = true;
      return busy;
    }
    try {
      return deliverOn(*lease, message, *body);
    } catch (const TokenUnavailable& e) {
      // Every host would need the same token: no failover, and never another mechanism.
      return everyone(message, Outcome::Deferred, e.what());
    }
  }

  std::vector<SmarthostCheck> check() {
    std::vector<SmarthostCheck> checks;
    if (options_.smarthosts.empty()) {
      SmarthostCheck none;
      none.error = "no usable smarthost configured for this route (see the server log)";
      checks.push_back(std::move(none));
    }
    for (std::size_t i = 0; i < options_.smarthosts.size(); ++i) checks.push_back(checkHost(i));
    return checks;
  }

  void stop() { pool_.stop(); }

 private:
  SmarthostCheck checkHost(std::size_t index) {
    SmarthostCheck check;
    check.host = options_.smarthosts[index].str();
    const bool tls = options_.tls != TlsMode::None;
    if (settings_.auth.mechanism != AuthMechanism::None && !tls) {
      check.error = "refusing to send credentials without TLS";
      return check;
    }
    OpenProgress progress;
    try {
      std::unique_ptr<ClientSession> session =
          ClientSession::open(options_.smarthosts[index], index, settings_, contexts_[index], &progress);
      session->quit();
      check.ok = true;
    } catch (const std::exception& e) {  // SessionError, TokenUnavailable
      check.error = e.what();
      if (progress.connected && tls && progress.tlsVersion.empty())
        check.certificateError = tls::lastClientHandshake().verifyError;
    }
    check.connected = progress.connected;
    check.tlsVersion = progress.tlsVersion;
    check.cipher = progress.tlsCipher;
    check.certificateVerified = !progress.tlsVersion.empty();
    check.authMechanism = progress.authMechanism;
    check.authOk =
        settings_.auth.mechanism == AuthMechanism::None ? check.ok : !progress.authMechanism.empty();
    return check;
  }

  DeliveryReport deliverOn(Lease& lease, const OutboundMessage& message, BodyFile& body) {
    // A pooled connection the server has closed meanwhile costs a reconnect, never the message.
    if (lease.session && !lease.session->reset()) lease.session.reset();
    std::size_t firstHost = 0;
    std::string lastError;
    for (;;) {
      if (!lease.session) lease.session = openFrom(firstHost, lastError);
      if (!lease.session) return everyone(message, Outcome::Deferred, lastError);
      TransactionResult result = lease.session->send(message, body);
      const std::size_t host = lease.session->hostIndex();
      if (result.tryNextHost && host + 1 < options_.smarthosts.size()) {
        lastError = result.recipients.front().reply;
        logger_.information("event=failover smarthost=" + lease.session->name() +
                            " reason=" + core::logValue(lastError));
        lease.session->quit();  // the slot is needed for the next host
        lease.session.reset();
        firstHost = host + 1;
        continue;
      }
      DeliveryReport report;
      report.recipients = std::move(result.recipients);
      report.smarthost = lease.session->name();
      report.dsnPassedOn = result.dsnPassedOn;
      return report;
    }
  }

  // The first smarthost from index `first` on that completes greeting, EHLO, TLS and AUTH.
  std::unique_ptr<ClientSession> openFrom(std::size_t first, std::string& lastError) {
    for (std::size_t i = first; i < options_.smarthosts.size(); ++i) {
      try {
        return ClientSession::open(options_.smarthosts[i], i, settings_, contexts_[i]);
      } catch (const SessionError& e) {
        lastError = e.what();
        logger_.warning("event=smarthost-failed smarthost=" + options_.smarthosts[i].str() +
                        " reason=" + core::logValue(lastError));
      }
    }
    return nullptr;
  }

  const RelayOptions options_;
  const SessionSettings settings_;
  std::vector<Poco::Net::Context::Ptr> contexts_;
  ConnectionPool pool_;
  Poco::Logger& logger_;
};

Relay::Relay(RelayOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Relay::~Relay() { impl_->stop(); }

std::vector<SmarthostCheck> Relay::check() { return impl_->check(); }

DeliveryReport Relay::deliver(const OutboundMessage& message) {
  try {
    return impl_->deliver(message);
  } catch (const std::exception& e) {
    // Nothing above should throw; if it does, the message stays queued.
    DeliveryReport report;
    report.recipients.assign(message.recipients.size(),
                             RecipientResult{Outcome::Deferred, std::string("internal error: ") + e.what()});
    return report;
  }
}

void Relay::stop() { impl_->stop(); }

}  // namespace postern::relay
