// app::AdminServices — the service layer of the running server, built once from the parts runServer()
// already made (one database, one hasher, the spool, the queue manager, the route transport): the
// lib/admin services the web API calls, and the web admin's own stores (accounts, sessions, setup token,
// audit). Wiring only (STYLE.md §13): every rule is in lib/admin and lib/web.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "admin/admin_accounts.h"
#include "admin/admin_pending_sign_ins.h"
#include "admin/admin_sessions.h"
#include "admin/admin_sign_in.h"
#include "admin/admin_totp.h"
#include "admin/audit.h"
#include "admin/client_setup.h"
#include "admin/dkim_keys.h"
#include "admin/domain_checker.h"
#include "admin/domains.h"
#include "admin/queue.h"
#include "admin/routes.h"
#include "admin/setup_tokens.h"
#include "admin/status.h"
#include "admin/test_message.h"
#include "admin/users.h"
#include "auth/credential_verifier.h"
#include "auth/failure_throttle.h"
#include "auth/password_hasher.h"
#include "clientconfig/client_settings.h"
#include "config/config.h"
#include "core/rolling_count.h"
#include "dns/resolver.h"
#include "net/smtp_server.h"
#include "queue/manager.h"
#include "relay/routed_transport.h"
#include "smtp/ports.h"
#include "store/admin_account_repository.h"
#include "store/admin_session_repository.h"
#include "store/admin_totp_repository.h"
#include "store/audit_log_repository.h"
#include "store/database.h"
#include "store/delivery_log_repository.h"
#include "store/dkim_key_repository.h"
#include "store/domain_repository.h"
#include "store/route_repository.h"
#include "store/user_repository.h"
#include "web/api_guard.h"
#include "web/api_services.h"

namespace postern::app {

// The DNS resolver of the domain record checks, from dns.*. Throws core::InvalidValue("dns.resolvers", …).
std::unique_ptr<dns::Resolver> makeResolver(const config::Config& cfg);

// What runServer() has built; everything must outlive the AdminServices.
struct ServerParts {
  const config::Config& cfg;
  const core::Clock& clock;
  store::Database& database;
  const auth::PasswordHasher& hasher;
  store::UserRepository& users;
  store::DkimKeyRepository& dkimKeys;
  store::RouteRepository& routes;
  store::DeliveryLogRepository& deliveryLog;
  queue::Spool& spool;
  queue::Manager& manager;
  smtp::SessionConfig sessionConfig;
  smtp::SenderDirectory& senders;
  smtp::Spool& intake;
  smtp::MessageSigner* signer;
  relay::RoutedTransport& transport;
  const core::RollingCount& accepted;
  admin::StatusFacts facts;
  // The mail client documents: their settings, and SMTP AUTH's verifier and throttle (with its client key),
  // which a user's own profile download shares.
  clientconfig::ClientSettings clientSettings;
  auth::CredentialVerifier& verifier;
  auth::FailureThrottle& authThrottle;
  admin::ClientSetup::ClientKey clientKey;
  admin::SignInEvents* signInEvents = nullptr;  // metrics
};

// What the client documents offer, from clients.* and the SMTP listeners actually bound: the first
// "submissions" listener's port as implicit TLS, the first "submission" listener's as STARTTLS ("alternate"
// listeners are a fallback, never advertised).
clientconfig::ClientSettings clientSettings(
    const config::Config& cfg, const std::string& hostname,
    const std::vector<std::pair<net::ListenerKind, std::uint16_t>>& ports);

class AdminServices {
 public:
  explicit AdminServices(const ServerParts& parts);
  AdminServices(const AdminServices&) = delete;
  AdminServices& operator=(const AdminServices&) = delete;

  web::ApiServices api();
  admin::AdminAccounts& accounts() { return accounts_; }
  admin::SetupTokens& setupTokens() { return setupTokens_; }
  admin::AdminSessions& sessions() { return sessions_; }
  admin::Audit& audit() { return audit_; }
  admin::Domains& domains() { return domains_; }
  admin::ClientSetup& clientSetup() { return clientSetup_; }
  admin::AdminTotp& totp() { return totp_; }
  // With admin.require_totp: true for an account without a confirmed second factor; else none.
  web::ApiGuard::EnrollmentGate enrollmentGate();

 private:
  relay::RoutedTransport& transport_;
  store::AdminAccountRepository accountStore_;
  store::AdminSessionRepository sessionStore_;
  store::AuditLogRepository auditStore_;
  auth::FailureThrottle signInPerAddress_;
  auth::FailureThrottle signInPerLogin_;
  admin::Users users_;
  admin::DkimKeys dkimKeys_;
  store::DomainRepository domainStore_;
  std::unique_ptr<dns::Resolver> resolver_;
  admin::Domains domains_;
  admin::Routes routes_;
  admin::ManagerControl queueControl_;
  admin::ManagerIndex queueIndex_;
  admin::Queue queue_;
  admin::Status status_;
  admin::TestMessages testMessages_;
  admin::AdminAccounts accounts_;
  store::AdminTotpRepository totpStore_;
  admin::PendingSignIns pendingSignIns_;
  admin::AdminTotp totp_;
  const bool requireTotp_;
  admin::AdminSignIn signIn_;
  admin::AdminSessions sessions_;
  admin::SetupTokens setupTokens_;
  admin::Audit audit_;
  admin::ClientSetup clientSetup_;
};

// The server's background check of the domains' DNS records: a thread that waits for
// admin::DomainChecker's schedule and runs it, logging what failed. It runs beside SMTP, never on its
// path; stop() (and the destructor) wakes it at once and waits only for a domain's check in progress.
class DomainCheckThread {
 public:
  DomainCheckThread(admin::Domains& domains, std::chrono::seconds interval, const core::Clock& clock);
  ~DomainCheckThread() { stop(); }
  DomainCheckThread(const DomainCheckThread&) = delete;
  DomainCheckThread& operator=(const DomainCheckThread&) = delete;

  void stop();

 private:
  void run();

  admin::DomainChecker checker_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // under mutex_
  std::thread thread_;     // not started when the check is off
};

}  // namespace postern::app
