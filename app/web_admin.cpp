#include "app/web_admin.h"

#include <Poco/Logger.h>

#include "app/tls_policy.h"
#include "tls/server_context.h"
#include "web/api_admins.h"
#include "web/api_bans.h"
#include "web/api_client_config.h"
#include "web/api_dkim.h"
#include "web/api_domains.h"
#include "web/api_health.h"
#include "web/api_limits.h"
#include "web/api_metrics.h"
#include "web/api_queue.h"
#include "web/api_routes.h"
#include "web/api_session.h"
#include "web/api_status.h"
#include "web/api_test_message.h"
#include "web/api_users.h"
#include "web/request_dispatcher.h"

namespace postern::app {

std::vector<Poco::Net::ServerSocket> bindAdminListeners(const config::Config& cfg) {
  std::vector<Poco::Net::ServerSocket> sockets;
  for (const auto& address : cfg.admin.listen)
    sockets.push_back(web::bindAdminListener(address.host, address.port));
  return sockets;
}

std::shared_ptr<tls::ContextHolder> adminTlsContext(const config::Config& cfg,
                                                    tls::CertificateReloader& reloader) {
  if (cfg.admin.tls.certificate.empty()) return nullptr;
  return reloader.add("admin", serverTlsPolicy(cfg, cfg.admin.tls.certificate, cfg.admin.tls.privateKey));
}

web::Router adminRoutes(const web::AssetTable& assets, web::ApiServices& services, const web::ApiGuard& guard,
                        admin::Health& health, const metrics::Registry& metrics,
                        const std::string& metricsToken) {
  web::Router router;
  web::addHealthRoutes(router, health);
  web::addMetricsRoutes(router, metrics, core::SecretString(std::string(metricsToken)));
  router.add(web::Method::Get, "/api/v1/openapi.json", web::assetAt(assets, "/openapi.json"));
  web::addSessionRoutes(router, services, guard);
  web::addUserRoutes(router, services, guard);
  web::addClientProfileAdminRoute(router, services.clientSetup, guard);
  web::addAdminRoutes(router, services, guard);
  web::addAuditRoutes(router, services, guard);
  web::addDkimRoutes(router, services, guard);
  web::addDomainRoutes(router, services, guard);
  web::addRouteRoutes(router, services, guard);
  web::addTestMessageRoutes(router, services, guard);
  web::addQueueRoutes(router, services, guard);
  web::addStatusRoutes(router, services, guard);
  if (services.bans) web::addBanRoutes(router, *services.bans, guard);
  if (services.sendingLimits) web::addLimitRoutes(router, *services.sendingLimits, guard);
  return router;
}

WebAdmin startWebAdmin(const config::Config& cfg, std::vector<Poco::Net::ServerSocket> listeners,
                       tls::ContextSource tlsContext, const web::AssetTable& assets,
                       web::ApiServices& services, const web::ApiGuard& guard, admin::Health& health,
                       const metrics::Registry& metrics) {
  Poco::Logger& log = Poco::Logger::get("web");
  WebAdmin admin;
  if (listeners.empty()) {
    log.information("admin UI off (admin.listen is empty)");
    return admin;
  }
  web::AdminServerOptions options;
  options.maxThreads = cfg.admin.maxThreads;
  web::Router routes = adminRoutes(assets, services, guard, health, metrics, cfg.admin.metricsToken);
  for (const std::string& route : routes.describe()) log.debug("api route " + route);
  auto dispatcher =
      std::make_shared<const web::RequestDispatcher>(std::move(routes), web::assetHandler(assets));
  auto server = std::make_unique<web::AdminServer>(std::move(listeners), std::move(tlsContext),
                                                   web::NetworkList(cfg.admin.allowedNetworks),
                                                   std::move(dispatcher), options);
  server->start();
  const auto ports = server->ports();
  for (std::size_t i = 0; i < ports.size(); ++i) {
    admin.urls.push_back("https://" + config::ListenAddress{cfg.admin.listen[i].host, ports[i]}.str() + "/");
    log.information("admin UI at " + admin.urls.back());
  }
  if (assets.size() == 0)
    log.warning("admin UI: this build has no UI files (web/ was empty); only the API answers");
  admin.server = std::move(server);
  return admin;
}

}  // namespace postern::app
