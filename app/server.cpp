// runServer(): builds Postern's object graph by hand, in dependency order, and tears it down in reverse
// (STYLE.md §13). This function is the map of the running program.
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Net/DNS.h>

#include <fcntl.h>
#include <unistd.h>

#include <pthread.h>
#include <csignal>

#include "admin/bans.h"
#include "admin/health.h"
#include "app/adapters.h"
#include "app/admin_bootstrap.h"
#include "app/admin_services.h"
#include "app/cli.h"
#include "app/cli_bans.h"
#include "app/cli_support.h"
#include "app/delivery.h"
#include "app/dkim_signer.h"
#include "app/metrics_ports.h"
#include "app/privileges.h"
#include "app/public_site.h"
#include "app/relay_options.h"
#include "app/secrets.h"
#include "app/server.h"
#include "app/tls_policy.h"
#include "app/web_admin.h"
#include "auth/auth_log.h"
#include "auth/ban_list.h"
#include "auth/credential_cache.h"
#include "auth/credential_verifier.h"
#include "auth/password_hasher.h"
#include "auth/sasl_library.h"
#include "auth/sasl_session.h"
#include "auth/sender_policy.h"
#include "core/clock.h"
#include "core/error.h"
#include "fs/file_io.h"
#include "fs/lock_file.h"
#include "limits/sending_limits.h"
#include "net/smtp_server.h"
#include "oauth/token_endpoint_client.h"
#include "queue/manager.h"
#include "queue/spool.h"
#include "relay/routed_transport.h"
#include "routing/route_admin.h"
#include "routing/stored_routes.h"
#include "store/database.h"
#include "store/delivery_log_repository.h"
#include "store/dkim_key_repository.h"
#include "store/migration_runner.h"
#include "store/route_repository.h"
#include "store/sending_limit_repository.h"
#include "store/user_repository.h"
#include "tls/certificate_info.h"
#include "tls/certificate_reloader.h"
#include "tls/server_context.h"

