#include "app/admin_services.h"

#include <Poco/Logger.h>

#include "app/secrets.h"
#include "core/text.h"
#include "dns/ares_resolver.h"

namespace postern::app {

namespace {

// Sign-in failures allowed per client address and per login within ten minutes (then 429).
constexpr auth::FailureThrottleOptions kSignInThrottle{10, std::chrono::seconds(600), 10000};

}  // namespace

std::unique_ptr<dns::Resolver> makeResolver(const config::Config& cfg) {
  dns::ResolverSettings settings;
  if (!core::trim(cfg.dns.resolvers).empty()) settings.servers = dns::parseServerList(cfg.dns.resolvers);
  settings.timeout = cfg.dns.timeout;
  settings.tries = cfg.dns.tries;
  return std::make_unique<dns::AresResolver>(std::move(settings));
}

AdminServices::AdminServices(const ServerParts& parts)
    : transport_(parts.transport),
      accountStore_(parts.database, parts.clock),
      sessionStore_(parts.database, parts.clock),
      auditStore_(parts.database),
      signInPerAddress_(parts.clock, kSignInThrottle),
      signInPerLogin_(parts.clock, kSignInThrottle),
      users_(parts.users, parts.hasher),
      // As the CLI's: the first secret sealed through the web admin makes the master key (0600), so an
      // installation managed from the browser alone can store a DKIM key or a smarthost password.
      dkimKeys_(
          parts.dkimKeys, [&cfg = parts.cfg] { return openVault(cfg, true); }, parts.clock),
      domainStore_(parts.database, parts.clock),
      resolver_(makeResolver(parts.cfg)),
      domains_(domainStore_, parts.dkimKeys, parts.routes, *resolver_, parts.clock),
      routes_(
          parts.routes, [&cfg = parts.cfg] { return openVault(cfg, true); },
          !parts.cfg.relay.smarthosts.empty()),
      queueControl_(parts.manager, parts.spool),
      queueIndex_(parts.manager),
      queue_(parts.spool, queueControl_, &parts.deliveryLog, &queueIndex_),
      status_(parts.facts, parts.users, parts.dkimKeys, parts.routes, parts.spool, parts.deliveryLog,
              parts.accepted, &domains_, parts.clock),
      testMessages_(parts.sessionConfig, parts.users, parts.senders, parts.intake, parts.signer, parts.clock),
      accounts_(accountStore_, parts.hasher),
      totpStore_(parts.database, parts.clock),
      pendingSignIns_(parts.clock),
      totp_(
          totpStore_, accountStore_, parts.hasher, [&cfg = parts.cfg] { return openVault(cfg, true); },
          parts.clock, parts.sessionConfig.hostname),
      requireTotp_(parts.cfg.admin.requireTotp),
      signIn_(accountStore_, parts.hasher, signInPerAddress_, signInPerLogin_, parts.signInEvents, &totp_,
              &pendingSignIns_),
      sessions_(sessionStore_, parts.clock,
                admin::AdminSessionOptions{parts.cfg.admin.sessionIdleTimeout,
                                           parts.cfg.admin.sessionLifetime, std::chrono::seconds(60)}),
      setupTokens_(accountStore_, parts.hasher, parts.clock),
      audit_(auditStore_, parts.clock),
      clientSetup_(parts.clientSettings, domainStore_, parts.users, parts.verifier, parts.authThrottle,
                   parts.clientKey) {}

clientconfig::ClientSettings clientSettings(
    const config::Config& cfg, const std::string& hostname,
    const std::vector<std::pair<net::ListenerKind, std::uint16_t>>& ports) {
  clientconfig::ClientSettings settings;
  settings.submissionHost = cfg.clients.submissionHost.empty() ? hostname : cfg.clients.submissionHost;
  for (const auto& [kind, port] : ports) {
    if (kind == net::ListenerKind::Submissions && !settings.implicitTls) settings.implicitTls = port;
    if (kind == net::ListenerKind::Submission && !settings.startTls) settings.startTls = port;
  }
  const auto& in = cfg.clients.incoming;
  if (in.protocol != config::Config::IncomingProtocol::None)
    settings.incoming = clientconfig::IncomingServer{
        in.protocol == config::Config::IncomingProtocol::Imap ? clientconfig::IncomingProtocol::Imap
                                                              : clientconfig::IncomingProtocol::Pop3,
        in.host, in.port,
        in.implicitTls ? clientconfig::Security::ImplicitTls : clientconfig::Security::StartTls};
  settings.displayName = cfg.clients.displayName;
  return settings;
}

web::ApiServices AdminServices::api() {
  return web::ApiServices{
      users_,       dkimKeys_,    routes_,
      queue_,       status_,      testMessages_,
      accounts_,    signIn_,      sessions_,
      setupTokens_, audit_,       [this](const std::string& route) { return transport_.check(route); },
      domains_,     clientSetup_, &totp_,
      requireTotp_};
}

web::ApiGuard::EnrollmentGate AdminServices::enrollmentGate() {
  if (!requireTotp_) return {};
  return [this](const std::string& login) { return !totp_.enrolled(login); };
}

DomainCheckThread::DomainCheckThread(admin::Domains& domains, std::chrono::seconds interval,
                                     const core::Clock& clock)
    : checker_(domains, interval, clock) {
  if (checker_.enabled()) thread_ = std::thread([this] { run(); });
}

void DomainCheckThread::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DomainCheckThread::run() {
  Poco::Logger& log = Poco::Logger::get("domains");
  const auto stopping = [this] {
    const std::lock_guard lock(mutex_);
    return stopping_;
  };
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      // The schedule is the checker's (by its clock); the wait only sleeps until then or until stop().
      if (wake_.wait_for(lock, *checker_.untilDue(), [this] { return stopping_; })) return;
    }
    try {
      if (const auto notChecked = checker_.runDue(stopping); notChecked && *notChecked > 0 && !stopping())
        log.warning("event=domain-check-incomplete domains_not_checked=" + std::to_string(*notChecked));
    } catch (const std::exception& e) {
      log.error(std::string("event=domain-check-failed error=") + core::logValue(e.what()));
    }
  }
}

}  // namespace postern::app
