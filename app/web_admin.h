// The web admin's wiring: its listeners (bound by the caller while still root), its TLS context, and the
// table of its routes. Only wiring lives here (STYLE.md §13): every rule (framing, limits, headers, error
// mapping, asset lookup) is in lib/web, and the endpoints' work is in lib/admin.
//
// Adding an endpoint: one Router::add line in adminRoutes() (app/web_admin.cpp) with a handler from
// lib/web that calls an admin service; see lib/web/request_context.h.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/ServerSocket.h>

#include <memory>
#include <vector>

#include "admin/health.h"
#include "config/config.h"
#include "metrics/registry.h"
#include "tls/certificate_reloader.h"
#include "web/admin_server.h"
#include "web/api_guard.h"
#include "web/api_services.h"
#include "web/static_assets.h"

namespace postern::app {

// Binds every admin.listen address (none when it is empty). Throws Poco::IOException naming admin.listen.
std::vector<Poco::Net::ServerSocket> bindAdminListeners(const config::Config& cfg);

// The context holder of admin.tls.certificate, reloaded with the others; null when it is empty (the SMTP
// listeners' context serves then).
std::shared_ptr<tls::ContextHolder> adminTlsContext(const config::Config& cfg,
                                                    tls::CertificateReloader& reloader);

// The API's route table: every endpoint of /api/v1, /healthz and /metrics (web/openapi.json describes
// them). metricsToken: admin.metrics_token.
web::Router adminRoutes(const web::AssetTable& assets, web::ApiServices& services, const web::ApiGuard& guard,
                        admin::Health& health, const metrics::Registry& metrics,
                        const std::string& metricsToken);

struct WebAdmin {
  std::unique_ptr<web::AdminServer> server;  // null when admin.listen is empty
  std::vector<std::string> urls;             // "https://HOST:PORT/" per listener
};

// Builds and starts the admin server on the bound listeners and logs where the UI is. The assets, services
// guard, health and metrics must outlive the server.
WebAdmin startWebAdmin(const config::Config& cfg, std::vector<Poco::Net::ServerSocket> listeners,
                       tls::ContextSource tlsContext, const web::AssetTable& assets,
                       web::ApiServices& services, const web::ApiGuard& guard, admin::Health& health,
                       const metrics::Registry& metrics);

}  // namespace postern::app
