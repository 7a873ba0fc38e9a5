#include "app/public_site.h"

#include <Poco/Logger.h>

#include "app/tls_policy.h"
#include "core/ip_network.h"
#include "web/api_client_config.h"
#include "web/public_documents.h"
#include "web/request_dispatcher.h"

namespace postern::app {

std::vector<Poco::Net::ServerSocket> bindPublicListeners(const config::Config& cfg) {
  std::vector<Poco::Net::ServerSocket> sockets;
  for (const auto& address : cfg.publicSite.listen)
    sockets.push_back(web::bindAdminListener(address.host, address.port, "public.listen"));
  return sockets;
}

std::shared_ptr<tls::ContextHolder> publicTlsContext(const config::Config& cfg,
                                                     tls::CertificateReloader& reloader) {
  if (cfg.publicSite.tls.certificate.empty()) return nullptr;
  return reloader.add("public",
                      serverTlsPolicy(cfg, cfg.publicSite.tls.certificate, cfg.publicSite.tls.privateKey));
}

web::Router publicRoutes(admin::Domains& domains, admin::ClientSetup& clientSetup) {
  web::Router router;
  web::addMtaStsPolicyRoute(router, domains);
  web::addClientConfigRoutes(router, clientSetup);
  return router;
}

PublicSite startPublicSite(const config::Config& cfg, std::vector<Poco::Net::ServerSocket> listeners,
                           tls::ContextSource tlsContext, admin::Domains& domains,
                           admin::ClientSetup& clientSetup) {
  PublicSite site;
  if (listeners.empty()) return site;
  Poco::Logger& log = Poco::Logger::get("web");
  web::AdminServerOptions options;
  options.maxThreads = cfg.publicSite.maxThreads;
  options.site = "public";
  auto dispatcher = std::make_shared<const web::RequestDispatcher>(publicRoutes(domains, clientSetup));
  // Anyone may fetch a public document: the network check of the admin listener does not apply.
  const std::vector<core::IpNetwork> everyone{*core::IpNetwork::parse("0.0.0.0/0"),
                                              *core::IpNetwork::parse("::/0")};
  auto server =
      std::make_unique<web::AdminServer>(std::move(listeners), std::move(tlsContext),
                                         web::NetworkList(everyone), std::move(dispatcher), options);
  server->start();
  const auto ports = server->ports();
  for (std::size_t i = 0; i < ports.size(); ++i) {
    site.urls.push_back("https://" + config::ListenAddress{cfg.publicSite.listen[i].host, ports[i]}.str() +
                        "/");
    log.information("public site (MTA-STS policies, mail client set-up) at " + site.urls.back());
  }
  site.server = std::move(server);
  return site;
}

}  // namespace postern::app