namespace postern::app {

namespace {

smtp::SessionConfig sessionConfig(const config::Config& cfg, const std::string& hostname) {
  smtp::SessionConfig s;
  s.hostname = hostname;
  s.maxMessageSize = cfg.smtp.maxMessageSize;
  s.maxRecipients = cfg.smtp.maxRecipients;
  s.maxAuthFailures = cfg.smtp.maxAuthFailures;
  s.authFailureDelay = cfg.smtp.authFailureDelay;
  s.receivedIncludesClientAddress = cfg.smtp.receivedClientAddress;
  s.preAuthTimeout = cfg.smtp.preAuthTimeout;
  s.commandTimeout = cfg.smtp.commandTimeout;
  s.dataTimeout = cfg.smtp.dataTimeout;
  s.rejectWithoutDkimKey = cfg.dkim.missingKey == config::Config::MissingDkimKey::Reject;
  s.checkDisplayNames = cfg.smtp.displayNamePolicy == config::Config::Smtp::DisplayNamePolicy::Strict;
  return s;
}

std::vector<net::ListenerSpec> listeners(const config::Config& cfg) {
  std::vector<net::ListenerSpec> specs;
  auto add = [&](const std::vector<config::ListenAddress>& list, net::ListenerKind kind) {
    for (const auto& a : list) specs.push_back(net::ListenerSpec{kind, a.host, a.port});
  };
  add(cfg.submission, net::ListenerKind::Submission);
  add(cfg.submissions, net::ListenerKind::Submissions);
  add(cfg.alternate, net::ListenerKind::Alternate);
  return specs;
}

tls::ServerPolicy configuredTlsPolicy(const config::Config& cfg) {
  return serverTlsPolicy(cfg, cfg.tls.certificate, cfg.tls.privateKey);
}

// The certificate Postern makes for itself in the data directory, as the service account.
tls::ServerPolicy selfSignedTlsPolicy(const config::Config& cfg, const std::string& hostname,
                                      Poco::Logger& log) {
  tls::ServerPolicy policy = configuredTlsPolicy(cfg);
  const auto generated = tls::ensureSelfSigned(cfg.tlsDir(), hostname);
  log.warning(std::string(generated.created ? "generated" : "using") + " self-signed certificate " +
              generated.certificateFile + " for " + hostname +
              ": clients will warn until tls.certificate names a real one");
  policy.certificateFile = generated.certificateFile;
  policy.privateKeyFile = generated.privateKeyFile;
  return policy;
}

// What a new installation still lacks, as a few log lines with the command or page that does it; nothing once
// there is a user and somewhere to send mail.
void logNextSteps(const admin::StatusView& status, const std::vector<std::string>& adminUrls,
                  Poco::Logger& log) {
  if (status.hasUser && status.hasRoute) return;
  if (!status.hasUser)
    log.warning("next step: add a user who may send (postern user add LOGIN, or Users in the admin UI)");
  if (!status.hasRoute)
    log.warning(
        "next step: set a smarthost (relay.smarthost) or add a route (postern route add, or Routes in the "
        "admin UI); until then accepted mail waits in the queue");
  if (!adminUrls.empty()) log.warning("next step: the admin UI is at " + adminUrls.front());
}

}  // namespace

int runServer(const config::Config& cfg) {
  // Termination signals and SIGHUP (reload the certificates) are taken by sigwait() below, never by a
  // worker thread: block them before any thread exists so every thread inherits the mask.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a client that vanishes must cost an error return, not the process

  setUpLogging(cfg.logLevel);
  Poco::Logger& log = Poco::Logger::get("postern");
  try {
    const core::Clock& clock = core::SystemClock::instance();
    const std::string hostname = cfg.hostname.empty() ? Poco::Net::DNS::hostName() : cfg.hostname;
    // Root's part, before any client byte or file of the data directory is touched: the data directory
    // (made private, handed over on a first start), a TLS key that only root may read, the ports. Then
    // Postern becomes the service account for good; everything below is created as that account.
    const PreparedDataDirectory prepared = takeDataDirectory(cfg);
    for (const std::string& note : describe(prepared, cfg)) log.warning("data directory: " + note);
    // Every listener's context lives in a holder that SIGHUP and the periodic file check refill; all of
    // them seal session tickets with one rotating key ring, so a reload does not cost clients their tickets.
    Poco::Logger& tlsLog = Poco::Logger::get("tls");
    tls::CertificateReloader reloader(
        cfg.tls.ticketKeyRotation.count() > 0
            ? std::make_shared<tls::TicketKeyRing>(clock, cfg.tls.ticketKeyRotation)
            : nullptr,
        [&tlsLog](bool warning, const std::string& message) {
          if (warning)
            tlsLog.warning(message);
          else
            tlsLog.information(message);
        });
    std::shared_ptr<tls::ContextHolder> tlsContext;
    if (!cfg.tls.certificate.empty()) tlsContext = reloader.add("smtp", configuredTlsPolicy(cfg));
    std::vector<net::BoundListener> bound = net::bindListeners(listeners(cfg));
    // The web admin likewise: its own key (when it has one) and its ports, as root.
    std::shared_ptr<tls::ContextHolder> webTlsContext = adminTlsContext(cfg, reloader);
    std::vector<Poco::Net::ServerSocket> webListeners = bindAdminListeners(cfg);
    // And the public site (MTA-STS policies, mail client set-up), typically on 443.
    std::shared_ptr<tls::ContextHolder> publicContext = publicTlsContext(cfg, reloader);
    std::vector<Poco::Net::ServerSocket> publicListeners = bindPublicListeners(cfg);
    dropPrivileges(prepared.account);
    if (prepared.account)
      log.information("running as user " + prepared.account->name);
    else if (::geteuid() == 0)
      log.warning(
          "running as root: set user (e.g. POSTERN_USER=postern) so that no client byte is handled as root");

    // One server per data directory: start-up recovery deletes unacknowledged files in spool/tmp/, which
    // would destroy the messages a second server is receiving. The lock dies with the process.
    const auto lock = fs::LockFile::tryAcquire(cfg.lockPath());
    if (!lock) throw core::Error::permanent("another postern server is using " + cfg.dataDir);
    if (hostname.find('.') == std::string::npos)
      log.warning("hostname '" + hostname +
                  "' is not fully qualified (RFC 5321 §4.1.1.1): set hostname to the name "
                  "clients connect to");

    store::Database database(cfg.databasePath());
    const auto migrated = store::MigrationRunner(database, clock).run();
    for (const auto& name : migrated.applied) log.information("database: applied migration " + name);
    store::UserRepository users(database, clock);
    // Lets the message path keep what it read from the store while nothing there changed.
    store::ChangeMonitor storeChanges(cfg.databasePath());

    queue::SpoolOptions spoolOptions;
    spoolOptions.minFreeBytes = cfg.spool.minFreeBytes;
    spoolOptions.rememberEnvelopes = true;  // while the server runs, every spool change goes through it
    spoolOptions.syncMethod = cfg.spool.sync == config::Config::Spool::Sync::Files
                                  ? queue::SpoolOptions::SyncMethod::Files
                                  : queue::SpoolOptions::SyncMethod::Filesystem;
    queue::Spool spool(cfg.spoolDir(), spoolOptions, clock);
    const auto recovery = spool.recover();
    for (const auto& note : recovery.notes) log.warning("spool recovery: " + note);
    log.information("spool: " + std::to_string(recovery.messages) + " queued messages, " +
                    std::to_string(recovery.removedTemporaries) + " unacknowledged files removed, " +
                    std::to_string(recovery.quarantined) + " quarantined");

    std::string certificateFile = cfg.tls.certificate;  // what SMTP clients are shown, for the dashboard
    if (!tlsContext) {
      const tls::ServerPolicy selfSigned = selfSignedTlsPolicy(cfg, hostname, log);
      certificateFile = selfSigned.certificateFile;
      tlsContext = reloader.add("smtp", selfSigned);
    }

    auth::PasswordHasher hasher(argon2Params(cfg),
                                static_cast<unsigned>(cfg.auth.maxConcurrentVerifications));
    auth::CredentialCache cache(clock, auth::CredentialCacheOptions{cfg.auth.cacheTtl, 10000});
    auth::CredentialVerifier verifier(users, hasher, cache);
    Poco::Logger& saslLog = Poco::Logger::get("sasl");
    auth::SaslLibrary sasl([&saslLog](auth::SaslLibrary::LogLevel level, std::string_view message) {
      const std::string text(message);
      if (level == auth::SaslLibrary::LogLevel::Error)
        saslLog.error(text);
      else if (level == auth::SaslLibrary::LogLevel::Warning)
        saslLog.warning(text);
      else
        saslLog.information(text);
    });
    auth::SenderPolicy senderPolicy(users, &storeChanges);
    SenderDirectory senders(senderPolicy);

    // Metrics (GET /metrics on the admin listener): every module reports through its own port.
    metrics::ServerMetrics serverMetrics(POSTERN_VERSION);
    MetricsPorts metricsPorts(serverMetrics);

    // Brute-force bans (auth/ban_list.h): AUTH failures per client address and per login become bans kept
    // in the database; each ban's start is logged (auth/auth_log.h) and counted.
    store::BanRepository banRepository(database);
    metrics::LabelledCounter& bansStarted = serverMetrics.registry.labelledCounter(
        "postern_auth_bans_started_total", "Brute-force bans started, by kind (client address or login).",
        "kind", {"addr", "login"});
    Poco::Logger& authLog = Poco::Logger::get("auth");
    auth::BanList bans(banRepository, clock, banOptions(cfg), [&authLog, &bansStarted](const auth::Ban& ban) {
      authLog.warning(auth::banStartedLine(ban));
      bansStarted.at(auth::banKindName(ban.kind)).inc();
    });
    serverMetrics.registry.gauge("postern_auth_bans_active",
                                 "Client addresses and logins banned now for failed logins.",
                                 [&bans] { return static_cast<double>(bans.activeCount()); });
    if (const auto active = bans.activeCount(); active > 0)
      log.information("auth: " + std::to_string(active) +
                      " bans in force from before the start (postern ban list)");
    admin::Bans banAdmin(bans, clock);
    LoggedSignInEvents signInEvents(&metricsPorts);

    // Delivery: the queue manager's workers hand messages to the route of their sender (the route table
    // and relay.*), each route with its own pool of smarthost connections. Route changes apply without a
    // restart. With no route at all the queue is held: no attempts, no expiry, no bounces.
    if (cfg.relay.tls == config::Config::RelayTls::None && !cfg.relay.smarthosts.empty())
      log.warning("relay.tls = none: mail leaves for relay.smarthost unencrypted");
    store::RouteRepository routeRepository(database, clock);
    routing::RouteAdmin routeAdmin(routeRepository, [&cfg] { return openVault(cfg, false); });
    relay::RelayOptions routeBase = baseRelayOptions(cfg, hostname);
    routeBase.events = &metricsPorts;
    routing::StoredRoutes storedRoutes(routeAdmin, routeRepository, routeBase,
                                       std::make_shared<CountingTokenEndpointClient>(serverMetrics), clock);
    relay::RoutedTransportOptions transportOptions = routedTransportOptions(cfg, hostname);
    transportOptions.base.events = &metricsPorts;
    if (transportOptions.smarthost) transportOptions.smarthost->events = &metricsPorts;
    relay::RoutedTransport routedTransport(storedRoutes, transportOptions);
    RoutedDelivery transport(routedTransport);
    if (const auto names = transport.routeNames(); names.empty()) {
      log.warning(
          "no smarthost: relay.smarthost is empty and there are no routes (postern route add); accepted "
          "mail is held in the queue until one is configured");
    } else {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      log.information("relay routes: " + list);
    }
    // The log is written in batches (no disk flush per delivery); readers in this process see every entry.
    store::DeliveryLogOptions deliveryLogOptions;
    deliveryLogOptions.batchInterval = std::chrono::milliseconds(500);
    deliveryLogOptions.onWriteFailure = [](const std::string& why) {
      Poco::Logger::get("queue").warning("delivery log: a batch of entries could not be written: " + why);
    };
    store::DeliveryLogRepository deliveryLogRepository(database, deliveryLogOptions);
    StoredDeliveryLog storedDeliveryLog(deliveryLogRepository);
    CountingDeliveryLog deliveryLog(storedDeliveryLog, serverMetrics);
    queue::Manager manager(spool, transport, deliveryLog, managerOptions(cfg, hostname), clock);
    manager.loadSchedule();
    core::RollingCount accepted(clock);  // the dashboard's "accepted in the last 24 hours"
    SpoolSink sink(spool, [&manager, &accepted](const std::string& id) {
      accepted.add();
      manager.enqueue(id);
    });

    // DKIM: active keys are decrypted once and cached; `postern dkim ...` changes reach the next message.
    store::DkimKeyRepository dkimKeys(database, clock);
    Poco::Logger& dkimLog = Poco::Logger::get("dkim");
    dkim::ActiveKeys activeDkimKeys(
        dkimKeys, [&cfg] { return openVault(cfg, false); },
        *dkim::parseCanonicalization(cfg.dkim.canonicalization),
        [&dkimLog](bool error, const std::string& message) {
          if (error)
            dkimLog.error(message);
          else
            dkimLog.information(message);
        },
        &storeChanges);
    activeDkimKeys.current();  // reports unusable keys (e.g. a wrong master key) at start-up
    DkimSigner dkimSigner(activeDkimKeys, smtp::SessionConfig().maxHeaderSection, clock);

    // The service layer the web admin's API calls: the same lib/admin services the CLI uses, over this
    // server's database, spool, queue manager and routes.
    admin::StatusFacts facts;
    facts.version = POSTERN_VERSION;
    facts.hostname = hostname;
    facts.startedAt = clock.now();
    for (const auto& listener : bound)
      facts.listeners.push_back(
          admin::ListenerView{net::kindName(listener.spec.kind), listener.socket.address().toString()});
    for (const auto& listener : webListeners)
      facts.listeners.push_back(admin::ListenerView{"admin", listener.address().toString()});
    for (const auto& listener : publicListeners)
      facts.listeners.push_back(admin::ListenerView{"public", listener.address().toString()});
    facts.certificate = tls::readCertificateInfo(certificateFile);
    registerScrapeGauges(serverMetrics,
                         ScrapeSources{&manager, &clock, certificateFile,
                                       webListeners.empty()                ? std::string()
                                       : cfg.admin.tls.certificate.empty() ? certificateFile
                                                                           : cfg.admin.tls.certificate,
                                       facts.startedAt});
    facts.smarthostConfigured = !cfg.relay.smarthosts.empty();
    std::vector<std::pair<net::ListenerKind, std::uint16_t>> boundPorts;
    for (const auto& listener : bound)
      boundPorts.emplace_back(listener.spec.kind, listener.socket.address().port());
    AdminServices adminServices(
        ServerParts{cfg,
                    clock,
                    database,
                    hasher,
                    users,
                    dkimKeys,
                    routeRepository,
                    deliveryLogRepository,
                    spool,
                    manager,
                    sessionConfig(cfg, hostname),
                    senders,
                    sink,
                    &dkimSigner,
                    routedTransport,
                    accepted,
                    facts,
                    clientSettings(cfg, hostname, boundPorts),
                    verifier,
                    bans.addressThrottle(),
                    [](const std::string& address) { return net::clientGroup(address); },
                    &signInEvents});
    // Sending limits (README "Sending limits"): counted in memory per login, seeded from what was written
    // down before the last stop, written down again every few seconds off the message path.
    store::SendingLimitRepository sendingLimitRepository(database, clock);
    limits::SendingCounter sendingCounter(clock);
    admin::RecordedUsage recordedUsage(sendingLimitRepository);
    limits::seedFromStore(sendingCounter, recordedUsage, clock);
    Poco::Logger& limitsLog = Poco::Logger::get("limits");
    limits::UsageRecorder usageRecorder(sendingCounter, recordedUsage, std::chrono::seconds(5), clock,
                                        [&limitsLog](const std::string& error) { limitsLog.error(error); });
    admin::SendingLimits sendingLimits(
        sendingLimitRepository, limits::Limits{cfg.limits.messagesPerHour, cfg.limits.recipientsPerDay},
        &sendingCounter, clock, &storeChanges);
    SessionSendingLimits sessionLimits(sendingLimits, sendingCounter, [&serverMetrics](smtp::SendingLimit l) {
      serverMetrics.sendingLimitRefusals
          .at(l == smtp::SendingLimit::MessagesPerHour ? "messages_per_hour" : "recipients_per_day")
          .inc();
    });

    web::ApiServices api = adminServices.api();
    api.bans = &banAdmin;
    api.sendingLimits = &sendingLimits;
    const web::ApiGuard guard(adminServices.sessions(), adminServices.audit(),
                              adminServices.enrollmentGate());
    const AdminBootstrap firstAdmin =
        bootstrapFirstAdmin(adminServices.accounts(), config::environmentMap(), log);

    net::SessionEnvironment environment;
    environment.signer = &dkimSigner;
    environment.sessionEvents = &metricsPorts;
    environment.connectionEvents = &metricsPorts;
    environment.sessionConfig = sessionConfig(cfg, hostname);
    environment.senders = &senders;
    environment.spool = &sink;
    environment.clock = &clock;
    environment.sendingLimits = &sessionLimits;
    environment.makeAuthenticator =
        [&](const std::string& clientAddress) -> std::unique_ptr<smtp::Authenticator> {
      return std::make_unique<SaslAuthenticator>(
          std::make_unique<auth::SaslSession>(sasl, verifier, hostname), bans,
          auth::BanClient{clientAddress, net::clientGroup(clientAddress)});
    };
    net::ServerOptions serverOptions;
    serverOptions.maxConnections = cfg.smtp.maxConnections;
    serverOptions.maxConnectionsPerIp = cfg.smtp.maxConnectionsPerIp;
    serverOptions.shutdownGrace = cfg.smtp.shutdownGrace;
    serverOptions.loginTimeout = cfg.smtp.loginTimeout;

    // /healthz asks the listening sockets themselves (shared with the server, which keeps them open until
    // stop()), the database and the spool.
    std::vector<admin::ServerHealthProbes::Listener> probedListeners;
    for (const auto& listener : bound)
      probedListeners.push_back({listener.socket.address().toString(), listener.socket.impl()->sockfd()});
    admin::ServerHealthProbes healthProbes(std::move(probedListeners), database,
                                           {spool.layout().tmp.string(), spool.layout().queue.string()});
    admin::Health health(healthProbes);

    // The ports were bound as root above; connections are accepted only from here on.
    net::SmtpServer server(std::move(bound), serverOptions, std::move(environment), tlsContext);
    server.start();
    manager.start();
    // The web admin starts after SMTP and stops before it. Without a certificate of its own it uses the
    // SMTP listeners' context.
    const web::AssetTable webAssets(web::embeddedAssets());
    const WebAdmin webAdmin =
        startWebAdmin(cfg, std::move(webListeners), webTlsContext ? webTlsContext : tlsContext, webAssets,
                      api, guard, health, serverMetrics.registry);
    if (firstAdmin == AdminBootstrap::NoPassword && !webAdmin.urls.empty()) {
      // No account and no POSTERN_ADMIN_PASSWORD: whoever reads this log may create the first one.
      log.warning("no web admin account yet: within an hour, open " + webAdmin.urls.front() +
                  "#/setup?token=" + adminServices.setupTokens().issue() +
                  " to create it (or run: postern admin add LOGIN)");
    }
    const PublicSite publicSite =
        startPublicSite(cfg, std::move(publicListeners), publicContext ? publicContext : tlsContext,
                        api.domains, adminServices.clientSetup());
    logNextSteps(api.status.now(), webAdmin.urls, log);
    // The domains' DNS records, checked in the background so the dashboard's dns_record problems stay
    // current without anyone pressing "check"; dns.check_interval 0 leaves it off.
    DomainCheckThread domainChecks(adminServices.domains(), cfg.dns.checkInterval, clock);
    if (cfg.tls.reloadCheckInterval.count() > 0) reloader.startWatching(cfg.tls.reloadCheckInterval);
    log.information("postern " POSTERN_VERSION " ready as " + hostname + ", data in " + cfg.dataDir);

    int signal = 0;
    while (sigwait(&stopSignals, &signal) == 0 && signal == SIGHUP) {
      log.information("received SIGHUP: loading the TLS certificates again");
      reloader.reloadAll();
    }
    log.information(std::string("received ") + (signal == SIGTERM ? "SIGTERM" : "SIGINT") +
                    ": closing listeners, letting transactions finish (up to " +
                    std::to_string(cfg.smtp.shutdownGrace.count()) + " s)");
    // One deadline for everything: SMTP transactions and delivery attempts in progress finish meanwhile
    // (their outcome is recorded); no new attempt starts; the rest stays queued for the next start.
    const auto deadline = std::chrono::steady_clock::now() + cfg.smtp.shutdownGrace;
    domainChecks.stop();
    reloader.stopWatching();
    if (publicSite.server) publicSite.server->stop();
    if (webAdmin.server) webAdmin.server->stop();
    manager.requestStop();
    server.stop();
    usageRecorder.stop();  // the sessions are gone: write down their last counts
    const auto left =
        std::max(std::chrono::steady_clock::duration::zero(), deadline - std::chrono::steady_clock::now());
    const bool idle = manager.stop(std::chrono::duration_cast<std::chrono::milliseconds>(left));
    transport.stop();
    if (!idle) {
      log.warning("delivery attempts still in progress after " +
                  std::to_string(cfg.smtp.shutdownGrace.count()) +
                  " s: leaving them; they are attempted again after the next start");
      log.information("stopped");
      std::_Exit(kExitOk);  // the workers' envelopes are untouched; do not wait for the smarthost
    }
    log.information("stopped");
    return kExitOk;
  } catch (const Poco::Exception& e) {
    log.fatal("cannot run: " + e.displayText());
    return kExitFailure;
  } catch (const std::exception& e) {
    log.fatal(std::string("cannot run: ") + e.what());
    return kExitFailure;
  }
}

}  // namespace postern::app
