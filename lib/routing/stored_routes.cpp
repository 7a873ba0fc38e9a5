#include "routing/stored_routes.h"

#include "core/error.h"

namespace postern::routing {
namespace {

std::string tokenKey(const ResolvedRoute& route) { return route.name + "#" + route.version; }

}  // namespace

StoredRoutes::StoredRoutes(RouteAdmin& admin, store::RouteRepository& repository, relay::RelayOptions base,
                           std::shared_ptr<oauth::TokenEndpointClient> tokenClient, const core::Clock& clock)
    : admin_(admin),
      repository_(repository),
      base_(std::move(base)),
      tokenClient_(std::move(tokenClient)),
      clock_(clock),
      logger_(Poco::Logger::get("relay")) {}

relay::RouteSet StoredRoutes::routes() {
  const ResolveResult resolved = admin_.resolve();
  relay::RouteSet set;
  for (const auto& u : resolved.unusable)
    set.unusable.push_back(relay::UnusableRoute{u.name, u.senders, u.error});
  std::map<std::string, std::shared_ptr<oauth::TokenSource>> keep;
  for (const auto& r : resolved.routes) {
    try {
      set.routes.push_back(toRoute(r, keep));
    } catch (const core::Error& e) {
      set.unusable.push_back(relay::UnusableRoute{r.name, r.senders, "route " + r.name + ": " + e.what()});
    }
  }
  tokens_.swap(keep);  // token sources of changed or removed routes go with them
  return set;
}

relay::Route StoredRoutes::toRoute(const ResolvedRoute& r,
                                   std::map<std::string, std::shared_ptr<oauth::TokenSource>>& keep) {
  relay::Route route{r.name, r.senders, r.version, base_};
  route.options.smarthosts.clear();
  for (const auto& [host, port] : r.hosts) route.options.smarthosts.push_back(relay::Endpoint{host, port});
  route.options.tls = r.tls;
  const relay::AuthMechanism mechanism = r.auth;
  route.options.caFile = r.caFile;
  route.options.maxConnections = static_cast<std::size_t>(r.maxConnections);
  route.options.username.clear();
  route.options.password.clear();
  route.options.auth = relay::AuthOptions{};
  if (mechanism == relay::AuthMechanism::Password) {
    route.options.auth.mechanism = relay::AuthMechanism::Password;
    route.options.auth.username = r.username;
    route.options.auth.password = r.password;
  } else if (mechanism != relay::AuthMechanism::None) {
    auto source = tokenSource(r);
    keep[tokenKey(r)] = source;
    route.options.auth.mechanism = mechanism;
    route.options.auth.username = r.username;
    route.options.auth.accessToken = [source] { return source->accessToken(); };
    route.options.auth.tokenRejectedFor = [source](const std::string& token) { source->invalidate(token); };
  }
  return route;
}

std::shared_ptr<oauth::TokenSource> StoredRoutes::tokenSource(const ResolvedRoute& r) {
  if (const auto it = tokens_.find(tokenKey(r)); it != tokens_.end()) return it->second;
  oauth::TokenRequest request;
  request.tokenEndpoint = r.oauthTokenUrl;
  request.clientId = r.oauthClientId;
  request.clientSecret = r.oauthClientSecret;
  request.scope = r.oauthScope;
  // A row Postern did not write may name an OAuth mechanism without a grant: unusable, not a default grant.
  if (!r.oauthGrant) throw core::Error::permanent("no oauth grant stored");
  request.grant = *r.oauthGrant;
  request.refreshToken = r.oauthRefreshToken;
  request.timeout = base_.connectTimeout;
  const std::string name = r.name;
  return std::make_shared<oauth::TokenSource>(
      std::move(request), tokenClient_, clock_, [this, name](const std::string& rotated) {
        admin_.storeRotatedRefreshToken(name, rotated);
        logger_.information("route " + name + ": the token endpoint issued a new refresh token; stored");
      });
}

}  // namespace postern::routing
