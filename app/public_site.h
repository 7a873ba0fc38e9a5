// The public site's wiring: its listeners (bound by the caller while still root), its TLS context, and
// the table of its routes. It serves only documents that the internet must be able to fetch (the MTA-STS
// policy by Host; the mail client documents: autoconfig, Autodiscover, a user's Apple profile); every
// other path, the admin UI's and API's included, is a 404 there, because its dispatcher has no page
// handler and its router lists nothing else. Rules live in lib/web and lib/admin.
//
// Adding a public document: one line in publicRoutes() (app/public_site.cpp) with a handler from lib/web.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/ServerSocket.h>

#include <memory>
#include <string>
#include <vector>

#include "admin/client_setup.h"
#include "admin/domains.h"
#include "config/config.h"
#include "tls/certificate_reloader.h"
#include "tls/context_holder.h"
#include "web/admin_server.h"
#include "web/router.h"

namespace postern::app {

// Binds every public.listen address (none when it is empty). Throws Poco::IOException naming public.listen.
std::vector<Poco::Net::ServerSocket> bindPublicListeners(const config::Config& cfg);

// The context of public.tls.certificate, reloaded with the others (SIGHUP, the periodic check); null when
// it is empty (the SMTP listeners' context serves then).
std::shared_ptr<tls::ContextHolder> publicTlsContext(const config::Config& cfg,
                                                     tls::CertificateReloader& reloader);

// Everything the public listener serves.
web::Router publicRoutes(admin::Domains& domains, admin::ClientSetup& clientSetup);

struct PublicSite {
  std::unique_ptr<web::AdminServer> server;  // null when public.listen is empty
  std::vector<std::string> urls;             // "https://HOST:PORT/" per listener
};

// Builds and starts the public site on the bound listeners; the services must outlive it.
PublicSite startPublicSite(const config::Config& cfg, std::vector<Poco::Net::ServerSocket> listeners,
                           tls::ContextSource tlsContext, admin::Domains& domains,
                           admin::ClientSetup& clientSetup);

}  // namespace postern::app
