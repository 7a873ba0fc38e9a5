#include "relay/relay.h"

#include <Poco/Logger.h>

#include "core/error.h"
#include "relay/body_file.h"
#include "relay/client_session.h"
#include "relay/connection_pool.h"
#include "tls/client_context.h"

namespace postern::relay {

namespace {

void validate(const RelayOptions& options) {
  if (options.heloName.empty()) throw core::Error::permanent("relay: no HELO name (hostname) configured");
  for (const Endpoint& host : options.smarthosts)
    if (host.host.empty() || host.port == 0)
      throw core::Error::permanent("relay.smarthosts: '" + host.str() + "' needs a host and a port");
  if (options.username.empty() != options.password.empty())
    throw core::Error::permanent("relay.username and relay.password must be set together");
  if (options.maxConnections == 0) throw core::Error::permanent("relay.max_connections must be at least 1");
  using std::chrono::seconds;
  if (options.connectTimeout <= seconds(0) || options.commandTimeout <= seconds(0) ||
      options.dataTimeout <= seconds(0) || options.idleTimeout <= seconds(0))
    throw core::Error::permanent("relay timeouts must be at least one second");
}

SessionSettings settingsFrom(const RelayOptions& options) {
  SessionSettings s;
  s.tls = options.tls;
  s.heloName = options.heloName;
  s.username = options.username;
  s.password = options.password;
  s.connectTimeout = options.connectTimeout;
  s.commandTimeout = options.commandTimeout;
  s.dataTimeout = options.dataTimeout;
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
    if (options_.smarthosts.empty()) return everyone(message, Outcome::Deferred, "no smarthost configured (relay.smarthosts)");
    if (!options_.username.empty() && options_.tls == TlsMode::None)
      return everyone(message, Outcome::Deferred, "refusing to send credentials without TLS");
    std::optional<BodyFile> body;
    try {
      body.emplace(message.bodyPath);
    } catch (const std::exception& e) {
      return everyone(message, Outcome::Deferred, e.what());
    }
    std::optional<Lease> lease = pool_.acquire();
    if (!lease) return everyone(message, Outcome::Deferred, "shutting down");
    return deliverOn(*lease, message, *body);
  }

  void stop() { pool_.stop(); }

 private:
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
        logger_.information("event=failover smarthost=" + lease.session->name() + " reason=\"" + lastError + "\"");
        lease.session->quit();  // the slot is needed for the next host
        lease.session.reset();
        firstHost = host + 1;
        continue;
      }
      DeliveryReport report;
      report.recipients = std::move(result.recipients);
      report.smarthost = lease.session->name();
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
        logger_.warning("event=smarthost-failed smarthost=" + options_.smarthosts[i].str() + " reason=\"" + lastError + "\"");
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
